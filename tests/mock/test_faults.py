"""Seeded fault injection: each kind behaves as documented and never corrupts state."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from imuze_mock import DEMO, MockConfig, create_app, running
from imuze_mock.faults import FaultInjector, parse_faults

AUTH = {"Authorization": DEMO.api_key}
SONG = {"title": "Faulty Song", "arrangement_id": 3, "tags": [], "desired_length": 1}


@pytest.mark.parametrize(
    "spec", ["bogus:0.1", "503", "503:x", "503:1.5", "503:-0.1", "503:0.6,429:0.6"]
)
def test_bad_fault_specs_are_refused(spec):
    with pytest.raises(ValueError):
        parse_faults(spec)
    with pytest.raises(ValueError):
        create_app(MockConfig(faults=spec))


def test_faults_are_off_by_default_and_parse():
    assert not FaultInjector("", 0)
    assert parse_faults(" 503:0.1, reset:0.02 ,SLOW:0.05") == (
        ("503", 0.1),
        ("reset", 0.02),
        ("slow", 0.05),
    )


def test_the_same_seed_draws_the_same_faults():
    def draws(seed):
        injector = FaultInjector("503:0.3,429:0.3", seed)
        return [injector.draw() for _ in range(50)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)
    assert set(draws(3)) == {"503", "429", None}


def in_process(app):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://mock.test/api/4")


@pytest.mark.parametrize(("kind", "status"), [("503", 503), ("429", 429), ("500", 500)])
async def test_status_faults_answer_an_error_body(kind, status):
    app = create_app(MockConfig(faults=f"{kind}:1", strict=True))
    async with in_process(app) as client:
        response = await client.post("/songs", json=SONG, headers=AUTH)
    assert response.status_code == status
    assert response.json()["code"] == status
    if status != 500:
        assert response.headers["retry-after"] == "1"
    assert len(app.state.mock.store) == 0


@pytest.mark.parametrize("kind", ["reset", "truncate"])
async def test_dropped_connections_in_process_leave_no_song(kind):
    app = create_app(MockConfig(faults=f"{kind}:1"))
    async with in_process(app) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/songs", json=SONG, headers=AUTH)
    assert len(app.state.mock.store) == 0


# A dropped connection reaches httpx as EOF (RemoteProtocolError) or, when the reset lands
# first, as ECONNRESET (ReadError): which one is a race in the kernel, not the mock's choice.
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError)


@pytest.mark.parametrize("kind", ["reset", "truncate"])
async def test_dropped_connections_over_sockets_leave_no_song(kind):
    with running(MockConfig(faults=f"{kind}:1")) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            for _ in range(3):
                with pytest.raises(DROPPED):
                    await client.post("/songs", json=SONG, headers=AUTH)
            with pytest.raises(DROPPED):
                await client.get("/arrangements", headers=AUTH)
        assert len(server.app.state.mock.store) == 0


async def test_slow_fault_still_answers():
    app = create_app(MockConfig(faults="slow:1", slow_delay=0.01, strict=True))
    async with in_process(app) as client:
        assert (await client.get("/arrangements", headers=AUTH)).status_code == 200


async def test_a_faulty_server_creates_exactly_the_songs_it_acknowledged():
    config = MockConfig(
        faults="503:0.2,429:0.1,reset:0.15,truncate:0.15,slow:0.1", slow_delay=0.0, seed=7
    )
    with running(config) as server:
        acknowledged = []
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            for _ in range(40):
                try:
                    response = await client.post("/songs", json=SONG, headers=AUTH)
                except httpx.TransportError:
                    continue
                if response.status_code == 201:
                    acknowledged.append(response.json()["id"])
        store = server.app.state.mock.store
        assert acknowledged, "with these rates some creates succeed"
        assert [s.id for s in store.songs_of(server.demo)] == acknowledged


async def test_a_truncated_token_answer_leaves_no_usable_token():
    app = create_app(MockConfig(faults="truncate:1"))
    credentials = {"token": {"email": DEMO.email, "password": DEMO.password}}
    async with in_process(app) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/tokens", json=credentials)
    assert len(app.state.mock.store._tokens) == 0


async def test_a_client_that_gives_up_on_a_slow_create_finds_no_song():
    with running(MockConfig(faults="slow:1", slow_delay=1.0)) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=0.1) as client:
            with pytest.raises(httpx.TimeoutException):
                await client.post("/songs", json=SONG, headers=AUTH)
        # Past the stall, the server has looked for the client, found it gone, created nothing.
        await asyncio.sleep(1.5)
        assert len(server.app.state.mock.store) == 0
