"""Exit codes that mean what they say: a spent budget is an answer (1 with deviations, 0
without, and the note says the budget ended it); only Ctrl+C or SIGTERM exit 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from child_process import as_from_a_shell
from contract_helpers import contract, mock_config, serving, user_env

import imuze_mock
from imuze_cli.contract_run import STARTED

DEEP = ["--max-examples", "1000", "--seed", "1", "--rate-limit", "1000/s"]


@pytest.mark.parametrize(("dialect", "code"), [("rails", 1), ("spec", 0)])
def test_a_spent_budget_exits_on_what_was_found_not_130(dialect: str, code: int) -> None:
    with serving(imuze_mock.create_app(mock_config(dialect))) as base_url:
        result = contract([*DEEP, "--budget", "1"], user_env(base_url))
    assert result.exit_code == code, result.output
    assert "the budget ended the run" in result.stdout
    assert "interrupted" not in result.stdout
    assert "--budget 1" in result.stdout  # the rerun hint sends the same requests


HANG_GUARD = 600
"""Seconds after which a process that never says it started, or never ends, is killed: a
guard against a hang (the test then fails), never the condition the test waits on."""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_and_sigterm_exit_130_with_the_partial_report(signum: int) -> None:
    """The signal goes once the CLI says its run has started (its readiness line, read from
    its stderr), however slow the machine: no sleep, no count of requests raced against."""
    with serving(imuze_mock.create_app(mock_config("rails"))) as base_url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IMUZE_")}
        env |= {k: v for k, v in user_env(base_url).items() if v is not None}
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "imuze"), "contract", *DEEP],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=as_from_a_shell,
        )  # fmt: skip
        guard = threading.Timer(HANG_GUARD, process.kill)
        guard.start()
        try:
            before = _until_started(process)
            process.send_signal(signum)
            out, err = process.communicate()
        finally:
            guard.cancel()
            process.kill()
    assert process.returncode == 130, before + err
    assert "so far (interrupted)" in out
    assert "Traceback" not in before + err


def _until_started(process: subprocess.Popen[str]) -> str:
    """What the process printed on stderr up to its readiness line (which must come)."""
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.rstrip("\n") == STARTED:
            return "".join(seen)
    pytest.fail(f"the run ended before it said it started: {''.join(seen)}")
