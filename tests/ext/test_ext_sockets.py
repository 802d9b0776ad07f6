"""Our sockets, sync and async alike: every connect, read, write and TLS upgrade is bounded by
the call's time left, the stream after a TLS upgrade included (no TLS server runs here:
httpcore's mock backends stand in for the network)."""

from __future__ import annotations

import ssl
import time

import httpcore
import pytest

from imuze_ext import _deadlines

TLS = ssl.create_default_context()


def _expire(call: _deadlines.Call) -> None:
    call.until = time.monotonic() - 1.0


def test_a_sync_stream_stays_bounded_after_its_tls_upgrade() -> None:
    backend = _deadlines.DeadlineBackend(httpcore.MockBackend([b"one", b"two"]))
    with _deadlines.call_scope(60.0, settled=True) as call:
        stream = backend.connect_tcp("example.com", 443, timeout=5.0)
        upgraded = stream.start_tls(TLS, "example.com", timeout=5.0)
        assert upgraded.read(10, timeout=5.0) == b"one"
        upgraded.write(b"GET / HTTP/1.1\r\n\r\n", timeout=5.0)
        _expire(call)
        with pytest.raises(httpcore.ReadTimeout):
            upgraded.read(10, timeout=5.0)
        with pytest.raises(httpcore.WriteTimeout):
            upgraded.write(b"more", timeout=5.0)
        upgraded.write(b"", timeout=5.0)  # an empty end of message has nothing to bound
        with pytest.raises(httpcore.ConnectTimeout):
            upgraded.start_tls(TLS, "example.com", timeout=5.0)
        with pytest.raises(httpcore.ConnectTimeout):
            backend.connect_tcp("example.com", 443, timeout=5.0)
        upgraded.close()


async def test_an_async_stream_stays_bounded_after_its_tls_upgrade() -> None:
    backend = _deadlines.DeadlineBackend(httpcore.AsyncMockBackend([b"one", b"two"]))
    with _deadlines.call_scope(60.0, settled=True) as call:
        stream = await backend.connect_tcp("example.com", 443, timeout=5.0)
        upgraded = await stream.start_tls(TLS, "example.com", timeout=5.0)
        assert await upgraded.read(10, timeout=5.0) == b"one"
        await upgraded.write(b"GET / HTTP/1.1\r\n\r\n", timeout=5.0)
        _expire(call)
        with pytest.raises(httpcore.ReadTimeout):
            await upgraded.read(10, timeout=5.0)
        with pytest.raises(httpcore.WriteTimeout):
            await upgraded.write(b"more", timeout=5.0)
        await upgraded.write(b"", timeout=5.0)
        with pytest.raises(httpcore.ConnectTimeout):
            await upgraded.start_tls(TLS, "example.com", timeout=5.0)
        with pytest.raises(httpcore.ConnectTimeout):
            await backend.connect_tcp("example.com", 443, timeout=5.0)
        await upgraded.aclose()


def test_a_streams_timeouts_are_cut_to_the_time_left() -> None:
    seen: list[float | None] = []

    class Recording(httpcore.MockStream):
        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            seen.append(timeout)
            return super().read(max_bytes, timeout)

    class Backend(httpcore.NetworkBackend):
        def connect_tcp(self, *args: object, **kwargs: object) -> httpcore.NetworkStream:
            return Recording([b"one", b"two"])

    backend = _deadlines.DeadlineBackend(Backend())
    stream = backend.connect_tcp("example.com", 443, timeout=5.0)
    stream.read(10, timeout=5.0)
    with _deadlines.call_scope(1.0, settled=True):
        stream.start_tls(TLS, "example.com").read(10, timeout=5.0)
    assert seen[0] == 5.0  # outside a call: as given
    assert seen[1] is not None and 0 < seen[1] <= 1.0
