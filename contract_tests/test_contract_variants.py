"""Proof that the contract suite can fail: each deliberately broken mock is caught.

Every variant is the real mock wrapped in one small middleware (contract_tests/broken.py). Each
run is what `st run` does with schemathesis.toml (all phases, all checks, two users), in
process and seeded, so that the proof is reproducible. The unbroken mock is run the same way
first: any check that fails on a variant fails because of its breakage.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from schemathesis.engine import events, from_schema

import imuze_mock
from contract_tests.broken import VARIANTS, App
from contract_tests.targets import DEFAULT_SEED, Target, load_schema, mock_config, mock_users


def failed_checks(app: App, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Names of the checks that fail when the whole contract runs against `app`."""
    monkeypatch.setenv("SEED", str(DEFAULT_SEED))
    target = Target("variant", "http://testserver/api/4", mock_users(), 10, 10, app=app)
    failed: set[str] = set()
    for event in from_schema(load_schema(target, workdir)).execute():
        if isinstance(event, events.FatalError):
            raise event.exception
        if isinstance(event, events.NonFatalError):
            raise AssertionError(f"the contract run errored: {event.info.message}")
        if isinstance(event, events.ScenarioFinished):
            for checks in event.recorder.checks.values():
                failed |= {check.name for check in checks if check.failure_info is not None}
    return failed


def test_the_unbroken_mock_fails_no_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert failed_checks(imuze_mock.create_app(mock_config()), tmp_path, monkeypatch) == set()


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_broken_mock_is_caught(
    variant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    breaking, expected_check = VARIANTS[variant]
    app = breaking(imuze_mock.create_app(mock_config()))
    assert expected_check in failed_checks(app, tmp_path, monkeypatch)
