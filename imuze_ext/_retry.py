"""The retry policy: what is repeated, when and how long to wait, as data; one loop per twin.

The rules (`REQUEST`, `RESUME`, `WAIT`) spend the call's retry budget (_deadlines), and no wait
begins that would end after its deadline. What may be replayed is read from the spec; a create
is repeated only when the server provably did not process it (see `Rule`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import itertools
import logging
import math
import random
import re
import time
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import stamina

from . import _deadlines, _responses
from ._config import logger
from ._deadlines import Call, Limits
from .errors import APIConnectionError, APIStatusError, RateLimitError
from .redaction import redact_headers, redact_url

DEFAULT_MAX_RETRIES = 2

STREAM_EXTENSION = "imuze.stream"
"""Request extension marking a download: its body is streamed by the caller, not read here."""


class BodyCutOff(Exception):
    """The body ended before Content-Length bytes: worth resuming."""

    def __init__(self, received: int, total: int) -> None:
        super().__init__(f"got {received} of {total} bytes")


@dataclass(frozen=True)
class Backoff:
    """A backoff curve: `initial` s, times `growth` each retry, at most `cap` s, plus up to
    `jitter` s at random."""

    initial: float
    growth: float
    cap: float
    jitter: float = 0.0

    def delay(self, retry: int) -> float:
        """The wait before retry number `retry` (1, 2, ...)."""
        base = min(self.cap, self.initial * self.growth ** (retry - 1))
        return base + random.uniform(0, self.jitter) if self.jitter else base  # noqa: S311


@dataclass(frozen=True)
class Rule:
    """When to try again: these statuses or failures, after a wait on `backoff`. A request
    that may not be replayed is repeated only after `unprocessed` statuses or `unsent`
    failures, with which the server provably did not act on it."""

    statuses: frozenset[int]
    errors: tuple[type[BaseException], ...]
    backoff: Backoff
    unprocessed: frozenset[int] = frozenset()
    unsent: tuple[type[BaseException], ...] = ()
    retry_after_cap: float = math.inf


_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

REQUEST = Rule(
    statuses=frozenset({408, 429, 500, 502, 503, 504}),
    errors=(*_NOT_SENT, *_MAYBE_SENT),
    backoff=Backoff(initial=0.5, growth=2.0, cap=8.0, jitter=0.5),
    unprocessed=frozenset({429, 503}),
    unsent=_NOT_SENT,
    retry_after_cap=30.0,
)
RESUME = Rule(
    statuses=frozenset(), errors=(BodyCutOff, *_NOT_SENT, *_MAYBE_SENT), backoff=REQUEST.backoff
)
WAIT = Rule(
    statuses=frozenset({429, 502, 503, 504}),
    errors=(APIConnectionError,),
    backoff=Backoff(initial=0.5, growth=1.5, cap=10.0),
)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})


@functools.cache
def _replayable_paths(method: str) -> tuple[re.Pattern[str], ...]:
    """The spec's paths of `method` whose success answers link to nothing they created."""
    found = []
    for path, item in _responses.packaged_spec()["paths"].items():
        operation = item.get(method.lower())
        if not operation:
            continue
        answers = operation.get("responses", {})
        if not any(a.get("links") for s, a in answers.items() if str(s).startswith("2")):
            found.append(re.compile(re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)) + "$"))
    return tuple(found)


def is_replayable(request: httpx.Request) -> bool:
    """Whether sending the request twice is harmless: an idempotent method (RFC 9110), or an
    operation whose success answer links to nothing it created (a login), by the spec."""
    if request.method in IDEMPOTENT_METHODS:
        return True
    return any(p.search(request.url.path) for p in _replayable_paths(request.method))


def should_retry(request: httpx.Request, outcome: int | BaseException) -> bool:
    """Whether an answer's status or a transport error is worth another attempt of `request`:
    REQUEST lists it, and the server provably did not act on it, or it may be replayed."""
    if isinstance(outcome, int):
        listed, untouched = outcome in REQUEST.statuses, outcome in REQUEST.unprocessed
    else:
        listed, untouched = isinstance(outcome, REQUEST.errors), isinstance(outcome, REQUEST.unsent)
    return listed and (untouched or is_replayable(request))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header, in delta-seconds or as an HTTP date."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def default_deadline(attempt: float | None, max_retries: int) -> float | None:
    """A call's default deadline: every attempt at its timeout, plus the longest backoff
    before each retry; None when attempts are unbounded."""
    if attempt is None:
        return None
    return (max_retries + 1) * attempt + max_retries * REQUEST.backoff.cap


def wait_outlives(exc: Exception) -> float | None:
    """For an error a wait for a song outlives (the request's own retries spent), the
    seconds the server asked for (0 = the usual interval); None for one that ends it."""
    if isinstance(exc, APIStatusError):
        if exc.status_code not in WAIT.statuses:
            return None
        return (exc.retry_after or 0.0) if isinstance(exc, RateLimitError) else 0.0
    return 0.0 if isinstance(exc, WAIT.errors) else None


def resume_delay(call: Call, exc: Exception) -> float | None:
    """The wait before resuming a download after `exc`, or None: give up."""
    if not isinstance(exc, RESUME.errors):
        return None
    delay = RESUME.backoff.delay(max(call.attempts, 1))
    return delay if _deadlines.may_wait(call, delay) else None


def announce_wait(what: str, delay: float, *, retry_after: bool) -> None:
    """Log a wait at INFO; one the server asked for (Retry-After) is marked, so that an
    application (the CLI) can say why it pauses and for how long."""
    why = "the server's Retry-After" if retry_after else "backoff"
    logger.info(
        "waiting %.1f s before retrying %s (%s)",
        delay,
        what,
        why,
        extra={"imuze_wait_seconds": delay, "imuze_retry_after": retry_after},
    )


def pause(delay: float) -> float:
    """The seconds to really sleep: none in stamina's testing mode."""
    return 0.0 if stamina.is_testing() else delay


def _request_delay(
    request: httpx.Request, call: Call, outcome: httpx.Response | Exception
) -> float | None:
    """The wait before the next attempt of a request, or None: hand back this outcome."""
    if isinstance(outcome, httpx.Response):
        if not should_retry(request, outcome.status_code):
            return None
        asked = retry_after_seconds(outcome.headers.get("Retry-After"))
        if asked is not None and asked > REQUEST.retry_after_cap:
            return None
        cause = f"status {outcome.status_code}"
    elif should_retry(request, outcome):
        asked, cause = None, type(outcome).__name__
    else:
        return None
    delay = REQUEST.backoff.delay(call.attempts) if asked is None else asked
    if not _deadlines.may_wait(call, delay):
        return None
    what = f"{request.method} {request.url.path}"
    announce_wait(what, delay, retry_after=asked is not None)
    log_retry(call.attempts, what, delay, cause)
    return delay


def log_retry(num: int, what: str, delay: float, cause: str) -> None:
    """Log a scheduled retry at WARNING (number `num` of `what`, after `cause`)."""
    logger.warning(
        "retry %d of %s in %.2f s after %s",
        num,
        what,
        pause(delay),
        cause,
        extra={"imuze_retry_num": num, "imuze_retry_cause": cause},
    )


def _log(request: httpx.Request, attempt: int, started: float, outcome: object) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    logger.debug(
        "%s %s headers=%s",
        request.method,
        redact_url(str(request.url)),
        redact_headers(request.headers.multi_items()),
    )
    logger.info(
        "%s %s -> %s (attempt %d, %.1f ms)",
        request.method,
        request.url.path,
        outcome,
        attempt,
        (time.perf_counter() - started) * 1000,
    )


def _begin(request: httpx.Request, call: Call, limits: Limits) -> tuple[float, bool]:
    """Start an attempt: when it started, and whether its body is streamed by the caller."""
    streamed = bool(request.extensions.get(STREAM_EXTENSION))
    _deadlines.begin_attempt(call, None if streamed else limits.attempt, request)
    return time.perf_counter(), streamed


class RetryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a transport (sync or async): logs each attempt, reads each body (unless the
    caller streams it), and retries by REQUEST."""

    def __init__(self, inner: Any, limits: Limits) -> None:
        self._inner = inner
        self._limits = limits

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with _deadlines.call_scope() as call:  # joins the call in progress, if any
            _deadlines.settle(call, self._limits)
            for num in itertools.count(1):
                started, streamed = _begin(request, call, self._limits)
                try:
                    response = self._attempt(request, started, streamed)
                except httpx.TransportError as exc:
                    _log(request, num, started, type(exc).__name__)
                    if (delay := _request_delay(request, call, exc)) is None:
                        raise
                else:
                    _log(request, num, started, response.status_code)
                    if (delay := _request_delay(request, call, response)) is None:
                        return response  # the last answer is handed back
                    response.close()
                time.sleep(pause(delay))
            raise AssertionError("unreachable: the loop returns or raises")

    def _attempt(self, request: httpx.Request, started: float, streamed: bool) -> httpx.Response:
        raw = self._inner.handle_request(request)
        try:
            response = _deadlines.guarded(raw, request, streamed=streamed)
            if not streamed:
                response.read()
                response.elapsed = dt.timedelta(seconds=time.perf_counter() - started)
        except BaseException:
            raw.close()
            raise
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with _deadlines.call_scope() as call:
            _deadlines.settle(call, self._limits)
            for num in itertools.count(1):
                started, streamed = _begin(request, call, self._limits)
                try:
                    response = await self._async_attempt(request, started, streamed)
                except httpx.TransportError as exc:
                    _log(request, num, started, type(exc).__name__)
                    if (delay := _request_delay(request, call, exc)) is None:
                        raise
                else:
                    _log(request, num, started, response.status_code)
                    if (delay := _request_delay(request, call, response)) is None:
                        return response
                    await response.aclose()
                await anyio.sleep(pause(delay))
            raise AssertionError("unreachable: the loop returns or raises")

    async def _async_attempt(
        self, request: httpx.Request, started: float, streamed: bool
    ) -> httpx.Response:
        raw = await self._inner.handle_async_request(request)
        try:
            response = _deadlines.guarded(raw, request, streamed=streamed)
            if not streamed:
                await response.aread()
                response.elapsed = dt.timedelta(seconds=time.perf_counter() - started)
        except BaseException:
            await raw.aclose()
            raise
        return response

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()
