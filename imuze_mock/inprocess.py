"""A synchronous httpx transport to an ASGI app in this process: the sync twin of ASGITransport.

    app = create_app()
    with Imuze(api_key="imuze-demo-key", base_url="http://mock.test/api/4",
               transport=InProcessTransport(app)) as api:
        api.songs.list()

httpx's ASGITransport is async only, so the app runs on an event loop in a daemon thread and
each request is handed to httpx.ASGITransport there. The thread is a daemon so that a client
that is never closed cannot keep the interpreter from exiting.
"""

from __future__ import annotations

import asyncio
import threading

import httpx
from starlette.types import ASGIApp


class InProcessTransport(httpx.BaseTransport):
    """Serve a sync httpx client from an ASGI app, with no sockets.

    Exceptions the app raises reach the caller, as with httpx.ASGITransport (the mock's
    injected ``reset`` and ``truncate`` faults arrive as httpx.RemoteProtocolError).
    """

    def __init__(self, app: ASGIApp) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="imuze-mock-inprocess", daemon=True
        )
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run one request on the app's loop; the whole body is read there."""
        if self._loop.is_closed():
            raise RuntimeError("the InProcessTransport is closed")
        request.read()  # a sync body cannot be iterated on the app's loop
        future = asyncio.run_coroutine_threadsafe(self._handle(request), self._loop)
        return future.result()

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        try:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])  # still encoded
        finally:
            await response.aclose()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            extensions=response.extensions,
        )

    def close(self) -> None:
        """Stop the app's loop and its thread."""
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
