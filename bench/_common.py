"""What every benchmark module shares: its result shape, a short profile, titles, the CLI."""

from __future__ import annotations

import cProfile
import json
import pstats
import string
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

Result = dict[str, Any]  # {"figures": {key: number}, "details": {...}}


def stop_process(process: subprocess.Popen[Any]) -> None:
    """Terminate a server the bench started; kill it if it does not stop within 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def ready_song(http: httpx.Client, title: str) -> int:
    """Create a 1 s song on arrangement 1 and wait (at most 10 s) until it is ready."""
    body = {"title": title, "arrangement_id": 1, "tags": [], "desired_length": 1}
    song_id: int = http.post("/songs", json=body).raise_for_status().json()["id"]
    for _ in range(200):
        if http.get(f"/songs/{song_id}").json()["status"] == "ready":
            return song_id
        time.sleep(0.05)
    raise RuntimeError("the probe song never got ready")


def title_for(n: int, prefix: str = "Bench") -> str:
    """A distinct valid song title (letters and spaces only) for each n >= 0."""
    letters = string.ascii_lowercase
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word = letters[digit] + word
        if n == 0:
            break
    return f"{prefix} {word}"


def top_functions(run: Callable[[], object], limit: int = 8) -> list[dict[str, Any]]:
    """Run `run` under cProfile; the functions with the most own time, with their share."""
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler)
    total = sum(entry[2] for entry in stats.stats.values()) or 1.0  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    top = []
    for (filename, line, name), (_, calls, own, cumulative, _) in rows[:limit]:
        where = "/".join(Path(filename).parts[-2:]) if filename != "~" else "builtin"
        top.append(
            {
                "function": f"{where}:{line}({name})",
                "calls": calls,
                "own_share": round(own / total, 3),
                "cumulative_s": round(cumulative, 4),
            }
        )
    return top


def cumulative_us(
    run: Callable[[], object], calls: int, functions: dict[str, tuple[str, str]]
) -> dict[str, float]:
    """Run `run` (which makes `calls` calls) under cProfile; for each label, the cumulative
    microseconds per call spent in the function (file suffix, name). Profiling inflates
    every figure alike, so read them relative to each other."""
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for label, (file_suffix, name) in functions.items():
        seconds = sum(
            entry[3]
            for (filename, _, function), entry in stats.items()
            if function == name and filename.endswith(file_suffix)
        )
        found[label] = round(seconds / calls * 1e6, 1)
    return found


def emit(result: Result) -> None:
    """Write the result as JSON to the path given as the first argument, else to stdout."""
    text = json.dumps(result, indent=2, default=str)
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
