"""contract_inprocess_speedup: contract cases per second in process (ASGI) vs over HTTP.

Runs the contract suite's API tests as CI does (pytest, fixed SEED), once per target selected
with `-k asgi` / `-k http`, alternating asgi, http, asgi, http. The suite gives the in-process
target six times the HTTP target's budget, and bigger budgets generate costlier cases, so the
plugin bench/_contract_budget.py gives both the in-process budget: the same cases, like for
like. The cases come from the suite's own `contract cases: N` line; the time is the sum of
the selected tests' durations from a JUnit report, so start-up and collection (the same for
both) are left out. The HTTP target is the suite's own: the mock served by uvicorn in a
thread of the pytest process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ._common import Result, emit
from ._stats import ratio, summarize

ROOT = Path(__file__).resolve().parents[1]
SUITE = "contract_tests/test_contract_api.py"
SEED = "20261124"
ROUNDS = 2
BUDGET = "asgi"  # both targets run the suite's in-process budget
TIMEOUT = 300


class SuiteFailed(RuntimeError):
    """A contract run that did not pass: its failed tests and their first error lines."""

    def __init__(self, target: str, code: int, output: str) -> None:
        lines = output.splitlines()
        failed = [line for line in lines if line.startswith("FAILED")]
        errors = [line.strip() for line in lines if line.startswith("E ")][:12]
        self.summary = {"target": target, "exit_code": code, "failed": failed, "errors": errors}
        tail = "; ".join(failed[:3] or lines[-3:])
        super().__init__(f"the contract suite ({target}) failed ({code}): {tail}")


def _run_target(target: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", SUITE, "-k", target, "-q", "-rf"]
        command += ["-p", "no:cacheprovider", "-p", "bench._contract_budget"]
        command += [f"--junitxml={junit}"]
        done = subprocess.run(
            command,
            cwd=ROOT,
            env={**os.environ, "SEED": SEED, "CONTRACT_BUDGET": BUDGET},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        found = re.search(r"contract cases: (\d+)", done.stdout)
        if done.returncode != 0 or found is None:
            raise SuiteFailed(target, done.returncode, done.stdout)
        cases = int(found.group(1))
        tests = list(ET.parse(junit).iter("testcase"))
    seconds = sum(float(test.get("time", 0)) for test in tests)
    return {"cases": cases, "tests": len(tests), "seconds": seconds, "cases_per_s": cases / seconds}


def run() -> Result:
    """Run both contract targets, interleaved, and compare their case rates."""
    rounds: dict[str, list[dict[str, Any]]] = {"asgi": [], "http": []}
    failures: list[dict[str, Any]] = []
    for _ in range(ROUNDS):
        for target in rounds:
            try:
                rounds[target].append(_run_target(target))
            except SuiteFailed as failed:  # one retry: the failure is reported, not hidden
                failures.append(failed.summary)
                rounds[target].append(_run_target(target))
    rates = {target: summarize([r["cases_per_s"] for r in runs]) for target, runs in rounds.items()}
    return {
        "figures": {
            "contract_inprocess_speedup": ratio(rates["asgi"]["median"], rates["http"]["median"]),
            "contract_inprocess_cases_per_s": rates["asgi"]["median"],
            "contract_http_cases_per_s": rates["http"]["median"],
        },
        "details": {
            "seed": SEED,
            "budget": BUDGET,
            "cases_per_s": rates,
            "runs": rounds,
            "failed_runs_retried": failures,
        },
    }


if __name__ == "__main__":
    emit(run())
