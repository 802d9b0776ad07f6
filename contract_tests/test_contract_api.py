"""The API keeps the spec's contract: every operation, every phase, every check, then workflows.

Runs once per target (see targets.active_schemas): the mock in process and over HTTP, or a live
API alone when IMUZE_BASE_URL is set. Checks and phases come from schemathesis.toml.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis

from contract_tests.counting import CASES
from contract_tests.targets import active_schemas, release

SCHEMAS = active_schemas()


@pytest.fixture(scope="module", autouse=True)
def _stop_the_mock_after_this_module() -> Iterator[None]:
    # Its render backlog would otherwise keep a core busy for the rest of the session.
    yield
    release()


@schemathesis.pytest.parametrize(**SCHEMAS)
def test_operation_keeps_the_contract(case: schemathesis.Case) -> None:
    """The examples, coverage and fuzzing phases, each case under every check."""
    CASES.add()
    case.call_and_validate()


@pytest.mark.parametrize("target", SCHEMAS)
def test_linked_workflows_keep_the_contract(target: str) -> None:
    """The stateful phase: sequences that follow the spec's links, e.g. log in, create a song,
    show it, list songs, show one; list arrangements, show one. The stateful checks
    (use_after_free, ensure_resource_availability, object_level_authorization) run here."""
    schema = SCHEMAS[target]

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            CASES.add()
            super().after_call(response, case)

    settings = schema.config.get_hypothesis_settings(phase="stateful")
    # Generate only, as schemathesis runs its state machines: replaying a scenario against a
    # server whose state has moved on cannot shrink it, and hides the failure behind "flaky".
    Workflow.run(settings=hypothesis.settings(settings, phases=[hypothesis.Phase.generate]))
