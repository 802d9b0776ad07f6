"""The drift report's data: distinct deviations, each with its count, and the run around them.

No schemathesis here, so that renderers, `imuze contract replay` and callers can read a report
(or its JSON) without the heavy import.

A deviation's identity is its key, (operation, check, status, location), and its fingerprint
is a hash of that key with the operation named by its operationId: 16 hex digits that stay
the same across seeds, runs and report formats, and that a baseline (baseline.py) lists.
Nothing random goes into the key: the location is a body pointer with array items as `*`, a
request field, or a fixed word (`status`, `request`, `scope`), never a generated value.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from .coverage import Coverage
from .steps import Step

#: Stands for the operation(s) in a fix, so that one fix can name every operation it applies to.
OPS = "@OPS@"
#: The exit code of a run without new deviations that exercised less than --min-coverage.
EXIT_COVERAGE = 3


def fingerprint_of(operation_id: str, check: str, status: int | None, location: str) -> str:
    """The stable fingerprint of a deviation key (operationId, check, status, location)."""
    key = "\0".join((operation_id, check, str(status) if status is not None else "-", location))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


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
    # The requests that reproduce it, in order (the last one is answered with the deviation).
    steps: list[Step] = field(default_factory=list)
    # A boundary probe's finding as data (probes.ProbeFinding.to_dict), None for other checks.
    probe: dict[str, Any] | None = None
    # What was observed, as data (imuze_contract/evidence.py): what a proposed spec edit needs.
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, int | None, str]:
        """What makes two failures the same deviation."""
        return (self.operation, self.check, self.status, self.location)

    @property
    def fingerprint(self) -> str:
        """16 hex digits, the same for this key in every run (see the module docstring)."""
        return fingerprint_of(self.operation_id, self.check, self.status, self.location)

    @property
    def suggestion(self) -> str | None:
        """The suggested fix for this operation, e.g. "createSong answered 200: ..."."""
        return fix_for(self.fix, [self.operation_id]) if self.fix else None

    @property
    def line(self) -> str:
        """Expected vs actual, on one line."""
        return f"expected {self.expected}; got {self.actual}"

    def to_dict(self) -> dict[str, Any]:
        """The deviation as JSON data (a row of `--json`, read back by from_dict)."""
        data = asdict(self)
        data.pop("fix", None)
        data["steps"] = [step.to_dict() for step in self.steps]
        return {
            "fingerprint": self.fingerprint, **data, "suggestion": self.suggestion,
            "expected_vs_actual": self.line, "fix_template": self.fix,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deviation:
        """A deviation read back from a JSON report."""
        names = cls.__dataclass_fields__
        known = {name: data[name] for name in names if name in data and name != "steps"}
        known["fix"] = data.get("fix_template")
        steps = [Step.from_dict(step) for step in data.get("steps", [])]
        return cls(**known, steps=steps)


@dataclass(frozen=True)
class Accepted:
    """A deviation a baseline accepts, with the entry's reason and date."""

    deviation: Deviation
    reason: str
    date: str


@dataclass(frozen=True)
class StaleEntry:
    """A baseline entry whose deviation this run tested and did not see."""

    fingerprint: str
    operation: str
    check: str
    status: int | None
    location: str
    reason: str
    date: str

    @property
    def line(self) -> str:
        """`createToken status_code_conformance 200 status (accepted 2026-12-01: reason)`."""
        return (
            f"{self.operation} {self.check} {self.status or '-'} {self.location} "
            f"[{self.fingerprint}] (accepted {self.date}: {self.reason})"
        )


@dataclass(frozen=True)
class RunContext:
    """What a run held the API to and with what: every artifact carries it, and replay, the
    rerun line and `--baseline-prune` read it instead of assuming it."""

    # The spec as given to --spec (None: the packaged one), where it was, and its SHA-256.
    spec: str | None
    spec_path: str
    spec_sha256: str
    # The users the run logged in as ("demo", "other").
    users: tuple[str, ...]
    seed: int
    # The checks that ran, and those that could not, each with why.
    checks_run: tuple[str, ...] = ()
    checks_not_run: tuple[tuple[str, str], ...] = ()

    def could_not_run(self, check: str) -> str | None:
        """Why `check` could not run in this run, or None when it ran."""
        return dict(self.checks_not_run).get(check)

    @property
    def spec_label(self) -> str:
        """`spec/openapi.yaml (sha256 1a2b3c4d5e6f)`, or the packaged spec's."""
        return f"{self.spec or 'the packaged spec'} (sha256 {self.spec_sha256[:12]})"

    def lines(self) -> list[str]:
        """The context in words, one line per fact, for the terminal and Markdown reports."""
        not_run = "; ".join(f"{check} ({why})" for check, why in self.checks_not_run)
        return [
            f"spec {self.spec_label} · users {', '.join(self.users) or 'none'} · seed {self.seed}",
            f"{len(self.checks_run)} checks ran; could not run: {not_run or 'none'}",
        ]

    def to_dict(self) -> dict[str, Any]:
        """As JSON data."""
        return {
            "spec": self.spec, "spec_path": self.spec_path, "spec_sha256": self.spec_sha256,
            "users": list(self.users), "seed": self.seed, "checks_run": list(self.checks_run),
            "checks_not_run": dict(self.checks_not_run),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunContext:
        """Read back from `to_dict`."""
        spec = data.get("spec")
        return cls(
            None if spec is None else str(spec), str(data.get("spec_path", "")),
            str(data.get("spec_sha256", "")), tuple(str(u) for u in data.get("users", ())),
            int(data.get("seed", 0)), tuple(str(c) for c in data.get("checks_run", ())),
            tuple((str(k), str(v)) for k, v in dict(data.get("checks_not_run", {})).items()),
        )  # fmt: skip


@dataclass
class Report:
    """A finished run: where, how long, how much was sent, and what deviated."""

    base_url: str
    seed: int
    users: int
    duration: float = 0.0
    cases: int = 0
    operations: list[str] = field(default_factory=list)
    # New deviations: not in the baseline (all of them without one).
    deviations: list[Deviation] = field(default_factory=list)
    # Deviations the baseline accepts: listed apart, never failing the run.
    accepted: list[Accepted] = field(default_factory=list)
    # Baseline entries this run tested and did not reproduce.
    stale: list[StaleEntry] = field(default_factory=list)
    # Things worth knowing that are not deviations (budget spent, a check that could not run).
    notes: list[str] = field(default_factory=list)
    # Ctrl+C (or SIGTERM) stopped the run: what it found so far is still reported.
    interrupted: bool = False
    # The budget ran out before every phase finished: a complete answer for what ran.
    budget_spent: bool = False
    # (operationId, status) of every answer the run got: what its checks had a chance to see.
    answered: set[tuple[str, int]] = field(default_factory=set)
    # The options that decide which requests are sent, as `imuze contract` arguments.
    rerun: list[str] = field(default_factory=list)
    # What the run held the API to and with what (None: a report from before contexts).
    context: RunContext | None = None
    # What the run exercised, per operation of the spec (None: a report from before coverage).
    coverage: Coverage | None = None
    # --min-coverage: the least coverage percent the run had to reach (None: no floor).
    min_coverage: float | None = None

    @property
    def coverage_short(self) -> bool:
        """Whether the run exercised less than --min-coverage asks."""
        if self.min_coverage is None or self.coverage is None:
            return False
        return self.coverage.percent < self.min_coverage

    @property
    def exit_code(self) -> int:
        """0 when the API keeps the contract (or deviates only as the baseline accepts), 1 on
        a new deviation, EXIT_COVERAGE when it keeps it but the run exercised less than
        --min-coverage, 130 when interrupted. A spent budget is not an interruption."""
        if self.interrupted:
            return 130
        if self.deviations:
            return 1
        return EXIT_COVERAGE if self.coverage_short else 0

    @property
    def rerun_command(self) -> str:
        """The command that sends the same requests again."""
        return " ".join(["imuze contract", *self.rerun]) if self.rerun else (
            f"imuze contract --seed {self.seed}"
        )  # fmt: skip

    def sorted_deviations(self) -> list[Deviation]:
        """Deviations by operation, then check, status and location."""
        return sorted(self.deviations, key=_order)

    def sorted_accepted(self) -> list[Accepted]:
        """Accepted deviations, in the same order."""
        return sorted(self.accepted, key=lambda item: _order(item.deviation))

    def all_rows(self) -> list[Deviation]:
        """Every row a replay can name by number: the new ones, then the accepted ones."""
        return self.sorted_deviations() + [item.deviation for item in self.sorted_accepted()]

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
        """The report as plain JSON data (the `--json` output, read back by from_dict)."""
        return {
            "base_url": self.base_url,
            "seed": self.seed,
            "users": self.users,
            "duration": round(self.duration, 3),
            "cases": self.cases,
            "operations": self.operations,
            "deviations": [d.to_dict() for d in self.sorted_deviations()],
            "accepted": [
                {**item.deviation.to_dict(), "reason": item.reason, "date": item.date}
                for item in self.sorted_accepted()
            ],
            "stale": [asdict(entry) for entry in self.stale],
            "fixes": self.fixes(),
            "notes": self.notes,
            "interrupted": self.interrupted,
            "budget_spent": self.budget_spent,
            "rerun": self.rerun_command,
            "rerun_args": self.rerun,
            "context": self.context.to_dict() if self.context is not None else None,
            "coverage": self.coverage.to_dict() if self.coverage is not None else None,
            "min_coverage": self.min_coverage,
            "exit_code": self.exit_code,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """A report read back from its JSON (`imuze contract replay --report`)."""
        report = cls(str(data["base_url"]), int(data["seed"]), int(data.get("users", 1)))
        report.deviations = [Deviation.from_dict(row) for row in data.get("deviations", [])]
        report.accepted = [
            Accepted(Deviation.from_dict(row), str(row.get("reason", "")), str(row.get("date", "")))
            for row in data.get("accepted", [])
        ]
        report.operations = list(data.get("operations", []))
        report.rerun = list(data.get("rerun_args", []))
        context = data.get("context")
        report.context = RunContext.from_dict(context) if isinstance(context, dict) else None
        coverage = data.get("coverage")
        report.coverage = Coverage.from_dict(coverage) if isinstance(coverage, dict) else None
        return report


def _order(d: Deviation) -> tuple[str, str, int, str]:
    return (d.operation_id, d.check, d.status or 0, d.location)


def fix_for(fix: str, operations: list[str]) -> str:
    """`fix` naming `operations` where it says OPS, or followed by them in parentheses."""
    names = ", ".join(operations)
    return fix.replace(OPS, names) if OPS in fix else f"{fix} ({names})"
