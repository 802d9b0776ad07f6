"""client_overhead_ratio: what `api.songs.get(id)` costs over a bare httpx GET + .json().

The mock runs in its own process on loopback; the four clients take turns in batches
(imuze, raw httpx, cookieless raw httpx, bare generated, imuze, ...), each timing every call.

Our client keeps no cookies (imuze_ext/client.py), which saves httpx's cookie
handling on every answer. So that the figure does not hide our own layer's cost behind
that saving, the like-for-like ratio against an httpx client that keeps no cookies either
is reported beside it.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from collections.abc import Callable

import httpx
from imuze_client import Client
from imuze_client.api.songs import get_song

from imuze_ext import Imuze
from imuze_ext.client import CookielessClient

from ._common import Result, cumulative_us, emit, ready_song
from ._mockproc import DEMO_KEY, mock_process
from ._stats import flatten, interleave, ratio, summarize

BATCH = 200
ROUNDS = 12  # 2,400 timed calls per variant, after one warm-up batch each
PROFILE_CALLS = 1000


# Where an imuze call spends its time, layer by layer (cumulative, under cProfile).
LAYERS = {
    "whole_call": ("imuze_ext/resources.py", "get"),
    "generated_sync_detailed": ("api/songs/get_song.py", "sync_detailed"),
    "httpx_send": ("httpx/_client.py", "send"),
    "auth_flow": ("imuze_ext/_auth.py", "auth_flow"),
    "retry_transport": ("imuze_ext/_retry.py", "handle_request"),
    "network_transport": ("httpx/_transports/default.py", "handle_request"),
    "generated_parse": ("api/songs/get_song.py", "_parse_response"),
    "validate_body": ("imuze_ext/_responses.py", "validate"),
    "decode_json": ("imuze_ext/_responses.py", "decode_json"),
    "deadline_sockets": ("imuze_ext/_deadlines.py", "read"),
    "response_hook": ("imuze_ext/_responses.py", "remember_response"),
}


def _timed_batch(call: Callable[[], object]) -> Callable[[], tuple[list[float], float]]:
    """Time each call (wall), and the client's own CPU per call over the batch."""

    def batch() -> tuple[list[float], float]:
        durations = []
        cpu_start = time.thread_time()
        for _ in range(BATCH):
            start = time.perf_counter()
            call()
            durations.append(time.perf_counter() - start)
        return durations, (time.thread_time() - cpu_start) / BATCH

    return batch


def calls_per_call(call: Callable[[], object], n: int = 200) -> float:
    """Python function calls one call makes (cProfile's count): unlike time, the same on a
    loaded machine, so a change of the client's cost shows even when the timings are noise."""
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [call() for _ in range(n)])
    total: int = pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
    return round(total / n, 1)


def run() -> Result:
    """Time the three clients, interleaved, against one mock process."""
    headers = {"Authorization": DEMO_KEY, "Accept": "application/json"}
    with mock_process(render_delay=0.0) as mock:
        with (
            httpx.Client(base_url=mock.base_url, headers=headers) as raw,
            Imuze(api_key=DEMO_KEY, base_url=mock.base_url) as api,
            CookielessClient(base_url=mock.base_url, headers=headers) as cookieless,
            Client(base_url=mock.base_url, headers=headers) as generated,
        ):
            song_id = ready_song(raw, "Overhead Probe")
            assert api.songs.get(song_id).id == song_id
            assert get_song.sync(song_id, client=generated) is not None
            calls: dict[str, Callable[[], object]] = {
                "imuze": lambda: api.songs.get(song_id),
                "raw_httpx": lambda: raw.get(f"/songs/{song_id}").json(),
                "cookieless_httpx": lambda: cookieless.get(f"/songs/{song_id}").json(),
                "generated": lambda: get_song.sync(song_id, client=generated),
            }
            batches = interleave(
                {name: _timed_batch(call) for name, call in calls.items()}, rounds=ROUNDS
            )

            def profiled() -> None:
                for _ in range(PROFILE_CALLS):
                    api.songs.get(song_id)

            layers = cumulative_us(profiled, PROFILE_CALLS, LAYERS)
            function_calls = {name: calls_per_call(call) for name, call in calls.items()}

    per_call = {name: summarize(flatten([b[0] for b in runs])) for name, runs in batches.items()}
    cpu_us = {name: summarize([b[1] * 1e6 for b in runs]) for name, runs in batches.items()}
    raw_median = per_call["raw_httpx"]["median"]
    batch_ratios = [
        ratio(statistics.median(a[0]), statistics.median(b[0]))
        for a, b in zip(batches["imuze"], batches["raw_httpx"], strict=True)
    ]
    return {
        "figures": {
            "client_overhead_ratio": ratio(per_call["imuze"]["median"], raw_median),
            "generated_overhead_ratio": ratio(per_call["generated"]["median"], raw_median),
            "client_overhead_over_cookieless_httpx": ratio(
                per_call["imuze"]["median"], per_call["cookieless_httpx"]["median"]
            ),
        },
        "details": {
            "per_call_seconds": per_call,
            "imuze_over_raw_per_batch": summarize(batch_ratios),
            "overhead_us": (per_call["imuze"]["median"] - raw_median) * 1e6,
            "calls_per_variant": BATCH * ROUNDS,
            "client_cpu_us_per_call": cpu_us,
            "imuze_layers_us_per_call_profiled": layers,
            "function_calls_per_call": function_calls,
        },
    }


if __name__ == "__main__":
    emit(run())
