"""pipeline_concurrency_speedup: 100 composes (create, wait, download) serially vs AsyncImuze.

The mock runs as users start it, `python -m imuze_cli.mock --render-delay 0.2`, with 1 s songs:
each song stays processing for the mock's default 0.2 s and renders in milliseconds, so the
time is the client's (requests, polling schedule, downloads), not the renderer's. The serial
run is `Imuze.songs.compose` in a loop; the concurrent one is `AsyncImuze.songs.compose` under
a semaphore of 32. The 100 serial composes run in two halves interleaved with the concurrent
runs (serial 50, async 100, serial 50, async 100). Counting transports count requests and
the TCP connections each client opens, to show that its pool reuses them.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from imuze_ext import AsyncImuze, Imuze

from ._common import Result, emit, title_for
from ._counting import CountingTransport, SyncCountingTransport
from ._mockproc import DEMO_KEY, mock_process
from ._stats import ratio

COMPOSES = 100
CONCURRENCY = 32
RENDER_DELAY = 0.2
SONG_SECONDS = 1
ROUNDS = 2


def _serial(base_url: str, count: int, offset: int, dest: Path) -> dict[str, Any]:
    transport = SyncCountingTransport()
    start = time.perf_counter()
    with Imuze(api_key=DEMO_KEY, base_url=base_url, transport=transport) as api:
        for n in range(count):
            api.songs.compose(
                title=title_for(offset + n, "Serial"),
                desired_length=SONG_SECONDS,
                arrangement_id=1 + n % 12,
                dest=dest,
            )
    return {
        "seconds": time.perf_counter() - start,
        "requests": dict(transport.requests),
        "tcp_connections": transport.connections,
    }


async def _concurrent(base_url: str, count: int, offset: int, dest: Path) -> dict[str, Any]:
    transport = CountingTransport()
    gate = asyncio.Semaphore(CONCURRENCY)
    start = time.perf_counter()
    async with AsyncImuze(api_key=DEMO_KEY, base_url=base_url, transport=transport) as api:

        async def one(n: int) -> Path:
            async with gate:
                return await api.songs.compose(
                    title=title_for(offset + n, "Gather"),
                    desired_length=SONG_SECONDS,
                    arrangement_id=1 + n % 12,
                    dest=dest,
                )

        paths = await asyncio.gather(*(one(n) for n in range(count)))
    assert len(set(paths)) == count
    return {
        "seconds": time.perf_counter() - start,
        "requests": dict(transport.requests),
        "tcp_connections": transport.connections,
    }


def run() -> Result:
    """Time 100 serial composes against 100 concurrent ones on one mock process."""
    half = COMPOSES // ROUNDS
    serial: list[dict[str, Any]] = []
    concurrent: list[dict[str, Any]] = []
    with mock_process(render_delay=RENDER_DELAY) as mock, tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp)
        _serial(mock.base_url, 2, 90_000, dest)  # warm-up
        asyncio.run(_concurrent(mock.base_url, 4, 91_000, dest))
        for round_no in range(ROUNDS):
            serial.append(_serial(mock.base_url, half, round_no * 1000, dest))
            concurrent.append(
                asyncio.run(_concurrent(mock.base_url, COMPOSES, 10_000 + round_no * 1000, dest))
            )
    serial_seconds = sum(r["seconds"] for r in serial)
    concurrent_seconds = statistics.median(r["seconds"] for r in concurrent)
    return {
        "figures": {
            "pipeline_concurrency_speedup": ratio(serial_seconds, concurrent_seconds),
            "pipeline_serial_seconds": serial_seconds,
            "pipeline_concurrent_seconds": concurrent_seconds,
            "pipeline_concurrent_tcp_connections": max(r["tcp_connections"] for r in concurrent),
        },
        "details": {
            "composes": COMPOSES,
            "concurrency": CONCURRENCY,
            "mock_render_delay_s": RENDER_DELAY,
            "song_seconds": SONG_SECONDS,
            "serial_runs": serial,
            "concurrent_runs": concurrent,
        },
    }


if __name__ == "__main__":
    emit(run())
