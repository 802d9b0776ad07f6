"""An answer's body: read within the call's time, bounded in size, decoded once.

The retrying transport re-wraps every answer it gets in a `DecodedResponse` over a
guarded stream (as httpx's own transports build theirs from httpcore's stream), so that:

- each chunk is checked against the attempt's and the call's time left (a transport of
  the caller's, which our deadline-aware sockets do not cover, is bounded chunk by chunk);
- a body larger than MAX_BODY_BYTES is refused, not buffered (a download streams and has
  no such bound);
- `json()` parses once: the generated parser and the tolerant reader get the same data,
  and a JSON text too deeply nested for Python's parser is a ValueError like any bad JSON.
"""

from __future__ import annotations

import time
import typing
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

from . import _deadlines
from .errors import ResponseValidationError

MAX_BODY_BYTES = 64 * 1024 * 1024
"""The largest JSON answer read (64 MiB): a song list of a big account is far smaller."""


class JSONTooDeepError(ValueError):
    """A JSON text nested deeper than Python's parser goes."""


_UNSET: Any = object()


class DecodedResponse(httpx.Response):
    """An httpx.Response whose `json()` decodes the body once and keeps the result."""

    _decoded: Any = _UNSET
    _decode_error: ValueError | None = None

    def json(self, **kwargs: Any) -> Any:
        if kwargs:
            return super().json(**kwargs)
        if self._decode_error is not None:
            raise self._decode_error
        if self._decoded is _UNSET:
            try:
                self._decoded = super().json()
            except RecursionError:
                self._decode_error = JSONTooDeepError("the JSON is nested too deeply")
                raise self._decode_error from None
            except ValueError as exc:  # UnicodeDecodeError is a ValueError too
                self._decode_error = exc
                raise
        return self._decoded


def _too_large(request: httpx.Request, size: int | str) -> ResponseValidationError:
    return ResponseValidationError(
        f"{request.method} {request.url.path}: the answer's body ({size} bytes) is larger "
        f"than {MAX_BODY_BYTES} bytes"
    )


def check_declared_size(request: httpx.Request, headers: httpx.Headers) -> None:
    """Refuse at once a body whose Content-Length is over MAX_BODY_BYTES."""
    declared = headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(request, declared)


def _check_time(request: httpx.Request) -> None:
    call = _deadlines.current()
    if call is not None and call.until is not None and call.until <= time.monotonic():
        raise httpx.ReadTimeout("the attempt's or the call's time is up", request=request)


class GuardedStream(httpx.SyncByteStream):
    """A body stream checked for time left after each chunk, and for size (`cap`)."""

    def __init__(self, inner: Any, request: httpx.Request, cap: int | None) -> None:
        self._inner = inner
        self._request = request
        self._cap = cap

    def __iter__(self) -> Iterator[bytes]:
        size = 0
        for chunk in self._inner:
            size += len(chunk)
            if self._cap is not None and size > self._cap:
                raise _too_large(self._request, f"over {size}")
            _check_time(self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class AsyncGuardedStream(httpx.AsyncByteStream):
    """The async twin of GuardedStream."""

    def __init__(self, inner: Any, request: httpx.Request, cap: int | None) -> None:
        self._inner = inner
        self._request = request
        self._cap = cap

    async def __aiter__(self) -> AsyncIterator[bytes]:
        size = 0
        async for chunk in self._inner:
            size += len(chunk)
            if self._cap is not None and size > self._cap:
                raise _too_large(self._request, f"over {size}")
            _check_time(self._request)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def _guard(raw: httpx.Response, request: httpx.Request, streamed: bool) -> int | None:
    cap = None if streamed else MAX_BODY_BYTES
    if not streamed:
        check_declared_size(request, raw.headers)
    return cap


def _decoded(raw: httpx.Response, request: httpx.Request, stream: Any) -> DecodedResponse:
    """`raw` as a DecodedResponse over `stream`. A plain httpx.Response (what every
    transport returns) changes class in place: DecodedResponse adds a cached `json()` and no
    state of its own, and a copy would cost a second Response and a second body pass."""
    if type(raw) is httpx.Response:
        raw.__class__ = DecodedResponse
        raw.stream = stream
        return typing.cast("DecodedResponse", raw)
    return DecodedResponse(
        raw.status_code,
        headers=raw.headers,
        stream=stream,
        extensions=raw.extensions,
        request=request,
    )


def rewrap(raw: httpx.Response, request: httpx.Request, *, streamed: bool) -> DecodedResponse:
    """`raw` as a DecodedResponse over a guarded stream (sync)."""
    cap = _guard(raw, request, streamed)
    return _decoded(raw, request, GuardedStream(raw.stream, request, cap))


def arewrap(raw: httpx.Response, request: httpx.Request, *, streamed: bool) -> DecodedResponse:
    """The async twin of rewrap."""
    cap = _guard(raw, request, streamed)
    return _decoded(raw, request, AsyncGuardedStream(raw.stream, request, cap))
