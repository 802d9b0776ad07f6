"""zoo_recall: the bug zoo (contract_tests/zoo.py) found by `imuze contract` beside plain
`st run --checks all`, same seed and depth, per bug class; and the wall time of each tool.

Each zoo group (bugs that do not mask one another) is served over loopback by uvicorn, and
each tool runs against it once: `imuze contract` as its CLI runs it (imuze_contract.runner,
two users), `st run` as a user would start it (its CLI, in an empty directory so that no
project configuration applies, with a token in `Authorization`). A bug counts as found by
`imuze contract` when a row names its (operation, check). schemathesis's JSON report gives
failure kinds per operation, not check names; a kind counts for the checks its class names
(`Failure.checks`), and a bug whose check is one of ours counts for st when st reports the
symptom the check looks for on that operation (a 5xx for a boundary probe). That credit is an
upper bound: another bug of the group on the same operation can give st the same symptom.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

import imuze_mock
from contract_tests.zoo import EXAMPLES, Bug, broken_app, groups
from imuze_contract import RunOptions, Target, User
from imuze_contract.catalog import operation_ids
from imuze_contract.runner import run as contract_run

from ._common import Result, emit

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261124
TIMEOUT = 240
# The check schemathesis would fail for the symptom one of our checks looks for.
SYMPTOM = {
    "large_integer_accepted": "not_a_server_error",
    "long_string_accepted": "not_a_server_error",
    "long_array_accepted": "not_a_server_error",
    "unicode_string_accepted": "not_a_server_error",
}


def _config() -> imuze_mock.MockConfig:
    return imuze_mock.MockConfig(render_delay=0.05, render_workers=1, max_queue=1_000_000)


def _users() -> tuple[User, ...]:
    return tuple(
        User(name, email=account.email, password=account.password)
        for name, account in (("demo", imuze_mock.DEMO), ("other", imuze_mock.OTHER))
    )


def _st_found(base_url: str, examples: int) -> tuple[set[tuple[str, str]], float]:
    """(operation label, check) pairs st's report shows, and st's wall time."""
    from schemathesis.core.failures import Failure

    kinds: dict[str, tuple[str, ...]] = {}
    todo = [Failure]
    while todo:
        for sub in todo.pop().__subclasses__():
            kinds[sub.__name__] = tuple(getattr(sub, "checks", ()))
            todo.append(sub)
    body = {"token": {"email": imuze_mock.DEMO.email, "password": imuze_mock.DEMO.password}}
    token = httpx.post(f"{base_url}/tokens", json=body).json()["response"]
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [
            str(Path(sys.executable).parent / "st"), "run", str(ROOT / "spec" / "openapi.yaml"),
            "--url", base_url, "--checks", "all", "-n", str(examples), "--seed", str(SEED),
            "-H", f"Authorization: {token}", "--report", "json", "--report-json-path",
            str(report),
        ]  # fmt: skip
        started = time.monotonic()
        subprocess.run(command, cwd=scratch, capture_output=True, timeout=TIMEOUT, check=False)
        seconds = time.monotonic() - started
        failures = json.loads(report.read_text())["failures"]
    found = {
        (operation, check)
        for failure in failures
        for operation in failure["operations"]
        for check in kinds.get(failure["type"], ())
    }
    return found, seconds


def _group(name: str, bugs: list[Bug]) -> dict[str, Any]:
    labels = operation_ids()
    with _serving(broken_app(bugs, _config())) as base_url:
        started = time.monotonic()
        report = contract_run(
            Target(base_url, _users()), RunOptions(max_examples=EXAMPLES[name], seed=SEED)
        )
        imuze_seconds = time.monotonic() - started
        st_found, st_seconds = _st_found(base_url, EXAMPLES[name])
    ours = {(d.operation_id, d.check) for d in report.deviations}
    rows = {}
    for bug in bugs:
        st_check = SYMPTOM.get(bug.check, bug.check)
        rows[bug.name] = {
            "operation": bug.operation_id, "check": bug.check, "source": bug.source,
            "imuze_contract": (bug.operation_id, bug.check) in ours,
            "st_run": (labels[bug.operation_id], st_check) in st_found,
        }  # fmt: skip
    return {"bugs": rows, "imuze_seconds": imuze_seconds, "st_seconds": st_seconds}


def _serving(app: Any) -> Any:
    sys.path.insert(0, str(ROOT / "tests" / "contract"))
    from contract_helpers import serving

    return serving(app)


def run() -> Result:
    """Every zoo group against both tools."""
    results = {name: _group(name, bugs) for name, bugs in groups().items()}
    rows = {bug: row for result in results.values() for bug, row in result["bugs"].items()}
    total = len(rows)
    ours = sum(row["imuze_contract"] for row in rows.values())
    st = sum(row["st_run"] for row in rows.values())
    return {
        "figures": {
            "zoo_recall_imuze_contract": ours / total,
            "zoo_recall_st_run": st / total,
            "zoo_imuze_contract_seconds": sum(r["imuze_seconds"] for r in results.values()),
            "zoo_st_run_seconds": sum(r["st_seconds"] for r in results.values()),
        },
        "details": {
            "seed": SEED,
            "examples": EXAMPLES,
            "bug_classes": total,
            "found": {"imuze_contract": ours, "st_run": st},
            "per_bug": rows,
            "per_group_seconds": {
                name: {"imuze_contract": r["imuze_seconds"], "st_run": r["st_seconds"]}
                for name, r in results.items()
            },
        },
    }


if __name__ == "__main__":
    emit(run())
