"""The private parts of our dependencies that the project still uses, each named once here.

A private name can change in any release, so every entry has: the distribution whose range
pyproject.toml bounds above (to what the install matrix tested), where the project uses it and
why, and a probe that fails when an upgrade no longer has it. tests/test_private_api.py checks
the other way round: that every private use it finds in the project's sources is an entry
here, that no entry is stale, and that each distribution's range is bounded.

Run as a script in any venv (the install matrix runs it in each of its venvs: standard library
and the installed packages only): it probes every entry whose distribution is installed,
prints one line per entry, and exits 1 when a probe fails.
"""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PrivateUse:
    """One private name of a dependency that the project relies on."""

    distribution: str
    """The distribution (as pyproject.toml names it) whose range is bounded for this use."""
    attribute: str
    """The private name as the code reaches it (`obj.<attribute>`)."""
    modules: tuple[str, ...]
    """The project's modules that use it (paths from the repository root)."""
    why: str
    probe: Callable[[], None]
    """Raises when the installed version no longer has the name as we use it."""


def _schemathesis_unique_key() -> None:
    from schemathesis.core.failures import Failure
    from schemathesis.openapi.checks import UndefinedStatusCode

    for kind in (Failure, UndefinedStatusCode):
        assert isinstance(kind.__dict__.get("_unique_key"), property), kind
    assert Failure(operation="GET /songs", message="m")._unique_key == ""


PRIVATE_USES: tuple[PrivateUse, ...] = (
    PrivateUse(
        distribution="schemathesis",
        attribute="_unique_key",
        modules=("imuze_contract/checks.py", "imuze_contract/sentences.py"),
        why="a deviation is located by its failure's key: our own checks' failures override "
        "it (checks.py), and one no handler knows reads it (sentences.py)",
        probe=_schemathesis_unique_key,
    ),
)
"""Every private use; empty is the goal."""


def installed(distribution: str) -> str | None:
    """The installed version of `distribution`, or None."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def main() -> int:
    """Probe every entry whose distribution is installed; 1 when one fails."""
    failed = 0
    for use in PRIVATE_USES:
        version = installed(use.distribution)
        label = f"{use.distribution} {version or '(not installed)'}: .{use.attribute}"
        if version is None:
            print(f"skipped  {label}")
            continue
        try:
            use.probe()
        except Exception as exc:
            failed += 1
            print(f"BROKEN   {label} ({type(exc).__name__}: {exc}) used in {use.modules}")
        else:
            print(f"ok       {label}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
