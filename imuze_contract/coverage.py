"""What a run exercised, per operation of the spec in force: the report's coverage section.

Per operation: the documented statuses observed and not observed (and any status answered
that the spec does not document), the inputs exercised (parameters and request-body
properties), the checks that ran and those that did not, each with why, the links followed
and the lifecycle states reached. Besides: the routes the server answered that the spec does
not have, and the requests the runner's own phases added per created resource.

The percentage counts two things the spec enumerates, over every operation of the spec:

    coverage = (documented (operation, status) pairs observed + documented inputs exercised)
             / (documented (operation, status) pairs + documented inputs)

An input is a parameter (`path id`, `query q`, `header X`) or a request-body property by its
JSON pointer (`body /token/email`); it is exercised when a request of its operation carried
it, whatever its value. A status range (`4XX`) is observed by any status in it; `default`
counts as observed by any undocumented status. Checks, links and states are listed, not
counted: what ran depends on the users and options of the run, not on the API.

No schemathesis here (traffic.py builds a Coverage from a run): a report reader imports it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class OperationCoverage:
    """What the run exercised of one operation of the spec."""

    operation_id: str
    method: str
    path: str
    #: Answers of this operation the run got (its engine's and its own requests).
    requests: int = 0
    #: The documented statuses (response keys: `201`, `4XX`, `default`) observed, and not.
    statuses_observed: list[str] = field(default_factory=list)
    statuses_not_observed: list[str] = field(default_factory=list)
    #: Statuses answered that the operation does not document (its deviations say more).
    statuses_undocumented: list[int] = field(default_factory=list)
    #: Documented inputs (`path id`, `body /title`) a request carried, and those none did.
    inputs_exercised: list[str] = field(default_factory=list)
    inputs_not_exercised: list[str] = field(default_factory=list)
    #: The checks that judged this operation, and those that apply here but did not: why.
    checks_ran: list[str] = field(default_factory=list)
    checks_not_run: dict[str, str] = field(default_factory=dict)
    #: The spec's links followed into this operation (`createSong.GetCreatedSong`) and any
    #: URL field of its answers that the run fetched (`mp3_url`).
    links_followed: list[str] = field(default_factory=list)
    #: The lifecycle states (x-imuze-lifecycle) seen in this operation's answers.
    states_reached: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """`POST /songs`."""
        return f"{self.method} {self.path}"

    @property
    def counted(self) -> tuple[int, int]:
        """(covered, documented): statuses observed + inputs exercised, over both documented."""
        covered = len(self.statuses_observed) + len(self.inputs_exercised)
        total = covered + len(self.statuses_not_observed) + len(self.inputs_not_exercised)
        return covered, total

    @property
    def line(self) -> str:
        """One line: requests, statuses, inputs, checks."""
        statuses = (
            len(self.statuses_observed),
            len(self.statuses_observed) + len(self.statuses_not_observed),
        )
        inputs = (
            len(self.inputs_exercised),
            len(self.inputs_exercised) + len(self.inputs_not_exercised),
        )
        checks = len(self.checks_ran), len(self.checks_ran) + len(self.checks_not_run)
        return (
            f"{self.requests} requests · statuses {statuses[0]}/{statuses[1]} · inputs "
            f"{inputs[0]}/{inputs[1]} · checks {checks[0]}/{checks[1]}"
        )


@dataclass(frozen=True)
class Route:
    """A method and path the spec does not have, that the server answered (not 404/405/501)."""

    method: str
    path: str
    statuses: tuple[int, ...]
    requests: int

    @property
    def line(self) -> str:
        """`HEAD /songs answered 200 (3 requests)`."""
        answered = ", ".join(str(status) for status in self.statuses)
        return f"{self.method} {self.path} answered {answered} ({self.requests} requests)"


@dataclass(frozen=True)
class AddedRequests:
    """The requests the runner's behavioural phase added, per resource it created."""

    sent: int = 0
    created: int = 0
    #: Requests of the phase's creates and what follows each (reads, lifecycle polls).
    per_created: float = 0.0
    #: The bound the phase keeps (behave.PER_CREATE).
    bound: int = 0

    @property
    def line(self) -> str:
        """`14 requests for 2 created resources: 7.0 each (at most 7)`."""
        return (
            f"the behavioural phase sent {self.sent} requests; {self.per_created:.1f} per "
            f"created resource over {self.created} created (bounded: at most {self.bound})"
        )


@dataclass
class Coverage:
    """The coverage section of a report: per operation, off-spec routes, added requests."""

    operations: list[OperationCoverage] = field(default_factory=list)
    not_in_spec: list[Route] = field(default_factory=list)
    added: AddedRequests = field(default_factory=AddedRequests)

    @property
    def percent(self) -> float:
        """The coverage percentage (the module docstring says what it counts), 0..100."""
        covered = sum(op.counted[0] for op in self.operations)
        total = sum(op.counted[1] for op in self.operations)
        return 100.0 * covered / total if total else 100.0

    @property
    def headline(self) -> str:
        """`61.5% (32 of 52 documented statuses and inputs) over 6 operations`."""
        covered = sum(op.counted[0] for op in self.operations)
        total = sum(op.counted[1] for op in self.operations)
        return (
            f"{self.percent:.1f}% ({covered} of {total} documented statuses and "
            f"inputs) over {len(self.operations)} operations"
        )

    def not_run(self) -> list[tuple[str, str, list[str]]]:
        """(check, why, the operations it did not run on) for every check that applies
        somewhere and did not run there, in the order of the operations."""
        grouped: dict[tuple[str, str], list[str]] = {}
        for op in self.operations:
            for check, why in op.checks_not_run.items():
                grouped.setdefault((check, why), []).append(op.operation_id)
        return [(check, why, ops) for (check, why), ops in grouped.items()]

    def verdict(self, minimum: float | None) -> str | None:
        """`below --min-coverage 80%` / `meets --min-coverage 50%`, or None without a floor."""
        if minimum is None:
            return None
        word = "below" if self.percent < minimum else "meets"
        return f"{word} --min-coverage {minimum:g}%"

    def to_dict(self) -> dict[str, Any]:
        """As JSON data (the report's `coverage`, read back by from_dict)."""
        return {
            "percent": round(self.percent, 2),
            "counts": "documented (operation, status) pairs observed + documented inputs "
            "exercised, over both documented",
            "operations": [asdict(op) for op in self.operations],
            "not_in_spec": [
                {**asdict(route), "statuses": list(route.statuses)} for route in self.not_in_spec
            ],
            "added_requests": asdict(self.added),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Coverage:
        """Read back from `to_dict`."""
        operations = [
            OperationCoverage(**{k: v for k, v in op.items() if k in _OP_FIELDS})
            for op in data.get("operations", [])
        ]
        routes = [
            Route(str(r["method"]), str(r["path"]), tuple(r["statuses"]), int(r["requests"]))
            for r in data.get("not_in_spec", [])
        ]
        return cls(operations, routes, AddedRequests(**data.get("added_requests", {})))


_OP_FIELDS = frozenset(OperationCoverage.__dataclass_fields__)
