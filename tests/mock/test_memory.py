"""Memory bounded by construction: nothing a client sends is kept beyond a bound in bytes."""

from __future__ import annotations

import gc
import tracemalloc

import httpx

from imuze_mock import DEMO, MockConfig, create_app

# Every header the mock reads, and one it does not.
READ_HEADERS = ("Accept", "Authorization", "Content-Type", "Range", "If-Range", "Host", "X-Other")
LARGE = 32 * 1024
REQUESTS = 150  # distinct large values per header: 4.7 MiB each if any were kept


def _value(header: str, n: int) -> str:
    distinct = f"{n:08d}"
    if header == "Accept":
        return f"application/json;q=0.{distinct}," + "x" * LARGE
    return distinct + "x" * LARGE


async def _send(client: httpx.AsyncClient, header: str, n: int) -> None:
    value = _value(header, n)
    auth = {} if header == "Authorization" else {"Authorization": DEMO.api_key}
    headers = {**auth, header: value}
    await client.get("/arrangements", headers=headers)
    await client.get("/songs/1/audio.mp3", headers=headers)
    await client.post(
        "/songs", content=b"{}", headers={**headers, "Content-Type": "application/json"}
    )


def _traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def test_distinct_large_headers_are_not_kept():
    """The Accept cache was keyed on the raw header before auth: 300 distinct 1 MiB
    headers took the process from 59 to 367 MiB."""
    app = create_app(MockConfig(render_delay=0, max_header_bytes=64 * 1024))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as client:
        for header in READ_HEADERS:  # warm-up: every code path and its caches once
            for n in range(3):
                await _send(client, header, n)
        tracemalloc.start()
        try:
            for header in READ_HEADERS:
                start = _traced()
                for n in range(REQUESTS):
                    await _send(client, header, 1000 + n)
                grown = _traced() - start
                assert grown < 512 * 1024, f"{header}: {grown} bytes kept"
        finally:
            tracemalloc.stop()
    app.state.mock.pool.shutdown()


async def test_failed_logins_and_many_tokens_stay_within_the_token_cap():
    app = create_app(MockConfig(max_tokens=20))
    store = app.state.mock.store
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as client:
        for n in range(60):
            wrong = {"token": {"email": f"{n}{'x' * LARGE}@x.io", "password": "y" * LARGE}}
            assert (await client.post("/tokens", json=wrong)).status_code == 401
            right = {"token": {"email": DEMO.email, "password": DEMO.password}}
            assert (await client.post("/tokens", json=right)).status_code == 201
    assert len(store._tokens) == 20
    assert set(store._by_email) == {"demo@imuze.io", "other@imuze.io"}


async def test_titles_count_towards_the_byte_cap():
    # A title is the client's to choose (up to the body limit): 1,000 of 1 MiB would be 1 GiB.
    app = create_app(MockConfig(render_delay=0, max_audio_bytes=300_000, render_workers=1))
    store = app.state.mock.store
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as client:
        for n in range(8):
            song = {"title": "a" * 100_000 + "b" * n, "arrangement_id": None, "tags": []}
            response = await client.post(
                "/songs",
                json={**song, "desired_length": 0},
                headers={"Authorization": DEMO.api_key},
            )
            assert response.status_code in (201, 429), response.text
            assert store.audio_bytes <= 300_000
    app.state.mock.pool.shutdown()
