"""render_realtime_factor: seconds of audio per wall second to render and encode a 60 s song.

Calls the mock's render function directly, pinned to one core, once per arrangement of the
catalog (their styles cost differently: drums, pads, bass) and per round; then splits one
render per arrangement into its stages to show where the time goes.
"""

from __future__ import annotations

import os
import time

from imuze_mock.catalog import CATALOG
from imuze_mock.music import render_song
from imuze_mock.music.encode import encode_mp3
from imuze_mock.music.synth import synthesize
from imuze_mock.music.theory import compose

from ._common import Result, emit, title_for
from ._stats import ratio, summarize

LENGTH = 60
ROUNDS = 2


def _pin_to_one_core() -> int:
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def _render_seconds(title: str, arrangement_index: int) -> float:
    style = CATALOG[arrangement_index].style
    start = time.perf_counter()
    render_song(title, style, LENGTH)
    return time.perf_counter() - start


def _stages(title: str, arrangement_index: int) -> dict[str, float]:
    style = CATALOG[arrangement_index].style
    t0 = time.perf_counter()
    score = compose(title, style, LENGTH)
    t1 = time.perf_counter()
    samples = synthesize(score, style)
    t2 = time.perf_counter()
    encode_mp3(samples)
    t3 = time.perf_counter()
    return {"compose": t1 - t0, "synthesize": t2 - t1, "encode": t3 - t2}


def run() -> Result:
    """Render 60 s songs on one core and report audio seconds per wall second."""
    core = _pin_to_one_core()
    _render_seconds("Warm Up Song", 0)
    walls: list[float] = []
    by_arrangement: dict[str, list[float]] = {a.name: [] for a in CATALOG}
    for round_no in range(ROUNDS):
        for index, arrangement in enumerate(CATALOG):
            wall = _render_seconds(title_for(round_no * 100 + index, "Render"), index)
            walls.append(wall)
            by_arrangement[arrangement.name].append(wall)
    stages = [_stages(title_for(index, "Stage"), index) for index in range(len(CATALOG))]
    stage_share = {
        name: sum(s[name] for s in stages) / sum(sum(s.values()) for s in stages)
        for name in ("compose", "synthesize", "encode")
    }
    wall = summarize(walls)
    factors = [LENGTH / w for w in walls]
    return {
        "figures": {"render_realtime_factor": ratio(LENGTH, wall["median"])},
        "details": {
            "song_seconds": LENGTH,
            "renders": len(walls),
            "core": core,
            "wall_seconds": wall,
            "realtime_factor": summarize(factors),
            "slowest_arrangement": max(by_arrangement, key=lambda n: max(by_arrangement[n])),
            "realtime_factor_by_arrangement": {
                name: round(LENGTH / min(times), 1) for name, times in by_arrangement.items()
            },
            "stage_share": stage_share,
        },
    }


if __name__ == "__main__":
    emit(run())
