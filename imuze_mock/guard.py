"""The request limits, enforced before any work: the head's size, then the body's.

An ASGI layer around the whole app (in-process and served alike). A request line and
headers over ``max_header_bytes`` answer 400; a body over ``max_body_bytes`` answers 413,
refused on its Content-Length before a byte of it is read, or as soon as a chunked body
passes the limit. A body within the limit is read here and handed to the app whole, so no
handler ever sees more than the limit. Both answers carry the Error body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .config import MockConfig
from .errors import ApiError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TooLarge(Exception):
    """A request over one of the limits; ``error`` is its answer."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


def head_bytes(scope: Scope) -> int:
    """The size of a request's target and headers, as the limit counts it."""
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    return target + sum(len(name) + len(value) + 4 for name, value in scope["headers"])


def _framing(scope: Scope) -> tuple[bool, int | None]:
    """Whether the request has a body (HTTP/1.1: a Content-Length or a Transfer-Encoding),
    and its declared length, if any."""
    has_body, declared = False, None
    for name, value in scope["headers"]:
        name = name.lower()
        if name == b"content-length":
            text = bytes(value).strip()
            has_body = True
            declared = int(text) if text.isdigit() and len(text) < 30 else None
        elif name == b"transfer-encoding":
            has_body = True
    return has_body, declared


def check_head(scope: Scope, config: MockConfig) -> bool:
    """Raise TooLarge for a head or a declared body over the limits; whether there is a
    body to read."""
    if head_bytes(scope) > config.max_header_bytes:
        raise TooLarge(
            ApiError(
                400, f"the request line and headers are larger than {config.max_header_bytes} bytes"
            )
        )
    has_body, declared = _framing(scope)
    if declared is not None and declared > config.max_body_bytes:
        raise TooLarge(body_too_large(config))
    return has_body


def body_too_large(config: MockConfig) -> ApiError:
    """The 413 for a body over ``max_body_bytes``."""
    return ApiError(413, f"the body is larger than {config.max_body_bytes} bytes")


async def read_body(receive: Receive, limit: int) -> tuple[bytes, Message | None]:
    """The whole body (at most ``limit`` bytes), and the disconnect that cut it, if any."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge(ApiError(413, f"the body is larger than {limit} bytes"))
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def guard(app: ASGIApp, config: MockConfig) -> ASGIApp:
    """``app`` behind the request limits of ``config``."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        try:
            has_body = check_head(scope, config)
            if has_body:
                body, cut = await read_body(receive, config.max_body_bytes)
        except TooLarge as refused:
            response = refused.error.response()
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        if has_body:
            await app(scope, _replay(body, cut, receive), send)
        else:  # no body (neither Content-Length nor Transfer-Encoding): nothing to bound
            await app(scope, receive, send)

    return guarded


def _replay(body: bytes, cut: Message | None, receive: Receive) -> Receive:
    """A ``receive`` that hands over the body read (or the disconnect that cut it short),
    then what the client does next."""
    # A body cut short by a disconnect is never handed on as if it were whole.
    whole: Message = {"type": "http.request", "body": body, "more_body": False}
    pending: list[Message] = [cut if cut is not None else whole]

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
