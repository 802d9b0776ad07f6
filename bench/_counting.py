"""Transports that count what the client sends: requests per route, TCP connections opened."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx

_SONG_ID = re.compile(r"/songs/\d+")


def route_of(request: httpx.Request) -> str:
    """``GET /songs/{id}`` style label of a request, ids folded."""
    path = _SONG_ID.sub("/songs/{id}", request.url.path.split("/api/4", 1)[-1])
    return f"{request.method} {path}"


class CountingTransport(httpx.AsyncBaseTransport):
    """Wraps the network transport (below imuze_ext's retries, so retries count too).

    Counts each request by route, and each TCP connection httpcore opens, seen through its
    trace extension.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._inner = inner or httpx.AsyncHTTPTransport(retries=0)
        self.requests: Counter[str] = Counter()
        self.connections = 0

    async def _trace(self, event: str, info: dict[str, Any]) -> None:
        if event == "connection.connect_tcp.complete":
            self.connections += 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests[route_of(request)] += 1
        request.extensions = {**request.extensions, "trace": self._trace}
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()

    @property
    def total(self) -> int:
        """All requests sent."""
        return sum(self.requests.values())


class SyncCountingTransport(httpx.BaseTransport):
    """The sync twin of CountingTransport."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner or httpx.HTTPTransport(retries=0)
        self.requests: Counter[str] = Counter()
        self.connections = 0

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        if event == "connection.connect_tcp.complete":
            self.connections += 1

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests[route_of(request)] += 1
        request.extensions = {**request.extensions, "trace": self._trace}
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()

    @property
    def total(self) -> int:
        """All requests sent."""
        return sum(self.requests.values())
