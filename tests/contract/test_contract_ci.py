"""`imuze contract` in CI, over real sockets against the rails dialect: the baseline workflow
(update, a green rerun, a new deviation that alone fails, a stale entry, prune), the same
requests for the same seed and options at a high rate, and every reproduction of a run
re-run (its curl as pasted, and `imuze contract replay`) against the server it came from."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from contract_helpers import App, Receive, Scope, Send, contract, mock_config, serving, user_env

import imuze_mock
from contract_tests.broken import wrong_type
from contract_tests.in_force import rails_deviations, spec_in_force
from imuze_contract.replay import replay
from imuze_contract.report import Report, fingerprint_of
from imuze_contract.target import target_from_env
from imuze_ext.redaction import REDACTED

# One example per operation: each run here is about its outcome, not its depth.
FAST = ["--max-examples", "1", "--seed", "20261124", "--rate-limit", "1000/s"]


class RequestLog:
    """ASGI middleware that notes every request: method, path and body."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.requests: list[tuple[str, str, bytes]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def noting() -> Any:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                self.requests.append((scope["method"], scope["path"], b"".join(chunks)))
            return message

        await self.app(scope, noting, send)


@contextlib.contextmanager
def rails() -> Iterator[tuple[str, RequestLog]]:
    """A fresh rails-dialect mock (the same state each time), its requests logged."""
    log = RequestLog(imuze_mock.create_app(mock_config("rails")))
    with serving(log) as base_url:
        yield base_url, log


def _run(args: list[str], base_url: str) -> tuple[int, dict[str, Any]]:
    result = contract([*FAST, "--json", *args], user_env(base_url))
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _keys(rows: list[dict[str, Any]]) -> set[tuple[str, str, int, str]]:
    return {(r["operation_id"], r["check"], r["status"], r["location"]) for r in rows}


@pytest.fixture(scope="module")
def accepted_drift(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Today's rails drift accepted: `--baseline-update` writes every deviation and passes."""
    baseline = tmp_path_factory.mktemp("baseline") / "contract-baseline.yaml"
    with rails() as (base_url, log):
        code, first = _run(["--baseline", str(baseline), "--baseline-update"], base_url)
        # Until a reviewer writes why, the placeholder reasons fail the run, with what to do.
        refused = contract([*FAST, "--baseline", str(baseline)], user_env(base_url))
    assert code == 0 and first["deviations"] == []
    assert refused.exit_code == 2, refused.output
    assert "still reads 'accepted with --baseline-update: say why'" in refused.stderr
    assert "write why this deviation is accepted" in refused.stderr
    document = yaml.safe_load(baseline.read_text())
    assert document["context"]["users"] == ["demo", "other"]
    for entry in document["accepted"]:
        entry["reason"] = "the rails dialect, reviewed"
    baseline.write_text(yaml.safe_dump(document))
    first["requests"] = log.requests
    return baseline, first


def test_the_baseline_workflow_on_the_rails_dialect(
    accepted_drift: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    written, first = accepted_drift
    accepted = _keys(first["accepted"])
    entries = yaml.safe_load(written.read_text())["accepted"]
    assert len(entries) == len(accepted) >= 20
    # Each accepted row is one the spec in force forbids of the rails dialect.
    assert accepted <= rails_deviations(spec_in_force())
    assert all(entry["reason"] and entry["date"] for entry in entries)
    # A deviation fixed since: its entry, for an operation the run tests, turns stale.
    fixed = {"operation": "listSongs", "check": "status_code_conformance", "status": 418,
             "location": "status", "reason": "the teapot phase", "date": "2026-11-01"}  # fmt: skip
    fixed["fingerprint"] = fingerprint_of("listSongs", "status_code_conformance", 418, "status")
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text(yaml.safe_dump({"accepted": [*entries, fixed]}))
    # The rerun (a fresh server in the same state) is green, the accepted deviations listed
    # apart, the fixed one stale; --baseline-prune drops it and nothing else.
    with rails() as (base_url, log):
        code, second = _run(["--baseline", str(baseline), "--baseline-prune"], base_url)
    assert code == 0 and second["deviations"] == []
    assert _keys(second["accepted"]) == accepted
    assert [entry["fingerprint"] for entry in second["stale"]] == [fixed["fingerprint"]]
    pruned = yaml.safe_load(baseline.read_text())["accepted"]
    assert [entry["fingerprint"] for entry in pruned] == [e["fingerprint"] for e in entries]
    # The same seed and options sent the same requests (at 1000 requests/s).
    assert log.requests == first["requests"]
    assert second["cases"] == first["cases"]


def test_a_new_deviation_alone_fails_the_run_and_every_reproduction_reruns(
    accepted_drift: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    baseline, _ = accepted_drift
    # The same API, now with one more bug: listArrangements' count as a string.
    with serving(wrong_type(imuze_mock.create_app(mock_config("rails")))) as base_url:
        code, report = _run(["--baseline", str(baseline)], base_url)
        assert code == 1
        assert _keys(report["deviations"]) == {
            ("listArrangements", "response_schema_conformance", 200, "/count")
        }
        report_file = tmp_path / "report.json"
        report_file.write_text(json.dumps(report))
        rows = report["deviations"] + report["accepted"]
        env = {**os.environ, **{k: v for k, v in user_env(base_url).items() if v}}
        # Every curl as pasted (one shell: the first login line logs in, the next reuse it).
        assert _curl_statuses([row["curl"] for row in rows], env) == [r["status"] for r in rows]
        target = target_from_env(env=env)
        for row in rows:
            assert REDACTED not in row["curl"] and imuze_mock.DEMO.password not in row["curl"]
            outcome = replay(Report.from_dict(report).all_rows()[rows.index(row)], target, env)
            assert outcome.still, (row["fingerprint"], outcome.detail)
        replayed = contract(["replay", "1", "--report", str(report_file)], user_env(base_url))
        assert replayed.exit_code == 1, replayed.output
        assert "still there" in replayed.stdout
    # Against the server without the bug, that deviation is gone: exit 0.
    with serving(imuze_mock.create_app(mock_config("rails"))) as fixed:
        gone = contract(["replay", rows[0]["fingerprint"], "--report", str(report_file),
                         "--base-url", fixed], user_env(fixed))  # fmt: skip
    assert gone.exit_code == 0, gone.output
    assert "gone" in gone.stdout


def _curl_statuses(scripts: list[str], env: dict[str, str]) -> list[int]:
    """Run each row's curl lines as pasted, in one bash; the status of each row's last one."""
    lines = []
    for script in scripts:
        for line in script.splitlines():
            lines.append(
                line + " -o /dev/null -w '%{http_code} '" if line.startswith("curl ") else line
            )
        lines.append("echo")
    done = subprocess.run(
        ["bash", "-c", "\n".join(lines)], env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [int(row.split()[-1]) for row in done.stdout.splitlines()]


def test_a_baseline_entry_naming_an_unknown_operation_or_check_is_a_usage_error(
    tmp_path: Path,
) -> None:
    env = user_env("http://127.0.0.1:9/api/4")
    for operation, check in (("deleteSong", "status_code_conformance"), ("getSong", "vibes")):
        entry = {"fingerprint": fingerprint_of(operation, check, 200, "status"),
                 "operation": operation, "check": check, "status": 200, "location": "status",
                 "reason": "r", "date": "2026-12-01"}  # fmt: skip
        path = tmp_path / "baseline.yaml"
        path.write_text(yaml.safe_dump({"accepted": [entry]}))
        result = contract([*FAST, "--baseline", str(path)], env)
        assert result.exit_code == 2, result.output
        line, hint = result.stderr.splitlines()  # the one voice: an error and a hint line
        assert line.startswith("error: ") and hint.startswith("hint: ")
        assert repr(operation if operation == "deleteSong" else check) in line
    result = contract([*FAST, "--baseline-update"], env)
    assert result.exit_code == 2 and "need --baseline FILE" in result.stderr
