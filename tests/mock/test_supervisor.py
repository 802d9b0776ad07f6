"""Exec mode's signal handling, in process: the forwarded signals are blocked before the
command starts, and the command starts with the mask the mock had."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from typing import Any

import pytest

from contract_tests.targets import mock_config
from imuze_mock import supervisor

#: Prints the signals blocked in the command, as numbers.
PRINT_MASK = "import signal; print(*(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])))"


def test_a_signal_sent_as_soon_as_the_command_runs_waits_for_the_mock(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A command may say it is ready, and be sent a signal, before the mock's next line runs:
    the forwarded signals must already be blocked when it starts (else the default action
    kills the mock and orphans the command), and unblocked in the command."""
    blocked_at_start: list[set[int]] = []
    threads_at_start: list[set[int | None]] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        blocked_at_start.append({int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])})
        threads_at_start.append({t.ident for t in threading.enumerate()})
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(supervisor.subprocess, "Popen", popen)
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    threads_before = {t.ident for t in threading.enumerate()}
    code = supervisor.run_command(mock_config(), [sys.executable, "-c", PRINT_MASK])
    assert code == 0
    assert {int(s) for s in supervisor.FORWARDED} <= blocked_at_start[0]
    in_the_command = {int(n) for n in capfd.readouterr().out.split()}
    assert in_the_command == {int(s) for s in before}
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before  # restored in the mock
    # The command starts through preexec_fn, which is safe only while the mock runs no
    # thread of its own: the server's thread must start after the command.
    assert threads_at_start[0] <= threads_before
