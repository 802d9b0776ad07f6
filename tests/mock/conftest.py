"""Shared helpers for the mock's tests: an API driver, in-process and over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from imuze_mock import DEMO, OTHER, Account, MockConfig, create_app, running


class Api:
    """A thin driver of the mock's API for tests: the documented workflow, step by step."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def login(self, account: Account = DEMO) -> dict[str, str]:
        response = await self.client.post(
            "/tokens", json={"token": {"email": account.email, "password": account.password}}
        )
        assert response.status_code == 201, response.text
        return {"Authorization": response.json()["response"]}

    async def create(
        self,
        auth: dict[str, str],
        title: str = "Morning Over The Bay",
        arrangement_id: int | None = 1,
        tags: list[str] | None = None,
        length: int = 3,
    ) -> httpx.Response:
        body = {
            "title": title,
            "arrangement_id": arrangement_id,
            "tags": tags or [],
            "desired_length": length,
        }
        return await self.client.post("/songs", json=body, headers=auth)

    async def wait_ready(self, auth: dict[str, str], song_id: int) -> dict[str, Any]:
        """Poll the song until it is ready; a generous deadline guards against a hang."""
        for _ in range(1000):
            response = await self.client.get(f"/songs/{song_id}", headers=auth)
            assert response.status_code == 200, response.text
            song: dict[str, Any] = response.json()
            if song["status"] == "ready":
                return song
            await asyncio.sleep(0.02)
        raise AssertionError(f"song {song_id} never became ready")

    async def song_ready(self, auth: dict[str, str], **create: Any) -> dict[str, Any]:
        response = await self.create(auth, **create)
        assert response.status_code == 201, response.text
        return await self.wait_ready(auth, response.json()["id"])


@pytest.fixture
def config() -> MockConfig:
    """Strict, so that every response the tests see is also checked against the spec."""
    return MockConfig(render_delay=0.0, strict=True)


@contextlib.asynccontextmanager
async def in_process(config: MockConfig) -> AsyncIterator[Api]:
    """A fresh in-process mock with ``config``, through httpx.ASGITransport."""
    transport = httpx.ASGITransport(app=create_app(config))
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as client:
        yield Api(client)


@pytest.fixture
def make_api() -> Any:
    """``async with make_api(config) as api``: a mock with a config of the test's own."""
    return in_process


@pytest.fixture
async def api(config: MockConfig) -> AsyncIterator[Api]:
    """The mock in-process, through httpx.ASGITransport."""
    async with in_process(config) as driver:
        yield driver


@pytest.fixture
def server(config: MockConfig) -> Iterator[Any]:
    """The mock served by uvicorn on a free loopback port."""
    with running(config) as served:
        yield served


@pytest.fixture
async def socket_api(server: Any) -> AsyncIterator[Api]:
    """The mock over real sockets."""
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        yield Api(client)


@pytest.fixture(params=["in-process", "socket"])
async def any_api(request: pytest.FixtureRequest, config: MockConfig) -> AsyncIterator[Api]:
    """Both ways of reaching the mock, so a test proves both paths."""
    if request.param == "in-process":
        async with in_process(config) as driver:
            yield driver
    else:
        with running(config) as served:
            async with httpx.AsyncClient(base_url=served.base_url) as c:
                yield Api(c)


__all__ = ["DEMO", "OTHER", "Api"]
