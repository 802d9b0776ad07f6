"""Exit codes that mean what they say: a spent budget is an answer (1 with deviations, 0
without, and the note says the budget ended it); only Ctrl+C or SIGTERM exit 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from contract_helpers import App, Receive, Scope, Send, contract, mock_config, serving, user_env

import imuze_mock

DEEP = ["--max-examples", "1000", "--seed", "1", "--rate-limit", "1000/s"]


@pytest.mark.parametrize(("dialect", "code"), [("rails", 1), ("spec", 0)])
def test_a_spent_budget_exits_on_what_was_found_not_130(dialect: str, code: int) -> None:
    with serving(imuze_mock.create_app(mock_config(dialect))) as base_url:
        result = contract([*DEEP, "--budget", "1"], user_env(base_url))
    assert result.exit_code == code, result.output
    assert "the budget ended the run" in result.stdout
    assert "interrupted" not in result.stdout
    assert "--budget 1" in result.stdout  # the rerun hint sends the same requests


class Counting:
    """ASGI middleware that counts the requests it sees."""

    def __init__(self, app: App) -> None:
        self.app, self.seen = app, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.seen += scope["type"] == "http"
        await self.app(scope, receive, send)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_and_sigterm_exit_130_with_the_partial_report(signum: int) -> None:
    counting = Counting(imuze_mock.create_app(mock_config("rails")))
    with serving(counting) as base_url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IMUZE_")}
        env |= {k: v for k, v in user_env(base_url).items() if v is not None}
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "imuze"), "contract", *DEEP],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while counting.seen < 20 and time.monotonic() < deadline:  # the engine is running
                time.sleep(0.05)
            process.send_signal(signum)
            out, err = process.communicate(timeout=60)
        finally:
            process.kill()
    assert process.returncode == 130, err
    assert "so far (interrupted)" in out
    assert "Traceback" not in err
