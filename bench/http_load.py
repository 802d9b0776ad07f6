"""mock_get_rps / mock_post_rps with wrk, against Prism's mock of the same spec.

The mock is `python -m imuze_cli.mock` (one uvicorn worker, its default config) and Prism is
`prism mock` (one Node process, static examples, error-level logging); both on loopback,
loaded by the same wrk (2 threads, 16 connections, keep-alive) with the same headers. GET
runs alternate mock, Prism, mock, Prism ... after a warm-up of each. Besides req/s, each
server's CPU time per request is read from /proc: on a 2-core machine shared with wrk (and
whatever else runs), req/s moves with the CPU left to the server, CPU per request much less.
A third server in the same rotation is the mock with the fixes RESULTS.md proposes
(bench/_proposed_mock.py), for a what-if figure. Then POST /songs on the mock (a lua script
sends the JSON body). Last, py-spy samples the mock during one more GET and one more POST
run, to show what caps it and how much of it is request validation.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from imuze_mock.validation import BodyValidator

from . import _prism, _pyspy
from ._common import Result, emit, ready_song
from ._mockproc import DEMO_KEY, mock_process
from ._stats import ratio, summarize
from ._wrk import wrk

SECONDS = 4
WARMUP_SECONDS = 2
GET_ROUNDS = 4
POST_ROUNDS = 2
PROFILE_SECONDS = 4
HEADERS = {"Authorization": DEMO_KEY, "Accept": "application/json"}
EVENT_LOOP = "asyncio/runners.py"  # every stack of the server's main (event loop) thread
AREAS = {
    "request_validation": ("validation.py",),
    "handlers": ("handlers.py",),
    "uvicorn_http": ("httptools_impl.py",),
    "starlette": ("starlette/",),
    "socket_write_syscall": ("write (libc",),
    "event_loop_wait": ("epoll_wait (libc", "epoll_pwait (libc"),
}


def _ready_song(base_url: str) -> int:
    with httpx.Client(base_url=base_url, headers=HEADERS) as http:
        return ready_song(http, "Load Probe")


def _validation_cost() -> float:
    """Seconds per SongCreate body check, in process (what POST /songs pays to validate)."""
    check = BodyValidator("SongCreate").check
    body = {"title": "Load Test Song", "arrangement_id": 1, "tags": [], "desired_length": 1}
    for _ in range(1000):
        check(body)
    rounds = 20_000
    start = time.perf_counter()
    for _ in range(rounds):
        check(body)
    return (time.perf_counter() - start) / rounds


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "rps": summarize([r["rps"] for r in runs]),
        "p50_s": summarize([r["latency_s"]["p50"] for r in runs])["median"],
        "p99_s": summarize([r["latency_s"]["p99"] for r in runs])["median"],
        "cpu_us_per_request": summarize([r["server_cpu_us_per_request"] for r in runs])["median"],
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "socket_errors": [r["socket_errors"] for r in runs if r["socket_errors"]],
        "runs": runs,
    }


def _interleaved_gets(targets: dict[str, tuple[str, int]]) -> dict[str, list[dict[str, Any]]]:
    """GET each target after a warm-up, the rounds alternating between the servers."""
    for url, _ in targets.values():
        wrk(url, seconds=WARMUP_SECONDS, headers=HEADERS)
    gets: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
    for _ in range(GET_ROUNDS):
        for name, (url, pid) in targets.items():
            gets[name].append(wrk(url, seconds=SECONDS, headers=HEADERS, server_pid=pid))
    return gets


def _profiles(pid: int, get_url: str, post_url: str) -> tuple[Any, Any]:
    """py-spy samples of the mock during one GET run and one POST run."""
    get_profile = _pyspy.profile_during(
        pid, PROFILE_SECONDS, lambda: wrk(get_url, seconds=PROFILE_SECONDS, headers=HEADERS)
    )
    post_profile = _pyspy.profile_during(
        pid,
        PROFILE_SECONDS,
        lambda: wrk(post_url, seconds=PROFILE_SECONDS, headers=HEADERS, post=True),
    )
    return get_profile, post_profile


def _figures(stats: dict[str, dict[str, Any]], validation_s: float) -> dict[str, float]:
    """The headline figures from the summaries of the GET runs per server and the POST runs."""
    mock, prism, proposed, post = stats["mock"], stats["prism"], stats["proposed"], stats["post"]
    post_rps = post["rps"]["median"]
    return {
        "mock_get_rps": mock["rps"]["median"],
        "mock_get_p50_ms": mock["p50_s"] * 1e3,
        "mock_get_p99_ms": mock["p99_s"] * 1e3,
        "mock_post_rps": post_rps,
        "mock_post_p50_ms": post["p50_s"] * 1e3,
        "mock_post_p99_ms": post["p99_s"] * 1e3,
        "prism_get_rps": prism["rps"]["median"],
        "prism_get_p50_ms": prism["p50_s"] * 1e3,
        "prism_get_p99_ms": prism["p99_s"] * 1e3,
        "mock_over_prism_get_ratio": ratio(mock["rps"]["median"], prism["rps"]["median"]),
        "mock_post_validation_share": validation_s * post_rps,
        "mock_get_cpu_us_per_request": mock["cpu_us_per_request"],
        "prism_get_cpu_us_per_request": prism["cpu_us_per_request"],
        "mock_over_prism_get_cpu_efficiency": ratio(
            prism["cpu_us_per_request"], mock["cpu_us_per_request"]
        ),
        "proposed_mock_get_rps": proposed["rps"]["median"],
        "proposed_mock_get_cpu_us_per_request": proposed["cpu_us_per_request"],
        "proposed_mock_over_prism_get_ratio": ratio(
            proposed["rps"]["median"], prism["rps"]["median"]
        ),
    }


def run() -> Result:
    """Load the mock and Prism with wrk, interleaved, and profile the mock under load."""
    with (
        mock_process() as mock,
        _prism.prism_mock("/songs/1", HEADERS) as prism,
        mock_process(proposed=True) as proposed,
    ):
        song_id = _ready_song(mock.base_url)
        assert _ready_song(proposed.base_url) == song_id
        gets = _interleaved_gets({
            "mock": (f"{mock.base_url}/songs/{song_id}", mock.pid),
            "prism": (f"{prism.origin}/songs/{song_id}", prism.pid),
            "mock_proposed": (f"{proposed.base_url}/songs/{song_id}", proposed.pid),
        })  # fmt: skip
        mock_post = f"{mock.base_url}/songs"
        posts = [
            wrk(mock_post, seconds=SECONDS, headers=HEADERS, post=True, server_pid=mock.pid)
            for _ in range(POST_ROUNDS)
        ]
        get_profile, post_profile = _profiles(
            mock.pid, f"{mock.base_url}/songs/{song_id}", mock_post
        )
    stats = {
        "mock": _summary(gets["mock"]), "prism": _summary(gets["prism"]),
        "proposed": _summary(gets["mock_proposed"]), "post": _summary(posts),
    }  # fmt: skip
    validation_s = _validation_cost()
    return {
        "figures": _figures(stats, validation_s),
        "details": {
            "wrk": {"threads": 2, "connections": 16, "seconds": SECONDS, "get_rounds": GET_ROUNDS},
            "prism_version": _prism.version(),
            "get": {
                "mock": stats["mock"],
                "prism": stats["prism"],
                "mock_proposed": stats["proposed"],
            },
            "post": stats["post"],
            "validation_us_per_body": validation_s * 1e6,
            "profile_get": _pyspy.summarize(get_profile, AREAS, EVENT_LOOP),
            "profile_post": _pyspy.summarize(post_profile, AREAS, EVENT_LOOP),
        },
    }


if __name__ == "__main__":
    emit(run())
