"""Responses that misbehave on purpose: a dropped connection, a cut-off body."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

#: The ASGI scope extension under which the server puts the connection's transport.
TRANSPORT_EXTENSION = "imuze.transport"


async def _drop_connection(scope: Scope, receive: Receive, why: str) -> None:
    """Abort the TCP connection; in-process, raise what httpx raises on a dropped one."""
    transport: Any = scope.get("extensions", {}).get(TRANSPORT_EXTENSION)
    if transport is None:
        raise httpx.RemoteProtocolError(why)
    transport.abort()
    # Wait until the server has noticed, so that it does not answer a 500 in our place.
    while (await receive())["type"] != "http.disconnect":
        pass


class ResetResponse(Response):
    """Closes the connection without answering."""

    def __init__(self) -> None:
        super().__init__(b"")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _drop_connection(scope, receive, "Server disconnected without sending a response.")


class TruncatedResponse(Response):
    """Announces the full body, sends half of it, then closes the connection."""

    def __init__(self, complete: Response) -> None:
        super().__init__(b"")
        self.complete = complete

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = self.complete.body
        await send(
            {
                "type": "http.response.start",
                "status": self.complete.status_code,
                "headers": self.complete.raw_headers,
            }
        )
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
        await _drop_connection(
            scope, receive, "peer closed connection without sending complete message body"
        )
