"""The `contract cases: N` line at the end of the run, and the release of the suite's mock."""

from __future__ import annotations

from typing import Any

import pytest
from _pytest.terminal import TerminalReporter

from contract_tests import targets
from contract_tests.counting import CASES


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    terminalreporter.write_line(f"contract cases: {CASES.count}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Under xdist each worker counts its own cases and hands the count to the controller.
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["contract_cases"] = CASES.count


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist's controller: add a finished worker's count to the line printed at the end."""
    CASES.add(int(getattr(node, "workeroutput", {}).get("contract_cases", 0)))


def pytest_unconfigure(config: pytest.Config) -> None:
    targets.release()
