"""Our own connection pools, whose sockets obey the call's deadlines (see _deadlines).

httpx's timeouts bound each socket operation: a server that sends one byte just before
each read timeout holds a request open for ever. httpcore lets a pool take its own
network backend, and ours wraps httpcore's: every connect, read and write is given what
is left of the attempt and of the call, at most. This covers the headers and the whole
body, sync and async, TLS included.

httpx builds its pool inside `HTTPTransport.__init__` and gives no way to pass a
backend, so ours replaces the pool right after, with the same settings
(tests/ext/test_ext_edge.py fails if an httpx upgrade changes that attribute).
"""

# ruff: noqa: ASYNC109 - httpcore's stream interface takes `timeout=`; we only shorten it

from __future__ import annotations

import functools
import ssl
import typing
from collections.abc import Iterable

import httpcore
import httpx

from ._deadlines import io_timeout

_SocketOption = typing.Any


_shortened = io_timeout


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        # Nothing to bound: the inner stream's own methods, without a frame of ours (httpcore
        # asks `get_extra_info` twice per request, to see whether a kept connection is alive).
        self.get_extra_info = inner.get_extra_info  # type: ignore[method-assign]
        self.close = inner.close  # type: ignore[method-assign]

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _shortened(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:  # httpcore writes an empty end of message: nothing to bound
            self._inner.write(buffer, _shortened(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = _shortened(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, each operation bounded by the call's time left."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _shortened(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, wait, local_address, socket_options))

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _shortened(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self.get_extra_info = inner.get_extra_info  # type: ignore[method-assign]
        self.aclose = inner.aclose  # type: ignore[method-assign]

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, _shortened(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            await self._inner.write(buffer, _shortened(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        wait = _shortened(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class AsyncDeadlineBackend(httpcore.AsyncNetworkBackend):
    """The async twin of DeadlineBackend, over httpcore's automatic backend."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        wait = _shortened(timeout, httpcore.ConnectTimeout)
        stream = await self._inner.connect_tcp(host, port, wait, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        wait = _shortened(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.connect_unix_socket(path, wait, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's default (verifying) TLS context, made once per process: it costs tens of
    milliseconds, and every client of ours would otherwise make two."""
    return httpx.create_ssl_context()


def _pool_settings(limits: httpx.Limits) -> dict[str, typing.Any]:
    """What httpx's transport gives its pool, for ours (no retries: ours are above it)."""
    return {
        "ssl_context": _ssl_context(),
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
    }


def http_transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    """httpx's transport (TLS verified) over a pool whose sockets obey the call's deadlines."""
    transport = httpx.HTTPTransport(verify=_ssl_context(), retries=0, limits=limits)
    transport._pool = httpcore.ConnectionPool(  # httpx private: see the module docstring
        **_pool_settings(limits), network_backend=DeadlineBackend()
    )
    return transport


def async_http_transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """The async twin of http_transport."""
    transport = httpx.AsyncHTTPTransport(verify=_ssl_context(), retries=0, limits=limits)
    transport._pool = httpcore.AsyncConnectionPool(  # httpx private: see the module docstring
        **_pool_settings(limits), network_backend=AsyncDeadlineBackend()
    )
    return transport
