"""Call a generated operation and turn its outcome into a model or a typed exception.

The generated functions parse only the statuses the spec documents, and can fail with
KeyError, ValueError (including `HTTPStatus(599)`) or TypeError on a bad answer. A response
hook keeps the raw httpx response of the current call, and every answer is judged from it:
any 2xx whose body matches the success schema is a success (see _responses.read).
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from imuze_client.types import Response

from . import _deadlines
from ._failures import typed
from ._raw_response import RawResponse
from ._responses import M, read
from ._tolerance import Tolerance
from .errors import ImuzeError

_last_response: contextvars.ContextVar[httpx.Response | None] = contextvars.ContextVar(
    "imuze_last_response", default=None
)


def remember_response(response: httpx.Response) -> None:
    """httpx response hook (sync): note the answer of the current call."""
    _last_response.set(response)


async def aremember_response(response: httpx.Response) -> None:
    """httpx response hook (async): note the answer of the current call."""
    _last_response.set(response)


def call(
    send: Callable[[], Response[Any]], operation: str, model: type[M], tolerance: Tolerance
) -> M:
    """Run a generated `sync_detailed` call and return its validated model."""
    return call_full(send, operation, model, tolerance).parse()


def call_full(
    send: Callable[[], Response[Any]], operation: str, model: type[M], tolerance: Tolerance
) -> RawResponse[M]:
    """Like `call`, also keeping the raw answer (for its status and headers)."""
    reset = _last_response.set(None)
    try:
        with _deadlines.call_scope():
            try:
                detailed = send()
            except Exception as exc:
                raw = _answer_despite(exc)  # the generated parser gave up: judge the raw answer
                parsed = None
            else:
                raw = _recorded()
                parsed = detailed.parsed
        return RawResponse(read(raw, parsed, operation, model, tolerance), raw)
    finally:
        _last_response.reset(reset)


async def acall(
    send: Callable[[], Awaitable[Response[Any]]],
    operation: str,
    model: type[M],
    tolerance: Tolerance,
) -> M:
    """Run a generated `asyncio_detailed` call and return its validated model."""
    return (await acall_full(send, operation, model, tolerance)).parse()


async def acall_full(
    send: Callable[[], Awaitable[Response[Any]]],
    operation: str,
    model: type[M],
    tolerance: Tolerance,
) -> RawResponse[M]:
    """The async twin of call_full."""
    reset = _last_response.set(None)
    try:
        with _deadlines.call_scope():
            try:
                detailed = await send()
            except Exception as exc:
                raw = _answer_despite(exc)  # the generated parser gave up: judge the raw answer
                parsed = None
            else:
                raw = _recorded()
                parsed = detailed.parsed
        return RawResponse(read(raw, parsed, operation, model, tolerance), raw)
    finally:
        _last_response.reset(reset)


def _answer_despite(exc: Exception) -> httpx.Response:
    """The recorded answer when the generated code choked on it; else `exc`, typed."""
    raw = _last_response.get()
    if raw is not None and _choked(exc):
        return raw
    translated = translate(exc)
    if translated is exc:
        raise exc
    raise translated from exc


def _recorded() -> httpx.Response:
    raw = _last_response.get()
    if raw is None:  # only when no response hook ran: an httpx client not built by imuze_ext
        raise ImuzeError("internal error: the HTTP answer was not recorded")
    return raw


def _choked(exc: Exception) -> bool:
    """Whether the generated code failed on the answer's status or body (not on sending)."""
    return isinstance(exc, (KeyError, ValueError, TypeError, AttributeError))


def translate(exc: Exception) -> Exception:
    """The typed exception for a failure raised while sending (the exception itself when
    it is typed already, or not ours to translate)."""
    return typed(exc) or exc
