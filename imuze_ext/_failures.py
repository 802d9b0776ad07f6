"""Every failure raised while sending, made one of our typed exceptions.

The table covers httpx's whole exception hierarchy (tests/ext/test_ext_failures.py walks
it from the installed httpx, so a new httpx exception fails that test until it is mapped
here), and what Python's parsers raise on a hostile body. Messages never quote a header
value (h11's LocalProtocolError does: it could be a key) and redact secrets in URLs.
"""

from __future__ import annotations

import httpx

from . import _deadlines
from ._logging import redact_url
from ._responses import status_error
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ImuzeError,
    ResponseValidationError,
)

HTTPX_EXCEPTIONS: dict[type[Exception], type[ImuzeError]] = {
    httpx.HTTPError: ImuzeError,
    httpx.RequestError: APIConnectionError,
    httpx.TransportError: APIConnectionError,
    httpx.TimeoutException: APITimeoutError,
    httpx.ConnectTimeout: APITimeoutError,
    httpx.ReadTimeout: APITimeoutError,
    httpx.WriteTimeout: APITimeoutError,
    httpx.PoolTimeout: APITimeoutError,
    httpx.NetworkError: APIConnectionError,
    httpx.ConnectError: APIConnectionError,
    httpx.ReadError: APIConnectionError,
    httpx.WriteError: APIConnectionError,
    httpx.CloseError: APIConnectionError,
    httpx.ProtocolError: APIConnectionError,
    httpx.RemoteProtocolError: APIConnectionError,
    httpx.LocalProtocolError: ImuzeError,
    httpx.ProxyError: APIConnectionError,
    httpx.UnsupportedProtocol: APIConnectionError,
    httpx.DecodingError: ResponseValidationError,
    httpx.TooManyRedirects: APIConnectionError,
    httpx.HTTPStatusError: APIStatusError,
    httpx.InvalidURL: ResponseValidationError,
    httpx.CookieConflict: ImuzeError,
    httpx.StreamError: ImuzeError,
    httpx.StreamConsumed: ImuzeError,
    httpx.StreamClosed: ImuzeError,
    httpx.ResponseNotRead: ImuzeError,
    httpx.RequestNotRead: ImuzeError,
}
"""Every exception httpx defines, and the class of ours it becomes (the rules are in
`typed`; this table is what the test of the whole hierarchy holds them to)."""

_DEFAULT_PORTS = {"http": 80, "https": 443}


def where(url: httpx.URL) -> str:
    """`https://api.imuze.io:443/api/4/songs`: the scheme and port say which server was
    tried (no query string, no user info)."""
    host = f"[{url.host}]" if ":" in url.host else url.host
    port = url.port or _DEFAULT_PORTS.get(url.scheme)
    return f"{url.scheme}://{host}{f':{port}' if port else ''}{url.path}"


def request_of(exc: BaseException) -> httpx.Request | None:
    """The request an httpx exception carries, if any."""
    try:
        request = getattr(exc, "request", None)
    except RuntimeError:  # httpx raises when the request was never set
        return None
    return request if isinstance(request, httpx.Request) else None


def _at(exc: BaseException) -> str:
    request = request_of(exc)
    return f"{request.method} {where(request.url)}: " if request is not None else ""


def _said(exc: BaseException) -> str:
    text = redact_url(str(exc))
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def typed(exc: BaseException) -> ImuzeError | None:
    """The typed exception for `exc`, or None when it is not a failure to translate
    (cancellation, KeyboardInterrupt, a bug of the caller's callback...)."""
    if isinstance(exc, ImuzeError):
        return exc
    request = request_of(exc)
    if isinstance(exc, httpx.TimeoutException):
        limit, elapsed, phrase = _deadlines.describe_timeout(_deadlines.current())
        return APITimeoutError(
            f"timed out: {_at(exc)}{phrase} ({elapsed:.1f} s in all; {type(exc).__name__})",
            request=request,
            limit=limit,
            elapsed=elapsed,
        )
    if isinstance(exc, httpx.LocalProtocolError):  # h11's text quotes the header value
        return ImuzeError(
            f"{_at(exc)}the request could not be sent: a header or the body is not valid "
            "HTTP (LocalProtocolError)"
        )
    if isinstance(exc, httpx.TooManyRedirects):
        return APIConnectionError(f"{_at(exc)}too many redirects (a loop?)", request=request)
    if isinstance(exc, httpx.DecodingError):
        return ResponseValidationError(
            f"{_at(exc)}the body could not be decoded as its Content-Encoding says ({_said(exc)})"
        )
    if isinstance(exc, httpx.TransportError | httpx.RequestError):
        return APIConnectionError(f"connection failed: {_at(exc)}{_said(exc)}", request=request)
    if isinstance(exc, httpx.HTTPStatusError):
        return status_error(exc.response)
    if isinstance(exc, httpx.InvalidURL):
        return ResponseValidationError(f"a URL is not valid: {_said(exc)}")
    if isinstance(exc, (httpx.CookieConflict, httpx.StreamError, httpx.HTTPError)):
        return ImuzeError(f"internal error: {_said(exc)}")
    if isinstance(exc, RecursionError):
        return ResponseValidationError("the answer is nested too deeply to be read")
    if isinstance(exc, UnicodeEncodeError):
        return ImuzeError("the request holds a character no HTTP header may carry")
    return None
