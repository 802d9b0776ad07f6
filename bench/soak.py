"""mock_rss_growth_mb: the mock's resident memory after a 60 s soak, minus at its start.

`python -m imuze_cli.mock` (default config: 1,000 songs and 256 MiB of audio at most) is driven
by 8 AsyncImuze workers, each looping create (a new title, so a real render) -> wait ->
download -> get. After a 5 s warm-up of the same loop, VmRSS is read every 5 s. The store
caps make the mock evict old songs, so the memory should level off rather than climb.

The tail figure is the growth over the last 15 s *with the store full*: on a slower
machine the 1,000th song comes late, so the soak goes on until 15 s after it (at most
MAX_SOAK_SECONDS), and until the store has been full for the last third of the run. Before
that the store is still filling, and growing is its job.

Beside the workers, hostile clients send what a bounded server must not keep: a distinct
48 KiB `Accept` and `X-Junk` header on every request, failed logins with distinct 32 KiB
emails and passwords, and a stream of successful logins (many tokens; the token table is
capped at `MockConfig.max_tokens`). The details add the growth over the last third of the
run and how many hostile requests were answered.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from imuze_ext import AsyncImuze
from imuze_mock.config import MockConfig

from ._common import Result, emit, title_for
from ._mockproc import DEMO_KEY, MockProcess, mock_process

WORKERS = 8
WARMUP_SECONDS = 5.0
SOAK_SECONDS = 60.0
SAMPLE_EVERY = 5.0
MAX_CYCLES = 50_000  # a bound on the loop besides the clock
POLL_INTERVAL = 0.1
TAIL_SECONDS = 15.0  # once the store is full, the memory should stay flat
MAX_SOAK_SECONDS = 200.0  # within bench.run's 300 s per benchmark
STORE_CAP = MockConfig().max_songs  # the soak runs the mock's default config
HOSTILE_WORKERS = 2
LARGE_HEADER = 48 * 1024  # within the mock's 64 KiB head limit, so each one is read
LARGE_CREDENTIAL = 32 * 1024
DEMO_LOGIN = {"token": {"email": "demo@imuze.io", "password": "imuze-demo"}}


async def _hostile(base_url: str, stop: float, counter: itertools.count[int]) -> Counter[str]:
    """Requests whose content must leave nothing behind: distinct large headers, failed
    logins with distinct large credentials, and logins (tokens, up to the cap)."""
    seen: Counter[str] = Counter()
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:

        async def one() -> None:
            while time.monotonic() < stop:
                n = next(counter)
                junk = f"{n:012d}" + "x" * LARGE_HEADER
                headers = {"Authorization": DEMO_KEY, "Accept": f"application/json;{junk}"}
                await client.get("/arrangements", headers={**headers, "X-Junk": junk})
                wrong = f"{n:012d}" + "y" * LARGE_CREDENTIAL
                failed = {"token": {"email": f"{wrong}@x.io", "password": wrong}}
                await client.post("/tokens", json=failed)
                await client.post("/tokens", json=DEMO_LOGIN)
                seen["large_headers"] += 1
                seen["failed_logins"] += 1
                seen["tokens"] += 1

        await asyncio.gather(*(one() for _ in range(HOSTILE_WORKERS)))
    return seen


async def _drive(
    base_url: str,
    seconds: float,
    counter: itertools.count[int],
    dest: Path,
    hostile: itertools.count[int] | None = None,
) -> Counter[str]:
    done: Counter[str] = Counter()
    stop = time.monotonic() + seconds
    attacks = _hostile(base_url, stop, hostile) if hostile is not None else None
    async with AsyncImuze(api_key=DEMO_KEY, base_url=base_url) as api:

        async def worker() -> None:
            while time.monotonic() < stop:
                n = next(counter)
                if n >= MAX_CYCLES:
                    return
                song = await api.songs.create(
                    title=title_for(n, "Soak"), desired_length=1 + n % 3, arrangement_id=1 + n % 12
                )
                ready = await api.songs.wait(song, timeout=30, interval=POLL_INTERVAL)
                path = await api.songs.download(ready, dest)
                path.unlink()
                await api.songs.get(song.id)
                done["cycles"] += 1

        jobs = [worker() for _ in range(WORKERS)]
        results = await asyncio.gather(*jobs, *([attacks] if attacks is not None else []))
    for result in results:
        if isinstance(result, Counter):
            done.update(result)
    return done


async def _stored(base_url: str) -> int:
    """How many songs the mock keeps for the soak's account."""
    async with AsyncImuze(api_key=DEMO_KEY, base_url=base_url) as api:
        return (await api.songs.list()).count


def _soak_end(full_at: float | None) -> float:
    """When the soak stops: at 60 s, or once the store has been full for the last third of
    the run and at least 15 s, at most MAX_SOAK_SECONDS."""
    if full_at is None:
        return MAX_SOAK_SECONDS  # still filling: go on until it is full
    return min(MAX_SOAK_SECONDS, max(SOAK_SECONDS, full_at + TAIL_SECONDS, full_at * 1.5))


async def _soak(mock: MockProcess, dest: Path) -> dict[str, Any]:
    counter, hostile = itertools.count(), itertools.count()
    await _drive(mock.base_url, WARMUP_SECONDS, counter, dest, hostile)
    start_rss = mock.rss_mb()
    samples = [(0.0, start_rss)]
    begin = time.monotonic()
    cycles = 0
    attacks: Counter[str] = Counter()
    full_at: float | None = None
    while True:
        elapsed = time.monotonic() - begin
        if full_at is None and await _stored(mock.base_url) >= STORE_CAP:
            full_at = round(elapsed, 1)
        end = _soak_end(full_at)
        if elapsed >= end - 0.5:
            break
        span = min(SAMPLE_EVERY, end - elapsed)
        done = await _drive(mock.base_url, span, counter, dest, hostile)
        cycles += done.pop("cycles", 0)
        attacks.update(done)
        samples.append((round(time.monotonic() - begin, 1), mock.rss_mb()))
    return {
        "start_rss_mb": start_rss,
        "samples": samples,
        "cycles": cycles,
        "full_at": full_at,
        "hostile": dict(attacks),
    }


def run() -> Result:
    """Soak the mock for 60 s (or until 15 s after its store is full) and report how much
    its resident memory grew."""
    with mock_process() as mock, tempfile.TemporaryDirectory() as tmp:
        soak = asyncio.run(_soak(mock, Path(tmp)))
    samples = soak["samples"]
    end_rss = samples[-1][1]
    last = samples[-1][0]
    tail = [rss for t, rss in samples if t >= last - TAIL_SECONDS - 1]
    third = [rss for t, rss in samples if t >= last * 2 / 3 - 1]
    return {
        "figures": {
            "mock_rss_growth_mb": end_rss - soak["start_rss_mb"],
            "mock_rss_growth_last_15s_mb": tail[-1] - tail[0],
        },
        "details": {
            "start_rss_mb": soak["start_rss_mb"],
            "end_rss_mb": end_rss,
            "peak_rss_mb": max(rss for _, rss in samples),
            "rss_mb_over_time": samples,
            "cycles": soak["cycles"],
            "soak_seconds": samples[-1][0],
            "store_full_at_s": soak["full_at"],
            "workers": WORKERS,
            "rss_growth_last_third_mb": third[-1] - third[0],
            "hostile_requests": soak["hostile"],
            "hostile_workers": HOSTILE_WORKERS,
        },
    }


if __name__ == "__main__":
    emit(run())
