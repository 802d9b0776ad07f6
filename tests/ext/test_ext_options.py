"""`api.with_options(timeout=..., max_retries=...)`: a copy that shares the connection pool
and the login, and leaves the original as it was."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from ext_helpers import API, Recorder, error_body, sequence, song_json

from imuze_ext import AsyncImuze, Imuze, ServerError
from imuze_mock import MockServer


class ConnectCounter:
    """Counts the TCP connections opened, through httpx's `trace` request extension."""

    def __init__(self) -> None:
        self.connects = 0

    def trace(self, event: str, info: dict[str, Any]) -> None:
        self.connects += event == "connection.connect_tcp.complete"

    async def atrace(self, event: str, info: dict[str, Any]) -> None:
        self.trace(event, info)

    def add(self, request: httpx.Request) -> None:
        request.extensions["trace"] = self.trace

    async def aadd(self, request: httpx.Request) -> None:
        request.extensions["trace"] = self.atrace


def song_ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=song_json(7))


def _unavailable_then_ok() -> Recorder:
    return Recorder(
        sequence(
            httpx.Response(503, json=error_body(503)),
            httpx.Response(503, json=error_body(503)),
            httpx.Response(200, json=song_json(7)),
        )
    )


def test_the_copy_has_its_own_options_and_the_original_is_unchanged() -> None:
    with Imuze(api_key="k", base_url=API, transport=Recorder(song_ok).transport()) as api:
        fast = api.with_options(timeout=2.5, max_retries=0)
        assert (fast.timeout, fast.max_retries) == (httpx.Timeout(2.5), 0)
        assert (api.timeout, api.max_retries) == (httpx.Timeout(30.0, connect=10.0), 2)
        assert fast.base_url == api.base_url
        assert fast.with_options().timeout == fast.timeout  # None keeps the options


def test_the_copys_timeout_and_retries_apply_to_its_requests_only() -> None:
    recorder = _unavailable_then_ok()
    with Imuze(api_key="k", base_url=API, transport=recorder.transport()) as api:
        # A deadline well past the attempt's: the default one (2.5 s with no retry) would
        # shorten the attempt's timeouts to the time left, which a loaded machine makes 2.499.
        fast = api.with_options(timeout=2.5, max_retries=0, deadline=60)
        try:
            fast.songs.get(7)
        except ServerError as exc:
            assert exc.status_code == 503
        else:
            raise AssertionError("no retry was expected on the copy")
        assert recorder.requests[-1].extensions["timeout"]["read"] == 2.5
        assert api.songs.get(7).id == 7  # the original still retries (503, then 200)
    assert [r.extensions["timeout"]["read"] for r in recorder.requests] == [2.5, 30.0, 30.0]


def test_the_copy_shares_one_tcp_connection_and_one_login(imuze_mock_server: MockServer) -> None:
    server, counter = imuze_mock_server, ConnectCounter()
    sent: list[str] = []

    def watch(client: Imuze) -> None:
        client._http.event_hooks["request"] += [
            counter.add,
            lambda r: sent.append(f"{r.method} {r.url.path}"),
        ]

    api = Imuze(email=server.demo.email, password=server.demo.password, base_url=server.base_url)
    watch(api)
    with api:
        api.arrangements.list()
        fast = api.with_options(timeout=5.0, max_retries=0)
        watch(fast)
        fast.songs.list()
        fast.close()  # the copy does not own the pool: the original keeps working
        api.arrangements.list()
    assert counter.connects == 1
    assert sent == [
        "POST /api/4/tokens",  # one login, shared by the copy
        "GET /api/4/arrangements",
        "GET /api/4/songs",
        "GET /api/4/arrangements",
    ]


async def test_the_async_copy_shares_the_pool(imuze_mock_server: MockServer) -> None:
    server, counter = imuze_mock_server, ConnectCounter()
    async with AsyncImuze(api_key=server.demo.api_key, base_url=server.base_url) as api:
        api._http.event_hooks["request"].append(counter.aadd)
        fast = api.with_options(max_retries=0)
        fast._http.event_hooks["request"].append(counter.aadd)
        await api.arrangements.list()
        await fast.arrangements.list()
        await fast.aclose()
        await asyncio.gather(api.arrangements.list(), api.arrangements.list())
        assert fast.max_retries == 0 and api.max_retries == 2
    assert 1 <= counter.connects <= 2  # the second connection only for the concurrent pair
