"""Retries as httpx transports: pure decisions shared by the sync and async twins, stamina loops.

Defaults: 2 retries (3 attempts) with exponential backoff from 0.5 s, doubled each time,
plus up to 0.5 s of jitter, capped at 8 s. A `Retry-After` (seconds or HTTP date) replaces
the backoff when it is at most 30 s; a longer one is not waited for: the error is raised
with its `retry_after` so that the caller decides.

What is retried: connection errors, timeouts and the statuses 408, 429, 500, 502, 503 and
504. A create (`POST /songs`) is not idempotent, so it is retried only when the server
provably did not process it: the connection failed before the request was sent, or the
server answered 429 or 503. Never after a 500 or a read timeout: that could duplicate a song.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import stamina

from ._logging import logger, redact_headers, retrying

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


def _backoff_hook(request: httpx.Request) -> Callable[[Exception], bool | float]:
    """stamina's `on` for one request: retry what the rules allow, honouring Retry-After."""

    def hook(exc: Exception) -> bool | float:
        if isinstance(exc, _RetryableStatus):
            return True if exc.delay is None else exc.delay
        return should_retry_error(request, exc)

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


def _log(request: httpx.Request, attempt: int, started: float, outcome: str) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.debug(
        "%s %s headers=%s",
        request.method,
        request.url,
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


def _retrying(request: httpx.Request, attempts: int) -> Any:
    """A stamina retry context (iterable sync and async) for one request."""
    return stamina.retry_context(
        on=_backoff_hook(request),
        attempts=attempts,
        timeout=None,
        wait_initial=WAIT_INITIAL,
        wait_max=WAIT_MAX,
        wait_jitter=WAIT_JITTER,
    )


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport: logs each attempt and retries by the rules above."""

    def __init__(self, inner: httpx.BaseTransport, max_retries: int) -> None:
        self._inner = inner
        self._attempts = max_retries + 1

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:  # the common case pays nothing for the retry machinery
            return self._attempt(request, 1)
        except (_RetryableStatus, httpx.TransportError) as exc:
            first = exc
        try:
            with retrying(f"{request.method} {request.url.path}"):
                for attempt in _retrying(request, self._attempts):
                    with attempt:
                        if attempt.num == 1:
                            raise first  # replayed: stamina decides and schedules the wait
                        return self._attempt(request, attempt.num)
        except _RetryableStatus as last:
            return last.response
        raise AssertionError("unreachable: stamina either returns or raises")

    def _attempt(self, request: httpx.Request, num: int) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = self._inner.handle_request(request)
            if not is_streamed(request):
                _read_or_close(response)
        except httpx.TransportError as exc:
            _log(request, num, started, type(exc).__name__)
            raise
        _log(request, num, started, str(response.status_code))
        if (retry := _status_decision(request, response)) is not None:
            _read_or_close(response)  # keep the body: the last attempt's answer is handed back
            response.close()
            raise retry
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of RetryTransport."""

    def __init__(self, inner: httpx.AsyncBaseTransport, max_retries: int) -> None:
        self._inner = inner
        self._attempts = max_retries + 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._attempt(request, 1)
        except (_RetryableStatus, httpx.TransportError) as exc:
            first = exc
        try:
            with retrying(f"{request.method} {request.url.path}"):
                async for attempt in _retrying(request, self._attempts):
                    with attempt:
                        if attempt.num == 1:
                            raise first
                        return await self._attempt(request, attempt.num)
        except _RetryableStatus as last:
            return last.response
        raise AssertionError("unreachable: stamina either returns or raises")

    async def _attempt(self, request: httpx.Request, num: int) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await self._inner.handle_async_request(request)
            if not is_streamed(request):
                await _aread_or_close(response)
        except httpx.TransportError as exc:
            _log(request, num, started, type(exc).__name__)
            raise
        _log(request, num, started, str(response.status_code))
        if (retry := _status_decision(request, response)) is not None:
            await _aread_or_close(response)
            await response.aclose()
            raise retry
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
