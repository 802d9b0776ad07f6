"""Faults undo fully: a faulted request either completes or leaves the store as it was."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imuze_mock import DEMO, OTHER, MockConfig, create_app
from imuze_mock.faults import KINDS, FaultInjector
from imuze_mock.validation import load_spec

AUTH = {"Authorization": DEMO.api_key}
SONG = {"title": "Faulty Song", "arrangement_id": 3, "tags": [], "desired_length": 1}
LOGIN = {"token": {"email": DEMO.email, "password": DEMO.password}}

Request = Callable[[httpx.AsyncClient], Any]

# One valid request per operation of the spec, and the two media files.
REQUESTS: dict[str, Request] = {
    "createToken": lambda c: c.post("/tokens", json=LOGIN),
    "listArrangements": lambda c: c.get("/arrangements", headers=AUTH),
    "getArrangement": lambda c: c.get("/arrangements/2", headers=AUTH),
    "createSong": lambda c: c.post("/songs", json=SONG, headers=AUTH),
    "listSongs": lambda c: c.get("/songs", headers=AUTH),
    "getSong": lambda c: c.get("/songs/1", headers=AUTH),
    "audio": lambda c: c.get("/songs/1/audio.mp3", headers=AUTH),
    "timeline": lambda c: c.get("/songs/1/timeline.json", headers=AUTH),
}


def test_every_operation_has_a_request():
    operations = {
        op["operationId"] for item in load_spec()["paths"].values() for op in item.values()
    }
    assert operations <= set(REQUESTS)


async def _idle(app: Any) -> None:
    for _ in range(1000):  # a deadline, not a timing assertion
        if app.state.mock.pool.pending == 0:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the renders never finished")


async def _fill(app: Any, client: httpx.AsyncClient, songs: int, tokens: int) -> None:
    for n in range(songs):
        owner = DEMO if n % 3 else OTHER
        song = {**SONG, "title": f"Song {'x' * (n % 4 + 1)}"}
        response = await client.post("/songs", json=song, headers={"Authorization": owner.api_key})
        assert response.status_code == 201
    for _ in range(tokens):
        assert (await client.post("/tokens", json=LOGIN)).status_code == 201
    await _idle(app)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("operation", sorted(REQUESTS))
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(songs=st.integers(0, 5), tokens=st.integers(0, 4), max_songs=st.integers(1, 3))
async def test_a_faulted_request_completes_or_changes_nothing(
    kind, operation, songs, tokens, max_songs
):
    # Small caps, so that creates evict songs and tokens: those must come back too.
    config = MockConfig(
        max_songs=max_songs, max_tokens=2, render_delay=0, slow_delay=0, faults=f"{kind}:1"
    )
    app = create_app(config)
    state = app.state.mock
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as client:
        injector, state.faults = state.faults, FaultInjector("", 0)
        await _fill(app, client, songs, tokens)
        state.faults = injector
        before = state.store.snapshot()
        try:
            response = await REQUESTS[operation](client)
        except httpx.RemoteProtocolError:  # reset or truncate: the client got no answer
            response = None
        await _idle(app)
        after = state.store.snapshot()
    state.pool.shutdown()
    completed = response is not None and response.status_code < 500 and kind not in ("429", "503")
    if not completed:
        assert after == before, (kind, operation)
    elif response is not None and operation == "createSong" and response.status_code == 201:
        assert response.json()["id"] in [song[0] for song in after[0]]


async def test_a_truncated_create_with_a_full_store_evicts_nothing():
    app = create_app(MockConfig(max_songs=2, render_delay=0))
    state = app.state.mock
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as client:
        await _fill(app, client, 2, 0)
        before = state.store.snapshot()
        state.faults = FaultInjector("truncate:1", 0)
        try:
            await client.post("/songs", json=SONG, headers=AUTH)
            raise AssertionError("the answer was to be cut off")
        except httpx.RemoteProtocolError:
            pass
        state.faults = FaultInjector("", 0)
        await _idle(app)
        assert state.store.snapshot() == before
        # The oldest song is still there (not 410), and the next id is the one the lost
        # create would have had: the client never saw it.
        first = await client.get("/songs/1", headers={"Authorization": OTHER.api_key})
        assert first.status_code == 200
        created = await client.post("/songs", json=SONG, headers=AUTH)
        assert created.json()["id"] == 3
    state.pool.shutdown()


async def test_a_truncated_login_with_a_full_token_table_forgets_no_token():
    app = create_app(MockConfig(max_tokens=1))
    state = app.state.mock
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as client:
        token = (await client.post("/tokens", json=LOGIN)).json()["response"]
        state.faults = FaultInjector("truncate:1", 0)
        try:
            await client.post("/tokens", json=LOGIN)
            raise AssertionError("the answer was to be cut off")
        except httpx.RemoteProtocolError:
            pass
        state.faults = FaultInjector("", 0)
        assert (await client.get("/songs", headers={"Authorization": token})).status_code == 200
