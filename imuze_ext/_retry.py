"""Retries as httpx transports: pure decisions shared by the sync and async twins, stamina loops.

Defaults: 2 retries (3 attempts) with exponential backoff from 0.5 s, doubled each time,
plus up to 0.5 s of jitter, capped at 8 s. A `Retry-After` (seconds or HTTP date) replaces
the backoff when it is at most 30 s; a longer one is not waited for: the error is raised
with its `retry_after` so that the caller decides.

The budget is the call's (see _deadlines): the login, the request and a download's
resumed segments all spend the same `max_retries`, and no wait is begun that would end
after the call's deadline: the call then fails at once with its last error.

What is retried: connection errors, timeouts and the statuses 408, 429, 500, 502, 503 and
504. A create (`POST /songs`) is not idempotent, so it is retried only when the server
provably did not process it: the connection failed before the request was sent, or the
server answered 429 or 503. Never after a 500 or a read timeout: that could duplicate a song.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import httpx

from . import _body, _deadlines
from ._deadlines import Call, Limits
from ._logging import logger, redact_headers, redact_url, retrying

DEFAULT_MAX_RETRIES = 2
WAIT_INITIAL = 0.5
WAIT_MAX = 8.0
WAIT_JITTER = 0.5
RETRY_AFTER_CAP = 30.0

# Request extension marking a download: its body is streamed by the caller, not read here.
STREAM_EXTENSION = "imuze.stream"

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Statuses with which the server says it did not act on the request.
NOT_PROCESSED_STATUSES = frozenset({429, 503})
# Transport errors raised before the request left: nothing can have been processed.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
# Transport errors that may strike after the server got the request.
MAYBE_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def is_replayable(request: httpx.Request) -> bool:
    """Whether sending the request twice is harmless (everything but creating a song)."""
    if request.method != "POST":
        return True
    return request.url.path.endswith("/tokens")  # a second token does no harm


def should_retry_error(request: httpx.Request, exc: Exception) -> bool:
    """Whether a transport error is worth another attempt for this request."""
    if isinstance(exc, NOT_SENT_ERRORS):
        return True
    return is_replayable(request) and isinstance(exc, MAYBE_SENT_ERRORS)


def should_retry_status(request: httpx.Request, status_code: int) -> bool:
    """Whether an answer with this status is worth another attempt for this request."""
    if status_code not in RETRYABLE_STATUSES:
        return False
    return is_replayable(request) or status_code in NOT_PROCESSED_STATUSES


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header, in delta-seconds or as an HTTP date."""
    if value is None:
        return None
    value = value.strip()
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


class _RetryableStatus(Exception):
    """Raised inside the stamina loop to retry an answer; carries it for the last attempt."""

    def __init__(self, response: httpx.Response, delay: float | None) -> None:
        super().__init__(f"retryable status {response.status_code}")
        self.response = response
        self.delay = delay

    def __repr__(self) -> str:  # what stamina's retry record shows as its cause
        return f"status {self.response.status_code}"


def backoff(retry: int) -> float:
    """The wait before retry number `retry` (1, 2, ...): exponential, capped, jittered."""
    base: float = min(WAIT_MAX, WAIT_INITIAL * 2.0 ** (retry - 1))
    return base + random.uniform(0, WAIT_JITTER)  # noqa: S311 - jitter, not a secret


def default_deadline(attempt: float | None, max_retries: int) -> float | None:
    """A call's default deadline: every attempt at its timeout, plus the longest backoff
    before each retry; None when attempts are unbounded."""
    if attempt is None:
        return None
    return (max_retries + 1) * attempt + max_retries * WAIT_MAX


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


def _delay_for(request: httpx.Request, call: Call, exc: Exception) -> float | None:
    """The wait before the next attempt, or None: do not retry."""
    if isinstance(exc, _RetryableStatus):
        delay = backoff(call.attempts) if exc.delay is None else exc.delay
    elif should_retry_error(request, exc):
        delay = backoff(call.attempts)
    else:
        return None
    if not _deadlines.may_wait(call, delay):
        return None
    return delay


def _backoff_hook(request: httpx.Request, call: Call) -> Callable[[Exception], bool | float]:
    """stamina's `on` for one request: our own decision and delay, within the call's budget."""

    def hook(exc: Exception) -> bool | float:
        delay = _delay_for(request, call, exc)
        if delay is None:
            return False
        retry_after = isinstance(exc, _RetryableStatus) and exc.delay is not None
        announce_wait(f"{request.method} {request.url.path}", delay, retry_after=retry_after)
        return delay

    return hook


def _status_decision(request: httpx.Request, response: httpx.Response) -> _RetryableStatus | None:
    """The retry to schedule for this answer, or None to hand it back."""
    if not should_retry_status(request, response.status_code):
        return None
    delay = retry_after_seconds(response.headers.get("Retry-After"))
    if delay is not None and delay > RETRY_AFTER_CAP:
        return None
    return _RetryableStatus(response, delay)


def is_streamed(request: httpx.Request) -> bool:
    """Whether the caller streams the body itself (downloads); other bodies are read here,
    so that an answer cut off mid-body is a failed attempt like any other."""
    return bool(request.extensions.get(STREAM_EXTENSION))


def _log(request: httpx.Request, attempt: int, started: float, outcome: object) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
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
        elapsed_ms,
    )


def _retrying(request: httpx.Request, call: Call) -> Any:
    """A stamina retry context (iterable sync and async) for one request of a call."""
    import stamina  # at the first retry loop, not at `import imuze` (it loads tenacity)

    return stamina.retry_context(
        on=_backoff_hook(request, call),
        attempts=None,
        timeout=None,
        wait_initial=WAIT_INITIAL,
        wait_max=WAIT_MAX,
        wait_jitter=WAIT_JITTER,
    )


def _start(request: httpx.Request, call: Call, limits: Limits) -> bool:
    """Begin an attempt; shorten the request's own timeouts to the time left (for a
    transport of the caller's, which our sockets do not guard). Whether it streams."""
    streamed = is_streamed(request)
    _deadlines.begin_attempt(call, None if streamed else limits.attempt)
    # At its start an attempt has its whole timeout left: only the call's deadline can be
    # nearer than the request's own timeouts.
    if call.deadline is None:
        return streamed
    left = call.deadline - call.attempt_started
    timeouts = request.extensions.get("timeout")
    if isinstance(timeouts, dict) and _shortens(timeouts, left):
        wait = max(round(left, 3), 0.001)  # to the millisecond: the rest is noise
        request.extensions["timeout"] = {
            k: wait if v is None else min(v, wait) for k, v in timeouts.items()
        }
    return streamed


def _shortens(timeouts: dict[str, float | None], left: float) -> bool:
    """Whether `left` s is less than one of the request's timeouts (None: no limit)."""
    for v in timeouts.values():
        if v is None or v > left:
            return True
    return False


def _read_or_close(response: httpx.Response) -> None:
    try:
        response.read()
    except BaseException:
        response.close()
        raise


async def _aread_or_close(response: httpx.Response) -> None:
    try:
        await response.aread()
    except BaseException:
        await response.aclose()
        raise


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport: logs each attempt and retries by the rules above."""

    def __init__(self, inner: httpx.BaseTransport, limits: Limits) -> None:
        self._inner = inner
        self._limits = limits

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call = _deadlines.current()
        if call is None:  # a request outside any call of ours: it is a call of its own
            with _deadlines.call_scope() as call:
                return self._send(request, call)
        return self._send(request, call)

    def _send(self, request: httpx.Request, call: Call) -> httpx.Response:
        _deadlines.settle(call, self._limits)
        try:  # the common case pays nothing for the retry machinery
            return self._attempt(request, call, 1)
        except (_RetryableStatus, httpx.TransportError) as exc:
            first = exc
        try:
            with retrying(f"{request.method} {request.url.path}"):
                for attempt in _retrying(request, call):
                    with attempt:
                        if attempt.num == 1:
                            raise first  # replayed: our hook decides and sets the wait
                        return self._attempt(request, call, attempt.num)
        except _RetryableStatus as last:
            return last.response
        raise AssertionError("unreachable: stamina either returns or raises")

    def _attempt(self, request: httpx.Request, call: Call, num: int) -> httpx.Response:
        started = time.perf_counter()
        streamed = _start(request, call, self._limits)
        try:
            raw = self._inner.handle_request(request)
            try:
                response = _body.rewrap(raw, request, streamed=streamed)
            except BaseException:
                raw.close()
                raise
            if not streamed:
                _read_or_close(response)
        except httpx.TransportError as exc:
            _log(request, num, started, type(exc).__name__)
            raise
        _log(request, num, started, response.status_code)
        if response.status_code in RETRYABLE_STATUSES and (
            retry := _status_decision(request, response)
        ):
            _read_or_close(response)  # keep the body: the last attempt's answer is handed back
            response.close()
            raise retry
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of RetryTransport."""

    def __init__(self, inner: httpx.AsyncBaseTransport, limits: Limits) -> None:
        self._inner = inner
        self._limits = limits

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = _deadlines.current()
        if call is None:
            with _deadlines.call_scope() as call:
                return await self._send(request, call)
        return await self._send(request, call)

    async def _send(self, request: httpx.Request, call: Call) -> httpx.Response:
        _deadlines.settle(call, self._limits)
        try:
            return await self._attempt(request, call, 1)
        except (_RetryableStatus, httpx.TransportError) as exc:
            first = exc
        try:
            with retrying(f"{request.method} {request.url.path}"):
                async for attempt in _retrying(request, call):
                    with attempt:
                        if attempt.num == 1:
                            raise first
                        return await self._attempt(request, call, attempt.num)
        except _RetryableStatus as last:
            return last.response
        raise AssertionError("unreachable: stamina either returns or raises")

    async def _attempt(self, request: httpx.Request, call: Call, num: int) -> httpx.Response:
        started = time.perf_counter()
        streamed = _start(request, call, self._limits)
        try:
            raw = await self._inner.handle_async_request(request)
            try:
                response = _body.arewrap(raw, request, streamed=streamed)
            except BaseException:
                await raw.aclose()
                raise
            if not streamed:
                await _aread_or_close(response)
        except httpx.TransportError as exc:
            _log(request, num, started, type(exc).__name__)
            raise
        _log(request, num, started, response.status_code)
        if response.status_code in RETRYABLE_STATUSES and (
            retry := _status_decision(request, response)
        ):
            await _aread_or_close(response)
            await response.aclose()
            raise retry
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
