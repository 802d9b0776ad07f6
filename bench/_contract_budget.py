"""pytest plugin for bench/contract.py: give both mock targets of the contract suite the same
budget (CONTRACT_BUDGET=asgi|http names whose), so that their cases per second compare like
for like. Loaded with `-p bench._contract_budget` before the suite imports its targets."""

from __future__ import annotations

import os

from contract_tests import targets

_source = os.environ.get("CONTRACT_BUDGET")
if _source:
    for _name in targets.MOCK_BUDGETS:
        targets.MOCK_BUDGETS[_name] = dict(targets.MOCK_BUDGETS[_source])
