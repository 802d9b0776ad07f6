"""The behavioural zoo (contract_tests/zoo_behave.py): a fixed-seed `imuze contract` finds every
bug at its (operation, check), and the spec-allowed behaviours a naive checker flags yield no
finding (on the spec mock and on the rails dialect)."""

from __future__ import annotations

import pytest
from contract_helpers import mock_config

import imuze_mock
from contract_tests.zoo_behave import (
    BEHAVE_ZOO,
    LEGIT,
    app_with,
    behave_groups,
    slow_lifecycle_as,
)
from imuze_contract import RunOptions, Target, User
from imuze_contract.check_table import CHECKS
from imuze_contract.report import Report
from imuze_contract.runner import run

USERS = (
    User("demo", email=imuze_mock.DEMO.email, password=imuze_mock.DEMO.password),
    User("other", email=imuze_mock.OTHER.email, password=imuze_mock.OTHER.password),
)
SEED = 20261124
EXAMPLES = 2


def _report(app: object) -> Report:
    target = Target("http://testserver/api/4", USERS, app=app)
    report = run(target, RunOptions(max_examples=EXAMPLES, seed=SEED))
    assert not report.budget_spent and not report.interrupted
    return report


def _found(app: object) -> set[tuple[str, str]]:
    return {(d.operation_id, d.check) for d in _report(app).deviations}


def test_every_behavioural_family_has_bugs_and_every_bug_a_behavioural_check() -> None:
    assert len({bug.name for bug in BEHAVE_ZOO}) == len(BEHAVE_ZOO) >= 20
    families = {CHECKS[bug.check].family for bug in BEHAVE_ZOO}
    assert "" not in families
    assert families == {row.family for row in CHECKS.values()} - {""}


@pytest.mark.parametrize("group", sorted(behave_groups()))
def test_imuze_contract_finds_every_behavioural_bug(group: str) -> None:
    bugs = behave_groups()[group]
    found = _found(app_with([bug.layer for bug in bugs], mock_config()))
    missed = [bug.name for bug in bugs if (bug.operation_id, bug.check) not in found]
    assert not missed, f"missed: {missed}"


BEHAVIOURAL = {check for check, row in CHECKS.items() if row.family}


@pytest.mark.parametrize("dialect", ["spec", "rails"])
def test_allowed_behaviours_yield_no_behavioural_finding(dialect: str) -> None:
    report = _report(app_with([layer for _, layer in LEGIT], mock_config(dialect)))
    found = {(d.operation_id, d.check) for d in report.deviations}
    assert {pair for pair in found if pair[1] in BEHAVIOURAL} == set()
    # The slow lifecycle is not a finding, and not a pass either: the check did not run.
    assert any(note.startswith("lifecycle_reaches_terminal could not run") for note in report.notes)


def test_the_plain_mock_yields_no_finding() -> None:
    assert _report(app_with([], mock_config())).deviations == []


def test_a_song_seen_ready_runs_the_terminal_check() -> None:
    ready = [slow_lifecycle_as("ready")]
    report = _report(app_with(ready, mock_config()))
    assert {d.check for d in report.deviations} & BEHAVIOURAL == set()
    assert not any("lifecycle" in note for note in report.notes)
