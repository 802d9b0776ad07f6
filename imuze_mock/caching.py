"""Every answer forbids caches to keep it: `Cache-Control: no-store`, unless it says otherwise.

Every operation but `createToken` is answered to an authenticated request, and a token is a
credential (RFC 6749 §5.1 asks `no-store` of a token answer); so the mock lets no cache, shared
or private, store any answer (RFC 9111 §5.2.2.5). An ASGI layer around the whole app, so that
the answers of the request limits, the routing (404, 405) and the dialects carry it too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

NO_STORE = (b"cache-control", b"no-store")


def no_store(app: ASGIApp) -> ASGIApp:
    """`app`, its every HTTP answer carrying `Cache-Control: no-store` unless it sets one."""

    async def layer(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(bytes(name).lower() == NO_STORE[0] for name, _ in headers):
                    message = {**message, "headers": [*headers, NO_STORE]}
            await send(message)

        await app(scope, receive, sending)

    return layer
