"""`imuze contract`: run the iMuze spec's contract against a live API and report its drift.

The runner (`imuze_contract.runner.run`) needs the `contract` extra (schemathesis); the
target, options and report types here import without it.
"""

from .options import RunOptions
from .report import Deviation, Report
from .target import SetupError, Target, User, target_from_env

__all__ = ["Deviation", "Report", "RunOptions", "SetupError", "Target", "User", "target_from_env"]
