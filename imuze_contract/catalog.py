"""What a deviation can name: the spec's operations and every check the runner reports.

The checks come from schemathesis's own registry (with the contract's registered checks) plus
the runner's own phases, so a baseline entry naming a check that no longer exists is caught,
and tests/contract/test_sentences.py covers every check there is, not a hand-kept list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemathesis.checks import CHECKS, load_all_checks

from imuze_ext._responses import packaged_spec

from . import checks as _checks  # noqa: F401 - registers the contract's checks
from . import checks_behave as _checks_behave  # noqa: F401
from . import checks_body as _checks_body  # noqa: F401
from .check_table import CHECKS as ROWS
from .probe_values import operations


def check_names() -> frozenset[str]:
    """Every check a deviation can name: schemathesis's registry (with ours) and the rows of
    check_table.py (the runner's own phases: the probes, the list scope, `error`)."""
    load_all_checks()
    return frozenset(CHECKS.get_all_names()) | frozenset(ROWS)


def _spec() -> Mapping[str, Any]:
    return packaged_spec()


def operation_ids() -> dict[str, str]:
    """The spec's operations: operationId -> `METHOD /path`."""
    return {
        operation_id: f"{method} {path}" for operation_id, method, path, _ in operations(_spec())
    }
