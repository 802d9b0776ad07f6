"""contract_behaviour_cost: a default `imuze contract` run on the mock, with the behavioural
checks (check_table.py rows with a family, and their phase) vs without, interleaved.

The mock runs in its own process (bench/_mockproc.py), as users run it; each run is the
runner as its CLI runs it (two users, the default depth and budget, a fixed seed), in this
process. The variants alternate after a warm-up pair (off, on, off, on ...), so a machine
that speeds up or slows down affects both alike; the figure is the ratio of their median wall
times. The requests the behavioural phase adds per created resource, and its bound, come
from the run's own coverage section.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

import imuze_mock
from imuze_contract import RunOptions, Target, User
from imuze_contract.runner import run as contract_run

from ._common import Result, emit
from ._mockproc import mock_process
from ._stats import interleave, ratio, summarize

SEED = 20261124
ROUNDS = 3
#: The mock as the contract tests configure it: answers that depend on state, not timing.
MOCK = {"render_workers": 1, "max_queue": 1_000_000}


def _users() -> tuple[User, ...]:
    return tuple(
        User(name, email=account.email, password=account.password)
        for name, account in (("demo", imuze_mock.DEMO), ("other", imuze_mock.OTHER))
    )


def _one(base_url: str, behaviour: bool) -> dict[str, Any]:
    started = time.monotonic()
    report = contract_run(Target(base_url, _users()), RunOptions(seed=SEED, behaviour=behaviour))
    seconds = time.monotonic() - started
    added = report.coverage.added if report.coverage is not None else None
    return {
        "seconds": seconds,
        "cases": report.cases,
        "deviations": len(report.deviations),
        "coverage_percent": report.coverage.percent if report.coverage is not None else None,
        "added": None if added is None else asdict(added),
    }


def run() -> Result:
    """Both variants, interleaved, against one mock."""
    with mock_process(0.05, MOCK) as mock:
        runs = interleave(
            {"off": lambda: _one(mock.base_url, False), "on": lambda: _one(mock.base_url, True)},
            rounds=ROUNDS,
        )
    times = {name: summarize([r["seconds"] for r in results]) for name, results in runs.items()}
    added = runs["on"][-1]["added"] or {}
    return {
        "figures": {
            "contract_behaviour_cost_ratio": ratio(times["on"]["median"], times["off"]["median"]),
            "contract_without_behaviour_s": times["off"]["median"],
            "contract_with_behaviour_s": times["on"]["median"],
            "contract_requests_per_created_resource": float(added.get("per_created", 0.0)),
        },
        "details": {
            "seed": SEED,
            "rounds": ROUNDS,
            "seconds": times,
            "runs": runs,
            "per_created_bound": added.get("bound"),
        },
    }


if __name__ == "__main__":
    emit(run())
