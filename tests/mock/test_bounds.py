"""Capped stores with eviction, and a bounded render queue."""

from __future__ import annotations

import threading

from imuze_mock import DEMO, OTHER, MockConfig
from imuze_mock.worker import QueueFull, RenderPool


async def test_songs_beyond_the_cap_evict_the_oldest_which_answer_410(make_api):
    async with make_api(MockConfig(max_songs=3, render_delay=0, strict=True)) as api:
        demo, other = await api.login(DEMO), await api.login(OTHER)
        ids = [(await api.create(demo, length=1)).json()["id"] for _ in range(5)]
        listed = (await api.client.get("/songs", headers=demo)).json()
        assert [s["id"] for s in listed["response"]] == ids[2:]
        for gone in ids[:2]:
            response = await api.client.get(f"/songs/{gone}", headers=demo)
            assert response.status_code == 410
            assert response.json() == {
                "code": 410,
                "error": "gone",
                "message": f"song {gone} has been removed",
                "field": "id",
            }
            assert (
                await api.client.get(f"/songs/{gone}/audio.mp3", headers=demo)
            ).status_code == 410
            # To anyone else it was never there.
            assert (await api.client.get(f"/songs/{gone}", headers=other)).status_code == 404


async def test_audio_beyond_the_byte_cap_evicts_the_oldest(make_api):
    # A 3 s song is about 25 kB: three of them do not fit in 60 kB.
    async with make_api(MockConfig(max_audio_bytes=60_000, render_delay=0, strict=True)) as api:
        auth = await api.login()
        songs = [await api.song_ready(auth, title=f"Song {'x' * n}") for n in range(1, 4)]
        assert (await api.client.get(f"/songs/{songs[0]['id']}", headers=auth)).status_code == 410
        assert (await api.client.get(songs[-1]["mp3_url"], headers=auth)).status_code == 200


async def test_a_full_render_queue_refuses_before_creating(make_api):
    async with make_api(MockConfig(render_workers=1, max_queue=1, strict=True)) as api:
        auth = await api.login()
        pool = api.client._transport.app.state.mock.pool
        release = threading.Event()
        for _ in range(2):  # one running, one queued: full
            pool.submit(release.wait)
        try:
            response = await api.create(auth)
            assert response.status_code == 429
            assert response.headers["retry-after"] == "1"
            assert (await api.client.get("/songs", headers=auth)).json()["count"] == 0
        finally:
            release.set()


def test_render_pool_counts_pending_jobs():
    pool = RenderPool(workers=1, max_queue=1)
    release = threading.Event()
    pool.submit(release.wait)
    pool.submit(release.wait)
    assert not pool.has_room()
    try:
        pool.submit(release.wait)
        raise AssertionError("a third job must be refused")
    except QueueFull:
        pass
    finally:
        release.set()
        pool.shutdown()


async def test_a_soak_stays_within_every_cap(make_api):
    config = MockConfig(max_songs=4, max_audio_bytes=40_000, render_delay=0, strict=True)
    async with make_api(config) as api:
        auth = await api.login()
        store = api.client._transport.app.state.mock.store
        for n in range(30):
            await api.song_ready(auth, title=f"Soak {'x' * (n % 7 + 1)}", length=1 + n % 3)
            assert len(store) <= 4
            assert 0 <= store.audio_bytes <= 40_000
        listed = (await api.client.get("/songs", headers=auth)).json()
        assert listed["count"] == len(store) <= 4
        assert len(store._gone) <= 10 * 4


def test_a_dropped_pool_stops_its_threads():
    import gc
    import time

    def render_threads():
        return {t for t in threading.enumerate() if t.name.startswith("imuze-render")}

    before = render_threads()
    done = threading.Event()
    pool = RenderPool(workers=2, max_queue=0)
    pool.submit(done.set)
    assert done.wait(10)
    assert len(render_threads() - before) == 2
    del pool
    gc.collect()
    for _ in range(500):  # a deadline, not a timing assertion
        if not render_threads() - before:
            break
        time.sleep(0.01)
    assert not render_threads() - before


def test_shutdown_drops_queued_jobs():
    pool = RenderPool(workers=1, max_queue=3)
    started, release, ran = threading.Event(), threading.Event(), []
    pool.submit(lambda: (started.set(), release.wait()))
    assert started.wait(10)
    for n in range(3):
        pool.submit(lambda n=n: ran.append(n))
    pool.shutdown()
    assert pool.pending == 1  # only the running job is left
    release.set()
    for _ in range(500):
        if pool.pending == 0:
            break
        threading.Event().wait(0.01)
    assert pool.pending == 0 and ran == []
