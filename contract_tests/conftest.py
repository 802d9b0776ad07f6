"""The `contract cases: N` line at the end of the run, and the release of the suite's mock."""

from __future__ import annotations

import pytest
from _pytest.terminal import TerminalReporter

from contract_tests import targets
from contract_tests.counting import CASES


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    terminalreporter.write_line(f"contract cases: {CASES.count}")


def pytest_unconfigure(config: pytest.Config) -> None:
    targets.release()
