"""The bug zoo (contract_tests/zoo.py): with a fixed seed, `imuze contract` finds every bug,
each attributed to its (operation, check). One in-process run per group of bugs that do not
mask one another; the spec-exact mock and the rails dialect are test_runner_cli.py's."""

from __future__ import annotations

import pytest
from contract_helpers import mock_config

import imuze_mock
from contract_tests.zoo import EXAMPLES, ZOO, broken_app, groups
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


@pytest.mark.parametrize("group", sorted(groups()))
def test_imuze_contract_finds_every_bug_of_the_group_where_it_is(group: str) -> None:
    bugs = groups()[group]
    target = Target("http://testserver/api/4", USERS, app=broken_app(bugs, mock_config()))
    report = run(target, RunOptions(max_examples=EXAMPLES[group], seed=SEED))
    found = {(d.operation_id, d.check) for d in report.deviations}
    missed = [bug.name for bug in bugs if (bug.operation_id, bug.check) not in found]
    assert not missed, f"missed: {missed}"
    assert not report.budget_spent and not report.interrupted
