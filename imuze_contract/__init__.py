"""`imuze contract`: run the iMuze spec's contract against a live API and report its drift.

The runner (`imuze_contract.runner.run`) needs the `contract` extra (schemathesis); the
target, options and report types here import without it, each when first used (so that a
command line that only reads `imuze_contract.options` does not load the rest).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .options import RunOptions
    from .report import Deviation, Report
    from .target import SetupError, Target, User, target_from_env

__all__ = ["Deviation", "Report", "RunOptions", "SetupError", "Target", "User", "target_from_env"]

_HOMES = {
    "RunOptions": ".options", "Deviation": ".report", "Report": ".report",
    "SetupError": ".target", "Target": ".target", "User": ".target",
    "target_from_env": ".target",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """The public names, imported from their module at first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home, __name__), name)
