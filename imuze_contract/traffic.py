"""The answers a run got, matched to the spec's operations by method and path: coverage's input.

Every answer goes through here: the engine's recorded scenarios (`add_scenario`), the runner's
own requests (`add_case`, from session.py), and any other request of the run (`answer`: a
probe that sends a method or a path the spec does not have). An answer whose method and path
match no operation of the spec, under the API's base URL, is an off-spec route; one outside
the base URL (a media URL) is a link, recorded with `link`. `coverage` folds it all into the
report's section (coverage.py), against the spec in force, so an operation that no request
reached is listed with zero requests.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from schemathesis.core.transport import Response
from schemathesis.engine.recorder import RecordedScenario
from schemathesis.generation.case import Case

from . import scope
from .behave import behaviour_places
from .behave_places import properties
from .check_table import CHECKS
from .config import checks_off_by_operation
from .coverage import AddedRequests, Coverage, OperationCoverage, Route
from .lifecycle import Machine, machine_of
from .probe_values import integers, item_counts, lengths, operations, resolve, slots
from .probe_values import unicode_values as unicode_probes
from .probes import CHECK_OF_KIND

#: Why a check that schemathesis.toml switches off for one operation did not run there.
OFF_HERE = "schemathesis.toml switches it off for this operation (its comment says why)"
#: Answers that say "no such route here": an off-spec request answered so is not a route.
NOT_SERVED = frozenset({404, 405, 501})
SETUP, ENGINE, PROBES, SCOPE, BEHAVIOUR = "setup", "engine", "probes", "scope", "behaviour"
_MAX_DEPTH = 6


@dataclass
class _Seen:
    requests: int = 0
    statuses: set[int] = field(default_factory=set)
    inputs: set[str] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)
    phases: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    states: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Operation:
    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str]
    spec: Mapping[str, Any]


class Traffic:
    """What each operation of the spec was sent and answered, and the off-spec routes."""

    def __init__(self, spec: Mapping[str, Any], base_url: str) -> None:
        self.spec = spec
        self._base = urlsplit(base_url)
        self._prefix = self._base.path.rstrip("/")
        self._operations = [
            _Operation(oid, method, path, _pattern(path), op)
            for oid, method, path, op in operations(spec)
        ]
        self._seen = {op.operation_id: _Seen() for op in self._operations}
        self._machines = {op.operation_id: _machine(op.spec, spec) for op in self._operations}
        self._routes: dict[tuple[str, str], tuple[int, set[int]]] = {}
        #: The runner's phase sending now (the runner sets it): a phase's check runs where the
        #: phase sends. The engine's answers are the ENGINE phase's, whenever they come.
        self.phase = SETUP
        #: (check, why) for the checks the run could not run, filled in by the runner.
        self.not_run: dict[str, str] = {}
        self.added = AddedRequests()

    def answer(
        self, method: str, url: str, status: int, inputs: Iterable[str] = (),
        checks: Iterable[str] = (), body: Callable[[], Any] | None = None,
        phase: str | None = None,
    ) -> str | None:  # fmt: skip
        """One answer: its operation's id, or None for an off-spec route (or another host).
        `body` reads the answer's JSON, only when its lifecycle states are wanted."""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (self._base.scheme, self._base.netloc):
            return None
        if not parts.path.startswith(self._prefix):
            return None
        path = parts.path[len(self._prefix) :] or "/"
        method = method.upper()
        for op in self._operations:
            if op.method == method and op.pattern.fullmatch(path):
                self._note(op.operation_id, status, inputs, checks, body, phase or self.phase)
                return op.operation_id
        if status not in NOT_SERVED:
            template = next((o.path for o in self._operations if o.pattern.fullmatch(path)), path)
            count, statuses = self._routes.get((method, template), (0, set()))
            self._routes[(method, template)] = (count + 1, statuses | {status})
        return None

    def _note(
        self, operation_id: str, status: int, inputs: Iterable[str], checks: Iterable[str],
        body: Callable[[], Any] | None, phase: str,
    ) -> None:  # fmt: skip
        seen = self._seen[operation_id]
        seen.requests += 1
        seen.statuses.add(status)
        seen.inputs.update(inputs)
        seen.checks.update(checks)
        seen.phases.add(phase)
        machine = self._machines[operation_id]
        if machine is not None and body is not None and 200 <= status < 300:
            seen.states.update(_states(machine, body()))

    def link(self, operation_id: str, name: str) -> None:
        """A link followed from (or into) an operation: a spec link, or a URL field fetched."""
        if operation_id in self._seen:
            self._seen[operation_id].links.add(name)

    def add_case(self, case: Case[Any], response: Response, checks: Iterable[str]) -> None:
        """An answer to one of the runner's own requests, judged by `checks`."""
        request = response.request
        self.answer(str(request.method), str(request.url), response.status_code,
                    inputs_of(case), checks, lambda: _json(response))  # fmt: skip

    def add_scenario(self, recorder: RecordedScenario) -> None:
        """Every answer of one of the engine's scenarios, with the checks that judged it and
        the spec link that led to it."""
        for case_id, interaction in recorder.interactions.items():
            node = recorder.cases.get(case_id)
            response = interaction.response
            if node is None or response is None:
                continue
            checks = [check.name for check in recorder.checks.get(case_id, [])]
            found = self.answer(interaction.request.method, interaction.request.uri,
                                response.status_code, inputs_of(node.value), checks,
                                functools.partial(_json, response),
                                ENGINE)  # fmt: skip
            parent = recorder.cases.get(node.parent_id) if node.parent_id else None  # linked
            if found is not None and node.transition is not None and parent is not None:
                self.link(found, node.transition.id)  # `createSong.POST /songs -> [201] ...`

    def coverage(self) -> Coverage:
        """The coverage section: every operation of the spec, then the off-spec routes."""
        places = phase_places(self.spec)
        rows = [self._operation(op, places) for op in self._operations]
        routes = [
            Route(method, path, tuple(sorted(statuses)), count)
            for (method, path), (count, statuses) in sorted(self._routes.items())
        ]
        return Coverage(rows, routes, self.added)

    def _operation(
        self, op: _Operation, places: Mapping[str, tuple[str, frozenset[str]]]
    ) -> OperationCoverage:
        seen = self._seen[op.operation_id]
        documented = [str(key) for key in (op.spec.get("responses") or {})]
        observed = [key for key in documented if _observes(key, seen.statuses, documented)]
        inputs = documented_inputs(op.path, op.method, self.spec)
        ran, not_run = self._checks(op.operation_id, seen, places)
        return OperationCoverage(
            op.operation_id, op.method, op.path, seen.requests, observed,
            [key for key in documented if key not in observed],
            sorted(s for s in seen.statuses if not _documented(s, documented)),
            [name for name in inputs if name in seen.inputs],
            [name for name in inputs if name not in seen.inputs],
            ran, not_run, sorted(seen.links), sorted(seen.states),
        )  # fmt: skip

    def _checks(
        self, operation_id: str, seen: _Seen, places: Mapping[str, tuple[str, frozenset[str]]]
    ) -> tuple[list[str], dict[str, str]]:
        """(the checks that judged this operation, {check: why} for those that apply here
        and did not)."""
        ran: list[str] = []
        not_run: dict[str, str] = {}
        off_here = checks_off_by_operation().get(operation_id, frozenset())
        for check in CHECKS:
            if check == "error":  # a request that got no answer, not a check of answers
                continue
            why = _why_not(check, operation_id, seen, places, self.not_run)
            why = OFF_HERE if why and check in off_here else why
            if why is None:
                ran.append(check)
            elif why:
                not_run[check] = why
        return ran, not_run


def _why_not(
    check: str, operation_id: str, seen: _Seen,
    places: Mapping[str, tuple[str, frozenset[str]]], not_run: Mapping[str, str],
) -> str | None:  # fmt: skip
    """None when `check` ran on the operation, "" when it does not apply there, else why not."""
    if check in seen.checks:
        return None
    if check in places:
        phase, where = places[check]
        if operation_id not in where:
            return ""
        if check in not_run:
            return not_run[check]
        return None if phase in seen.phases else f"the {phase} phase sent it no request"
    if check in not_run:
        return not_run[check]
    if not seen.requests:
        return "no request reached this operation"
    if ENGINE not in seen.phases:
        return "the engine sent this operation no case (only the runner's own requests)"
    if CHECKS[check].single_answer:
        return "it judged no answer of this operation"
    return "the engine did not run it on this operation"


def phase_places(spec: Mapping[str, Any]) -> dict[str, tuple[str, frozenset[str]]]:
    """For each check a phase of the runner's own runs: (its phase, the operations where it
    applies), as each phase derives them from the spec."""
    probes: dict[str, set[str]] = {}
    for slot in slots(spec):
        for kind, applies in _PROBES.items():
            if applies(slot.schema):
                probes.setdefault(CHECK_OF_KIND[kind], set()).add(slot.operation_id)
    found = {check: (PROBES, frozenset(ops)) for check, ops in probes.items()}
    found[scope.CHECK] = (SCOPE, frozenset({scope.CREATE, scope.LIST}) & _ids(spec))
    found |= {check: (BEHAVIOUR, ops) for check, ops in behaviour_places(spec).items()}
    return found


#: The boundary probes by kind (probes.CHECK_OF_KIND), and the schemas each kind probes.
_PROBES: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "maximum": lambda schema: bool(integers(schema)[0]),
    "minimum": lambda schema: bool(integers(schema)[1]),
    "maxLength": lambda schema: bool(lengths(schema)),
    "maxItems": lambda schema: bool(item_counts(schema)),
    "unicode": lambda schema: bool(unicode_probes(schema)),
}


def _ids(spec: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(oid for oid, _, _, _ in operations(spec))


def inputs_of(case: Case[Any]) -> list[str]:
    """The inputs a case carries, named as documented_inputs names them."""
    found = [f"path {name}" for name in case.path_parameters or {}]
    found += [f"query {name}" for name in case.query or {}]
    found += [f"header {name.lower()}" for name in case.headers or {}]
    found += [f"cookie {name}" for name in case.cookies or {}]
    if isinstance(case.body, Mapping | list):
        found += [f"body {pointer}" for pointer in _pointers(case.body, "", 0)]
    return found


def _pointers(value: Any, at: str, depth: int) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, Mapping):
        for name, item in value.items():
            yield f"{at}/{name}"
            yield from _pointers(item, f"{at}/{name}", depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _pointers(item, f"{at}/*", depth + 1)


def documented_inputs(path: str, method: str, spec: Mapping[str, Any]) -> list[str]:
    """An operation's parameters (`path id`, `header x-y`) and request-body properties by
    pointer (`body /token/email`), in the spec's order."""
    item = spec["paths"][path]
    operation = item[method.lower()]
    found: list[str] = []
    for raw in [*item.get("parameters", []), *operation.get("parameters", [])]:
        parameter, _ = resolve(raw, "", spec)
        if isinstance(parameter, Mapping) and "name" in parameter:
            where, name = str(parameter.get("in")), str(parameter["name"])
            found.append(f"{where} {name.lower() if where == 'header' else name}")
    body, _ = resolve(operation.get("requestBody"), "", spec)
    media = body.get("content", {}).get("application/json") if isinstance(body, Mapping) else None
    if isinstance(media, Mapping):
        pointers = _schema_pointers(media.get("schema"), "", spec, 0)
        found += [f"body {pointer}" for pointer in pointers]
    return list(dict.fromkeys(found))


def _schema_pointers(raw: Any, at: str, spec: Mapping[str, Any], depth: int) -> Iterator[str]:
    node, _ = resolve(raw, "", spec)
    if not isinstance(node, Mapping) or depth > _MAX_DEPTH:
        return
    for name, sub in (node.get("properties") or {}).items():
        yield f"{at}/{name}"
        yield from _schema_pointers(sub, f"{at}/{name}", spec, depth + 1)
    if isinstance(node.get("items"), Mapping):
        yield from _schema_pointers(node["items"], f"{at}/*", spec, depth + 1)


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def _documented(status: int, documented: list[str]) -> bool:
    return any(_matches(key, status) for key in documented if key != "default")


def _matches(key: str, status: int) -> bool:
    key = key.upper()
    if len(key) == 3 and key.endswith("XX"):
        return str(status)[0] == key[0]
    return key == str(status)


def _observes(key: str, statuses: set[int], documented: list[str]) -> bool:
    """Whether a documented response key was answered (`default`: by a status no other key
    documents)."""
    if key == "default":
        return any(not _documented(status, documented) for status in statuses)
    return any(_matches(key, status) for status in statuses)


def _machine(operation: Mapping[str, Any], spec: Mapping[str, Any]) -> Machine | None:
    """The lifecycle machine of an operation's 2xx answers (an item, or a list's items)."""
    for status, raw in (operation.get("responses") or {}).items():
        if not str(status).startswith("2"):
            continue
        response, _ = resolve(raw, "", spec)
        content = response.get("content", {}) if isinstance(response, Mapping) else {}
        media = content.get("application/json") if isinstance(content, Mapping) else None
        schema, _ = resolve(media.get("schema") if isinstance(media, Mapping) else None, "", spec)
        if not isinstance(schema, Mapping):
            continue
        items, _ = resolve(properties(schema, spec).get("response", {}).get("items"), "", spec)
        for candidate in (schema, items):
            if isinstance(candidate, Mapping) and (found := machine_of(candidate, spec)):
                return found
    return None


def _states(machine: Machine, body: Any) -> set[str]:
    """The known lifecycle states in an answer's body (an item, or a list's items)."""
    items = body.get("response") if isinstance(body, Mapping) else None
    bodies = items if isinstance(items, list) else [body]
    states = {str(b.get(machine.field)) for b in bodies if isinstance(b, Mapping)}
    return states & set(machine.states)


def _json(response: Response) -> Any:
    try:
        return response.json()
    except (ValueError, TypeError):
        return None
