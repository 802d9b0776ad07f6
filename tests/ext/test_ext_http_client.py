"""`Imuze(http_client=...)`: the caller's httpx client keeps its settings; ours add auth,
retries and the base URL; closing the Imuze leaves the caller's client open."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import mutagen.mp3
import pytest
from ext_helpers import API, Recorder, error_body, sequence, song_json

from imuze_ext import DEFAULT_TIMEOUT, AsyncImuze, Imuze
from imuze_mock import MockServer


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=song_json(7))


def test_the_callers_hooks_headers_and_transport_apply_with_our_auth_and_base_url() -> None:
    recorder = Recorder(_ok)
    seen: list[str] = []
    caller = httpx.Client(
        transport=recorder.transport(),
        headers={"X-Trace": "abc"},
        event_hooks={
            "request": [lambda r: seen.append(f"request {r.url.path}")],
            "response": [lambda r: seen.append(f"response {r.status_code}")],
        },
    )
    with Imuze(api_key="key-1", base_url=API, http_client=caller) as api:
        song = api.songs.get(7)
    assert song.id == 7
    assert seen == ["request /api/4/songs/7", "response 200"]
    sent = recorder.requests[0]
    assert str(sent.url) == f"{API}/songs/7"
    assert sent.headers["Authorization"] == "key-1"
    assert sent.headers["X-Trace"] == "abc"
    assert sent.headers["User-Agent"].startswith("imuze-python/")  # ours over httpx's default
    assert sent.headers["Accept"] == "application/json"
    assert not caller.is_closed
    caller.get("http://elsewhere.test/")  # still usable after api.close()
    caller.close()


def test_retries_are_ours_and_each_attempt_passes_the_callers_hooks() -> None:
    recorder = Recorder(
        sequence(httpx.Response(503, json=error_body(503)), httpx.Response(200, json=song_json(7)))
    )
    statuses: list[int] = []
    caller = httpx.Client(
        transport=recorder.transport(),
        event_hooks={"response": [lambda r: statuses.append(r.status_code)]},
    )
    with caller, Imuze(api_key="k", base_url=API, http_client=caller, max_retries=1) as api:
        assert api.songs.get(7).id == 7
    assert statuses == [503, 200]


def test_the_callers_auth_is_replaced_by_ours_and_never_reaches_it() -> None:
    recorder = Recorder(_ok)
    caller = httpx.Client(transport=recorder.transport(), auth=("user", "secret"))
    with caller, Imuze(api_key="key-1", base_url=API, http_client=caller) as api:
        api.songs.get(7)
    assert recorder.requests[0].headers["Authorization"] == "key-1"


def test_the_callers_timeout_applies_unless_one_is_passed() -> None:
    recorder = Recorder(_ok)
    own = httpx.Timeout(61.0)
    with httpx.Client(transport=recorder.transport(), timeout=own) as caller:
        with Imuze(api_key="k", base_url=API, http_client=caller) as api:
            assert api.timeout == own
            api.songs.get(7)
        with Imuze(api_key="k", base_url=API, http_client=caller, timeout=3.0) as api:
            assert api.timeout == httpx.Timeout(3.0)
            api.songs.get(7)
    assert [r.extensions["timeout"]["read"] for r in recorder.requests] == [61.0, 3.0]


def test_a_caller_without_a_timeout_gets_ours() -> None:
    with httpx.Client() as caller, Imuze(api_key="k", base_url=API, http_client=caller) as api:
        assert api.timeout == DEFAULT_TIMEOUT


def test_the_callers_mounts_route_requests_as_its_proxies_would() -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("not through the mount", request=request)

    recorder = Recorder(_ok)
    caller = httpx.Client(
        transport=httpx.MockTransport(unreachable),
        mounts={"http://api.test": recorder.transport()},
    )
    with caller, Imuze(api_key="k", base_url=API, http_client=caller, max_retries=0) as api:
        api.songs.get(7)
    assert recorder.paths() == ["/api/4/songs/7"]


def test_transport_and_http_client_together_are_refused() -> None:
    with httpx.Client() as caller, pytest.raises(ValueError, match="not both"):
        Imuze(api_key="k", base_url=API, http_client=caller, transport=httpx.MockTransport(_ok))


def test_the_callers_limits_hold_over_real_sockets(imuze_mock_server: MockServer) -> None:
    connects = 0

    def trace(event: str, info: dict[str, Any]) -> None:
        nonlocal connects
        connects += event == "connection.connect_tcp.complete"

    def add_trace(request: httpx.Request) -> None:
        request.extensions["trace"] = trace

    server = imuze_mock_server
    caller = httpx.Client(
        limits=httpx.Limits(max_connections=1), event_hooks={"request": [add_trace]}
    )
    with (
        caller,
        Imuze(
            email=server.demo.email,
            password=server.demo.password,
            base_url=server.base_url,
            http_client=caller,
        ) as api,
    ):
        for _ in range(3):
            api.arrangements.list()
        assert api.songs.list().count >= 0
    assert connects == 1  # login and every call on the caller's one pooled connection


async def test_async_twin_keeps_the_callers_limits_hooks_and_stays_open(
    imuze_mock_server: MockServer,
) -> None:
    connects = 0
    responses: list[int] = []

    async def trace(event: str, info: dict[str, Any]) -> None:
        nonlocal connects
        connects += event == "connection.connect_tcp.complete"

    async def add_trace(request: httpx.Request) -> None:
        request.extensions["trace"] = trace

    async def on_response(response: httpx.Response) -> None:
        responses.append(response.status_code)

    server = imuze_mock_server
    caller = httpx.AsyncClient(
        limits=httpx.Limits(max_connections=2),
        event_hooks={"request": [add_trace], "response": [on_response]},
    )
    async with AsyncImuze(
        api_key=server.demo.api_key, base_url=server.base_url, http_client=caller
    ) as api:
        await asyncio.gather(*(api.arrangements.list() for _ in range(8)))
    assert connects <= 2  # 8 concurrent calls share the caller's 2 connections
    assert responses == [200] * 8
    assert not caller.is_closed
    await caller.aclose()


async def test_async_retries_and_auth_over_a_callers_client() -> None:
    recorder = Recorder(
        sequence(httpx.Response(502, json=error_body(502)), httpx.Response(200, json=song_json(7)))
    )
    async with httpx.AsyncClient(transport=recorder.transport()) as caller:
        async with AsyncImuze(api_key="key-1", base_url=API, http_client=caller) as api:
            assert (await api.songs.get(7)).id == 7
        assert not caller.is_closed
    assert recorder.paths() == ["/api/4/songs/7", "/api/4/songs/7"]
    assert {r.headers["Authorization"] for r in recorder.requests} == {"key-1"}


def test_compose_streams_the_download_through_the_callers_client(
    imuze_mock_server: MockServer, tmp_path: Path
) -> None:
    server = imuze_mock_server
    sent: list[str] = []
    caller = httpx.Client(event_hooks={"request": [lambda r: sent.append(r.method)]})
    with (
        caller,
        Imuze(api_key=server.demo.api_key, base_url=server.base_url, http_client=caller) as api,
    ):
        path = api.songs.compose(title="Night Drive", desired_length=10, dest=tmp_path)
    assert mutagen.mp3.MP3(path).info.length > 0
    assert sent[0] == "POST" and len(sent) >= 3  # create, polls and the mp3, all through it
