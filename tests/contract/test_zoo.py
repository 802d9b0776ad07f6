"""The bug zoo (contract_tests/zoo.py): with a fixed seed, `imuze contract` finds every bug,
each attributed to its (operation, check). One in-process run per group of bugs that do not
mask one another; the spec-exact mock and the rails dialect are test_runner_cli.py's.

A bug is expected caught unless the spec in force allows its behaviour (its `allowed`): the
runs are marked `loop`, and run again after the spec changed (tests/test_loop_green.py)."""

from __future__ import annotations

import pytest
from contract_helpers import mock_config

import imuze_mock
from contract_tests.in_force import operation_ids, spec_in_force
from contract_tests.zoo import EXAMPLES, ZOO, broken_app, examples, groups
from imuze_contract import RunOptions, Target, User
from imuze_contract.catalog import check_names
from imuze_contract.runner import run

USERS = (
    User("demo", email=imuze_mock.DEMO.email, password=imuze_mock.DEMO.password),
    User("other", email=imuze_mock.OTHER.email, password=imuze_mock.OTHER.password),
)
SEED = 20261124
OPERATIONS = {
    "createToken", "listArrangements", "getArrangement", "createSong", "listSongs", "getSong",
}  # fmt: skip


def test_the_zoo_has_30_classes_over_every_operation_each_caught_by_a_known_check() -> None:
    assert len(ZOO) >= 30
    assert len({bug.name for bug in ZOO}) == len(ZOO)
    assert {bug.operation_id for bug in ZOO} == OPERATIONS
    assert {bug.check for bug in ZOO} <= check_names()
    assert set(groups()) == set(EXAMPLES)
    assert OPERATIONS == operation_ids(spec_in_force())


def test_today_s_spec_allows_no_bug_of_the_zoo() -> None:
    """Not `loop`: pins the spec as written today, where every bug must be caught (the
    derivation of `allowed` agrees with the list of bugs the zoo was written for)."""
    assert [bug.name for bug in ZOO if bug.allowed(spec_in_force())] == []
    assert {group: examples(group, spec_in_force()) for group in EXAMPLES} == EXAMPLES


@pytest.mark.loop
@pytest.mark.parametrize("group", sorted(groups()))
def test_imuze_contract_finds_every_bug_of_the_group_where_it_is(group: str) -> None:
    bugs = groups()[group]
    target = Target("http://testserver/api/4", USERS, app=broken_app(bugs, mock_config()))
    spec = spec_in_force()
    report = run(target, RunOptions(max_examples=examples(group, spec), seed=SEED))
    found = {(d.operation_id, d.check) for d in report.deviations}
    expected = [bug for bug in bugs if not bug.allowed(spec)]
    missed = [bug.name for bug in expected if (bug.operation_id, bug.check) not in found]
    assert not missed, f"missed: {missed}"
    assert not report.budget_spent and not report.interrupted
