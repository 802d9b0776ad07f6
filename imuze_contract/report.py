"""The drift report's data: distinct deviations, each with its count, and the run around them.

No schemathesis here, so that renderers and callers can read a report (or its JSON) without
the heavy import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Stands for the operation(s) in a fix, so that one fix can name every operation it applies to.
OPS = "@OPS@"


@dataclass
class Deviation:
    """One distinct way the API departs from the spec: (operation, check, status, location)."""

    operation: str  # "POST /songs"
    operation_id: str  # "createSong"
    check: str
    status: int | None
    location: str
    expected: str
    actual: str
    # The suggested fix, with OPS where the operation goes; None when it is not mechanical.
    fix: str | None
    curl: str
    code: str  # the failure's code, e.g. ST103
    title: str
    # Test cases that hit this deviation (each case once, however many checks it failed).
    count: int = 0
    # What was observed, as data (imuze_contract/evidence.py): what a proposed spec edit needs.
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, int | None, str]:
        """What makes two failures the same deviation."""
        return (self.operation, self.check, self.status, self.location)

    @property
    def suggestion(self) -> str | None:
        """The suggested fix for this operation, e.g. "createSong answered 200: ..."."""
        return fix_for(self.fix, [self.operation_id]) if self.fix else None

    @property
    def line(self) -> str:
        """Expected vs actual, on one line."""
        return f"expected {self.expected}; got {self.actual}"


@dataclass
class Report:
    """A finished run: where, how long, how much was sent, and what deviated."""

    base_url: str
    seed: int
    users: int
    duration: float = 0.0
    cases: int = 0
    operations: list[str] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    # Things worth knowing that are not deviations (budget spent, a check that could not run).
    notes: list[str] = field(default_factory=list)
    # Ctrl+C (or SIGTERM) stopped the run: what it found so far is still reported.
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        """0 when the API keeps the contract, 1 when it deviates, 130 when interrupted."""
        if self.interrupted:
            return 130
        return 1 if self.deviations else 0

    def sorted_deviations(self) -> list[Deviation]:
        """Deviations by operation, then check, status and location."""
        return sorted(
            self.deviations,
            key=lambda d: (d.operation_id, d.check, d.status or 0, d.location),
        )

    def fixes(self) -> list[str]:
        """The suggested fixes, each once, naming every operation it applies to."""
        grouped: dict[str, list[str]] = {}
        for deviation in self.sorted_deviations():
            if deviation.fix:
                operations = grouped.setdefault(deviation.fix, [])
                if deviation.operation_id not in operations:
                    operations.append(deviation.operation_id)
        return [fix_for(fix, operations) for fix, operations in grouped.items()]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON data (the `--json` output)."""
        return {
            "base_url": self.base_url,
            "seed": self.seed,
            "users": self.users,
            "duration": round(self.duration, 3),
            "cases": self.cases,
            "operations": self.operations,
            "deviations": [
                {**_public(asdict(d)), "suggestion": d.suggestion, "expected_vs_actual": d.line}
                for d in self.sorted_deviations()
            ],
            "fixes": self.fixes(),
            "notes": self.notes,
            "exit_code": self.exit_code,
        }


def fix_for(fix: str, operations: list[str]) -> str:
    """`fix` naming `operations` where it says OPS, or followed by them in parentheses."""
    names = ", ".join(operations)
    return fix.replace(OPS, names) if OPS in fix else f"{fix} ({names})"


def _public(data: dict[str, Any]) -> dict[str, Any]:
    data.pop("fix", None)
    return data
