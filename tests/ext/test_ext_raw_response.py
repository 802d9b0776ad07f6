"""`api.with_raw_response`: the parsed model with its status, headers and httpx.Response,
for every call that makes one request; errors stay typed and carry the answer."""

from __future__ import annotations

import httpx
import pytest
from ext_helpers import API, Recorder, created_json, error_body, song_json
from imuze_client.models import Arrangement, ArrangementList, Song, SongCreated, SongList

from imuze_ext import AsyncImuze, Imuze, NotFoundError, RawResponse, ResponseValidationError
from imuze_mock import MockServer


def scripted(request: httpx.Request) -> httpx.Response:
    """A server that tags each answer with a request id and a rate-limit header."""
    path = request.url.path.removeprefix("/api/4")
    headers = {"X-Request-Id": f"req-{request.method}-{path}", "X-RateLimit-Remaining": "41"}
    arrangement = {"id": 3, "description": "Strings", "image_url": None, "genre_list": ["calm"]}
    summary = {"id": 3, "name": "Chamber Strings"}
    answers: dict[tuple[str, str], httpx.Response] = {
        ("GET", "/songs/7"): httpx.Response(200, json=song_json(7)),
        ("GET", "/songs"): httpx.Response(200, json={"count": 1, "response": [song_json(7)]}),
        ("POST", "/songs"): httpx.Response(201, json=created_json(8)),
        ("GET", "/arrangements/3"): httpx.Response(200, json=arrangement),
        ("GET", "/arrangements"): httpx.Response(200, json={"count": 1, "response": [summary]}),
        ("GET", "/songs/404"): httpx.Response(404, json=error_body(404, "not_found")),
        ("GET", "/songs/666"): httpx.Response(200, json={"id": "not an int"}),
    }
    answer = answers[(request.method, path)]
    answer.headers.update(headers)
    return answer


def _check(raw: RawResponse[object], status: int, method: str, path: str) -> None:
    assert raw.status_code == status == raw.http_response.status_code
    assert raw.headers["x-request-id"] == f"req-{method}-{path}"
    assert raw.headers is raw.http_response.headers
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.http_request.method == method
    assert raw.url == httpx.URL(f"{API}{path}")
    assert repr(raw).startswith(f"<RawResponse[{type(raw.parse()).__name__}] {status} {method}")


def test_every_single_request_call_has_a_raw_twin() -> None:
    with Imuze(api_key="k", base_url=API, transport=httpx.MockTransport(scripted)) as api:
        raw = api.with_raw_response
        song = raw.songs.get(7)
        assert isinstance(song.parse(), Song) and song.parse().id == 7
        _check(song, 200, "GET", "/songs/7")
        listed = raw.songs.list()
        assert isinstance(listed.parse(), SongList)
        _check(listed, 200, "GET", "/songs")
        _check(raw.songs.get(), 200, "GET", "/songs")
        created = raw.songs.create(title="Night Drive", desired_length=30, tags=["rock"])
        assert isinstance(created.parse(), SongCreated) and created.parse().id == 8
        _check(created, 201, "POST", "/songs")
        arrangement = raw.arrangements.get(3)
        assert isinstance(arrangement.parse(), Arrangement)
        _check(arrangement, 200, "GET", "/arrangements/3")
        _check(raw.arrangements.list(), 200, "GET", "/arrangements")
        assert isinstance(raw.arrangements.get().parse(), ArrangementList)
        # the same objects through the resources, as in openai-python
        assert api.songs.with_raw_response.get(7).parse() == song.parse()
        assert api.arrangements.with_raw_response.get(3).status_code == 200


def test_the_plain_and_raw_calls_send_the_same_request() -> None:
    recorder = Recorder(scripted)
    with Imuze(api_key="k", base_url=API, transport=recorder.transport()) as api:
        api.songs.create(title="Night Drive", desired_length=30, tags=["rock"])
        api.with_raw_response.songs.create(title="Night Drive", desired_length=30, tags=["rock"])
    plain, raw = recorder.requests
    assert (plain.method, plain.url, plain.content) == (raw.method, raw.url, raw.content)


def test_errors_stay_typed_and_carry_the_answer() -> None:
    with Imuze(api_key="k", base_url=API, transport=httpx.MockTransport(scripted)) as api:
        with pytest.raises(NotFoundError) as not_found:
            api.with_raw_response.songs.get(404)
        assert not_found.value.status_code == 404
        with pytest.raises(ResponseValidationError) as invalid:
            api.with_raw_response.songs.get(666)
        assert invalid.value.response is not None
        assert invalid.value.response.headers["x-request-id"] == "req-GET-/songs/666"


async def test_async_raw_twins() -> None:
    transport = httpx.MockTransport(scripted)
    async with AsyncImuze(api_key="k", base_url=API, transport=transport) as api:
        raw = api.with_raw_response
        song = await raw.songs.get(7)
        assert song.parse().id == 7
        _check(song, 200, "GET", "/songs/7")
        _check(await raw.songs.list(), 200, "GET", "/songs")
        _check(await raw.songs.get(), 200, "GET", "/songs")
        created = await raw.songs.create(title="Night Drive", desired_length=30)
        _check(created, 201, "POST", "/songs")
        _check(await raw.arrangements.get(3), 200, "GET", "/arrangements/3")
        _check(await raw.arrangements.list(), 200, "GET", "/arrangements")
        _check(await raw.arrangements.get(), 200, "GET", "/arrangements")
        assert (await api.songs.with_raw_response.get(7)).parse().id == 7
        with pytest.raises(NotFoundError):
            await raw.songs.get(404)


def test_raw_response_over_real_sockets(imuze_mock_server: MockServer) -> None:
    server = imuze_mock_server
    with Imuze(api_key=server.demo.api_key, base_url=server.base_url) as api:
        created = api.with_raw_response.songs.create(title="Blue Hour", desired_length=10)
        assert created.status_code == 201
        assert created.headers["content-type"].startswith("application/json")
        fetched = api.with_raw_response.songs.get(created.parse().id)
        assert fetched.parse().title == "Blue Hour"
        assert fetched.http_response.http_version == "HTTP/1.1"
