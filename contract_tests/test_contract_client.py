"""The client side of the contract: every request imuze_ext sends is one the spec allows.

The Imuze client runs against the mock over real HTTP through a transport that records each
request (logins and retries included); each is then checked against the spec's operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.jsonschema.builder import build
from schemathesis.specs.openapi.schemas import OpenApiSchema

import imuze_mock
from contract_tests.targets import SPEC_PATH, mock_config
from imuze_ext import AsyncImuze, Imuze, ImuzeError

SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
# Only to find operations by path: no settings of schemathesis.toml are needed.
SCHEMA: OpenApiSchema = schemathesis.openapi.from_path(SPEC_PATH, config=SchemathesisConfig())


class RecordingTransport(httpx.BaseTransport):
    """The network, noting every request that goes through it."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def validator(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for({**schema, "components": SPEC["components"]})


def spec_violations(request: httpx.Request, base_url: str, media: set[str]) -> list[str]:
    """What is wrong with `request` by the spec; empty when it is a request the spec allows."""
    if request.method == "GET" and str(request.url) in media:
        return []  # the download of an mp3_url the API handed out, the documented step 6
    base_path = httpx.URL(base_url).path.rstrip("/")
    path = request.url.path.removeprefix(base_path)
    operation = SCHEMA.find_operation_by_path(request.method, path)
    if not str(request.url).startswith(base_url) or operation is None:
        return [f"{request.method} {request.url} is no operation of the spec"]
    raw = operation.definition.raw
    problems = []
    if request.url.query:
        problems.append("the spec defines no query parameters")
    for parameter in operation.path_parameters:
        value = path.strip("/").split("/")[-1]
        if not value.isdigit() or not validator(parameter.definition["schema"]).is_valid(
            int(value)
        ):
            problems.append(f"path {parameter.name}={value!r} breaks its schema")
    authorization = request.headers.get("Authorization")
    if raw.get("security", SPEC["security"]) and not authorization:
        problems.append("no Authorization header on a secured operation")
    if authorization is not None and authorization.lower().startswith("bearer "):
        problems.append("the spec sends the token as is, with no Bearer prefix")
    if "application/json" not in request.headers.get("Accept", "application/json"):
        problems.append("the API answers JSON only (406 otherwise)")
    body_spec = raw.get("requestBody")
    if body_spec is None:
        if request.content:
            problems.append(f"{request.method} takes no body")
        return problems
    if request.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
        problems.append("the body must be application/json")
        return problems
    body_schema = body_spec["content"]["application/json"]["schema"]
    errors = [
        error.message
        for error in validator(body_schema).iter_errors(
            httpx.Response(200, content=request.content).json()
        )
    ]
    return problems + errors


@pytest.fixture(scope="module")
def server() -> Iterator[imuze_mock.MockServer]:
    with imuze_mock.running(mock_config()) as running:
        yield running


@pytest.fixture
def recorded(server: imuze_mock.MockServer) -> Iterator[tuple[Imuze, RecordingTransport]]:
    transport = RecordingTransport()
    account = server.demo
    with Imuze(
        email=account.email,
        password=account.password,
        base_url=server.base_url,
        transport=transport,
    ) as api:
        yield api, transport


def assert_all_valid(
    transport: RecordingTransport, base_url: str, media: set[str] = frozenset()
) -> None:
    assert transport.requests, "the client sent nothing"
    for request in transport.requests:
        assert spec_violations(request, base_url, set(media)) == [], (
            f"{request.method} {request.url}"
        )


def test_the_documented_workflow_sends_only_spec_requests(
    recorded: tuple[Imuze, RecordingTransport], server: imuze_mock.MockServer, tmp_path: Path
) -> None:
    api, transport = recorded
    arrangements = api.arrangements.list()
    api.arrangements.get(arrangements.response[0].id)
    created = api.songs.create(title="Morning Over The Bay", desired_length=2, tags=["calm"])
    api.songs.create(
        title="Night Drive", desired_length=1, arrangement_id=arrangements.response[-1].id
    )
    api.songs.list()
    song = api.songs.wait(created, timeout=30)
    api.songs.download(song, tmp_path)
    with pytest.raises(ImuzeError):
        api.songs.get(10**9)  # an unknown id: a 404, still asked for properly
    methods = {(r.method, r.url.path.rsplit("/", 1)[-1]) for r in transport.requests}
    assert ("POST", "tokens") in methods and ("GET", "audio.mp3") in methods
    assert_all_valid(transport, server.base_url, {song.mp3_url or ""})


def test_a_developer_key_is_sent_as_is(server: imuze_mock.MockServer) -> None:
    transport = RecordingTransport()
    with Imuze(api_key=server.demo.api_key, base_url=server.base_url, transport=transport) as api:
        api.songs.list()
    assert [r.headers["Authorization"] for r in transport.requests] == [server.demo.api_key]
    assert_all_valid(transport, server.base_url)


SONG_CREATE = build(
    {"$ref": "#/components/schemas/SongCreate", "components": SPEC["components"]},
    draft=jsonschema_rs.Draft202012,
    formats={},
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=SONG_CREATE, with_tags=st.booleans())
def test_any_schema_valid_create_is_sent_as_a_schema_valid_request(
    recorded: tuple[Imuze, RecordingTransport],
    server: imuze_mock.MockServer,
    body: Any,
    with_tags: bool,
) -> None:
    api, transport = recorded
    transport.requests.clear()
    try:
        api.songs.create(
            title=body["title"],
            desired_length=body["desired_length"],
            arrangement_id=body["arrangement_id"],
            tags=tuple(body["tags"]) if with_tags else (),
        )
    except ImuzeError:
        pass  # e.g. 404 for an arrangement id that names nothing: the request still counts
    assert_all_valid(transport, server.base_url)


def test_the_request_check_catches_what_the_spec_forbids() -> None:
    base = "http://127.0.0.1:8000/api/4"
    bad_body = httpx.Request(
        "POST", base + "/songs", json={"title": "x1"}, headers={"Authorization": "Bearer t"}
    )
    problems = spec_violations(bad_body, base, set())
    assert any("Bearer" in problem for problem in problems)
    assert any("arrangement_id" in problem for problem in problems)
    assert any("title" in problem or "x1" in problem for problem in problems)
    assert spec_violations(httpx.Request("GET", base + "/songs", content=b"{}"), base, set())
    assert spec_violations(httpx.Request("GET", base + "/songs?page=2"), base, set())
    assert spec_violations(httpx.Request("DELETE", base + "/songs/1"), base, set())
    assert spec_violations(httpx.Request("GET", "http://elsewhere.test/api/4/songs"), base, set())


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    """The mock in process, noting every request that reaches it."""

    def __init__(self, app: Any) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


async def test_the_async_client_sends_only_spec_requests() -> None:
    transport = AsyncRecordingTransport(imuze_mock.create_app(mock_config()))
    base_url = "http://testserver/api/4"
    demo = imuze_mock.DEMO
    async with AsyncImuze(
        email=demo.email, password=demo.password, base_url=base_url, transport=transport
    ) as api:
        arrangements = await api.arrangements.list()
        await api.arrangements.get(arrangements.response[0].id)
        created = await api.songs.create(title="Night Drive", desired_length=1, tags=["rock"])
        await api.songs.list()
        song = await api.songs.wait(created, timeout=30)
    assert {r.method for r in transport.requests} == {"GET", "POST"}
    for request in transport.requests:
        assert spec_violations(request, base_url, {song.mp3_url or ""}) == [], request.url
