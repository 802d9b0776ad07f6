"""Call a generated operation and turn its outcome into a model or a typed exception.

The generated functions parse the body themselves and can fail with KeyError, ValueError
(including `HTTPStatus(599)`) or TypeError on a bad answer. A response hook keeps the
raw httpx response of the current call so that such failures, and error statuses, are
judged from the real answer.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from imuze_client.types import Response

from ._raw_response import RawResponse
from ._responses import M, build_model, decode_json, status_error, validate
from .errors import APIConnectionError, APITimeoutError, ImuzeError, ResponseValidationError

_last_response: contextvars.ContextVar[httpx.Response | None] = contextvars.ContextVar(
    "imuze_last_response", default=None
)


def remember_response(response: httpx.Response) -> None:
    """httpx response hook (sync): note the answer of the current call."""
    _last_response.set(response)


async def aremember_response(response: httpx.Response) -> None:
    """httpx response hook (async): note the answer of the current call."""
    _last_response.set(response)


def call(send: Callable[[], Response[Any]], expected_status: int, model: type[M]) -> M:
    """Run a generated `sync_detailed` call and return its validated model."""
    return call_full(send, expected_status, model).parse()


def call_full(
    send: Callable[[], Response[Any]], expected_status: int, model: type[M]
) -> RawResponse[M]:
    """Like `call`, also keeping the raw answer (for its status and headers)."""
    reset = _last_response.set(None)
    try:
        detailed = send()
    except Exception as exc:
        typed = translate(exc, _last_response.get())
        if typed is exc:
            raise
        raise typed from exc
    else:
        raw = _recorded()
        return RawResponse(unwrap(detailed, raw, expected_status, model), raw)
    finally:
        _last_response.reset(reset)


async def acall(
    send: Callable[[], Awaitable[Response[Any]]], expected_status: int, model: type[M]
) -> M:
    """Run a generated `asyncio_detailed` call and return its validated model."""
    return (await acall_full(send, expected_status, model)).parse()


async def acall_full(
    send: Callable[[], Awaitable[Response[Any]]], expected_status: int, model: type[M]
) -> RawResponse[M]:
    """The async twin of call_full."""
    reset = _last_response.set(None)
    try:
        detailed = await send()
    except Exception as exc:
        typed = translate(exc, _last_response.get())
        if typed is exc:
            raise
        raise typed from exc
    else:
        raw = _recorded()
        return RawResponse(unwrap(detailed, raw, expected_status, model), raw)
    finally:
        _last_response.reset(reset)


def _recorded() -> httpx.Response:
    raw = _last_response.get()
    if raw is None:  # only when no response hook ran: an httpx client not built by imuze_ext
        raise ImuzeError("internal error: the HTTP answer was not recorded")
    return raw


def unwrap(detailed: Response[Any], raw: httpx.Response, expected_status: int, model: type[M]) -> M:
    """The validated model of a successful call; a typed exception otherwise."""
    if raw.status_code != expected_status:
        raise status_error(raw)
    parsed = detailed.parsed
    validate(model.__name__, decode_json(raw), raw)
    if isinstance(parsed, model):
        return parsed
    return build_model(model, decode_json(raw), raw)


def translate(exc: Exception, raw: httpx.Response | None) -> Exception:
    """The typed exception for a failure raised while sending or parsing."""
    if isinstance(exc, ImuzeError):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"timed out: {_describe(exc)}", request=_request_of(exc))
    if isinstance(exc, httpx.TransportError):
        return APIConnectionError(f"connection failed: {_describe(exc)}", request=_request_of(exc))
    if isinstance(exc, (KeyError, ValueError, TypeError, AttributeError)) and raw is not None:
        if not 200 <= raw.status_code < 300:
            return status_error(raw)
        return ResponseValidationError(
            f"{raw.request.method} {raw.request.url.path}: the body does not match the spec "
            f"({type(exc).__name__})",
            response=raw,
        )
    return exc


def _request_of(exc: httpx.TransportError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:
        return None


def _describe(exc: httpx.TransportError) -> str:
    request = _request_of(exc)
    where = f"{request.method} {request.url.host}{request.url.path}: " if request else ""
    return f"{where}{type(exc).__name__}: {exc}" if str(exc) else f"{where}{type(exc).__name__}"
