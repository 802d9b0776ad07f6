"""wait_all_request_reduction: 200 songs in flight, per-song polling vs one `wait_all`.

Both variants use AsyncImuze with the same poll schedule (same initial interval, same
growth), so they detect readiness equally late; what differs is the number of requests.
A counting transport under imuze_ext's retries counts every request sent. Each song's
detection lag is the time from when it turned ready (its create answer + the mock's
render delay; the render itself finishes well before) to when the waiter returned it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from imuze_client.models import SongCreated

from imuze_ext import AsyncImuze

from ._common import Result, emit, title_for
from ._counting import CountingTransport
from ._mockproc import DEMO_KEY, mock_process
from ._stats import ratio, summarize

SONGS = 200
RENDER_DELAY = 3.0
INTERVAL = 0.5
TIMEOUT = 60.0
ROUNDS = 2
CREATE_CONCURRENCY = 16
# A render queue deep enough for 200 creates at once, and room for every round's songs.
MOCK = {"max_queue": 1024, "max_songs": 5000}


async def _create(api: AsyncImuze, count: int, offset: int) -> list[tuple[SongCreated, float]]:
    gate = asyncio.Semaphore(CREATE_CONCURRENCY)

    async def one(n: int) -> tuple[SongCreated, float]:
        async with gate:
            song = await api.songs.create(
                title=title_for(offset + n, "Flight"),
                desired_length=1,
                arrangement_id=1 + n % 12,
            )
            return song, time.monotonic() + RENDER_DELAY

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def _per_song(api: AsyncImuze, songs: list[SongCreated]) -> list[float]:
    async def one(song: SongCreated) -> float:
        await api.songs.wait(song, timeout=TIMEOUT, interval=INTERVAL)
        return time.monotonic()

    return list(await asyncio.gather(*(one(song) for song in songs)))


async def _wait_all(api: AsyncImuze, songs: list[SongCreated]) -> list[float]:
    await api.songs.wait_all(songs, timeout=TIMEOUT, interval=INTERVAL)
    return [time.monotonic()] * len(songs)


Waiter = Callable[[AsyncImuze, list[SongCreated]], Any]


async def _round(base_url: str, waiter: Waiter, count: int, offset: int) -> dict[str, Any]:
    transport = CountingTransport()
    async with AsyncImuze(api_key=DEMO_KEY, base_url=base_url, transport=transport) as api:
        created = await _create(api, count, offset)
        songs = [song for song, _ in created]
        sent_before = transport.total
        start = time.monotonic()
        detected = await waiter(api, songs)
        elapsed = time.monotonic() - start
    lags = [found - ready for found, (_, ready) in zip(detected, created, strict=True)]
    last_ready = max(ready for _, ready in created)
    return {
        "requests": transport.total - sent_before,
        "routes": dict(transport.requests),
        "lag_seconds": lags,
        "last_song_lag": max(detected) - last_ready,
        "wait_seconds": elapsed,
    }


async def _bench(base_url: str) -> dict[str, list[dict[str, Any]]]:
    await _round(base_url, _wait_all, 5, 10_000)  # warm-up: connections, imports, caches
    rounds: dict[str, list[dict[str, Any]]] = {"per_song": [], "wait_all": []}
    for round_no in range(ROUNDS):  # interleaved: per-song, wait_all, per-song, wait_all
        for name, waiter in (("per_song", _per_song), ("wait_all", _wait_all)):
            offset = (round_no * 2 + len(rounds[name])) * 1000
            rounds[name].append(await _round(base_url, waiter, SONGS, offset))
    return rounds


def run() -> Result:
    """Count the requests of both ways to wait for 200 songs."""
    with mock_process(render_delay=RENDER_DELAY, overrides=MOCK) as mock:
        rounds = asyncio.run(_bench(mock.base_url))
    requests = {name: [r["requests"] for r in runs] for name, runs in rounds.items()}
    per_song_median = summarize(requests["per_song"])["median"]
    wait_all_median = summarize(requests["wait_all"])["median"]

    def lags(name: str) -> dict[str, float]:
        return summarize([lag for r in rounds[name] for lag in r["lag_seconds"]])

    return {
        "figures": {
            "wait_all_request_reduction": ratio(per_song_median, wait_all_median),
            "wait_all_detection_lag_s": summarize([r["last_song_lag"] for r in rounds["wait_all"]])[
                "median"
            ],
            "per_song_detection_lag_s": lags("per_song")["median"],
            "per_song_last_song_lag_s": summarize([r["last_song_lag"] for r in rounds["per_song"]])[
                "median"
            ],
        },
        "details": {
            "songs_in_flight": SONGS,
            "render_delay_s": RENDER_DELAY,
            "initial_interval_s": INTERVAL,
            "requests": requests,
            "routes": {name: [r["routes"] for r in runs] for name, runs in rounds.items()},
            "lag_seconds": {name: lags(name) for name in rounds},
            "last_song_lag_seconds": {
                name: [r["last_song_lag"] for r in runs] for name, runs in rounds.items()
            },
            "wait_seconds": {
                name: [r["wait_seconds"] for r in runs] for name, runs in rounds.items()
            },
        },
    }


if __name__ == "__main__":
    emit(run())
