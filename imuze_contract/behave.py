"""The behavioural phase: what the API does between answers, at the places the spec names.

For every create of the spec (behave_places.py): the create with the spec's example, then a
read of what it made (its item and its list: read-your-writes), every shared property compared
with what was sent (round trip, minus the transformations the spec declares), and a second
create carrying every field only the server sets (mass assignment). For every list: each item
the lister is shown is read back. One foreign-Origin request for CORS; with two users, another
user's resource against a missing one. Then the links every answer carried (behave_links.py),
the inputs no fuzzer sends (behave_inputs.py), and the tokens of MIN_TOKENS logins (tokens.py).
The requests it adds are bounded (PER_CREATE, PER_LIST, PER_LINK, PER_PATH, PER_BODY,
MIN_TOKENS logins) and the report says how many it sent.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from schemathesis.core.transport import Response

from .behave_inputs import input_places_of_checks, probe_inputs
from .behave_links import Links, follow_links, link_places_of_checks
from .behave_places import (
    CreatePlace,
    ListPlace,
    create_places,
    item_schema,
    list_places,
    properties,
    round_trip_fields,
    secured,
    server_owned,
    transforms,
)
from .check_table import row_of
from .collect import Collector
from .lifecycle import field_findings, machine_of, transition_findings
from .probe_values import operations, resolve
from .report import Deviation
from .session import Session, step_of
from .steps import Step
from .target import User
from .tokens import MIN_TOKENS, token_findings

#: Reads of a created resource after the first, to observe its lifecycle, LIFECYCLE_PAUSE apart.
LIFECYCLE_POLLS = 2
LIFECYCLE_PAUSE = 0.1
#: Requests per created resource: the create, its item read, its list, its lifecycle polls;
#: and the mass-assignment create with its item read.
PER_CREATE = 5 + LIFECYCLE_POLLS
#: Reads of one created resource, SETTLE_PAUSE apart, until it is terminal and its media
#: are served (spec: Media), before its links are fetched: at most once per run.
SETTLE_POLLS = 10
SETTLE_PAUSE = 0.2
#: Listed items read back per list (the run's own first).
LISTED_READS = 3
PER_LIST = 1 + LISTED_READS
#: An id no server of a test run has (for "missing" in missing_and_foreign_alike).
MISSING_ID = 2_000_000_000
FOREIGN_ORIGIN = "https://foreign-origin.invalid"
_URI_SENTINEL = "https://mass-assignment.invalid/imuze-contract"
_TEXT_SENTINEL = "imuze-contract-mass-assignment"
_INT_SENTINEL = 987_654_321


@dataclass
class Behaviour:
    """What the phase did: its requests, and why a check could not run."""

    sent: int = 0
    not_run: list[tuple[str, str]] = field(default_factory=list)
    created: dict[str, list[int]] = field(default_factory=dict)
    #: The resources seen in a terminal state of their lifecycle.
    terminal: int = 0
    #: The requests of the creates and what follows each (reads, polls, mass assignment).
    create_requests: int = 0


LOGIN_OPERATION = "createToken"
"""The login the token check repeats until the run holds MIN_TOKENS tokens."""


def behaviour_places(spec: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """The operations where each check of this phase applies (it sends there and judges
    what they answer), from the same places the phase reads: the run's coverage."""
    creates = list(create_places(spec))
    lists = [place for place in list_places(spec) if place.item_id is not None]
    made = {p.create_id for p in creates} | {p.item_id for p in creates}
    touched = made | {p.list_id for p in creates if p.list_id is not None}
    cycles = {
        oid for p in creates if machine_of(p.reads[p.item_id], spec) is not None
        for oid in (p.create_id, p.item_id, p.list_id) if oid is not None
    }  # fmt: skip
    listed = {p.list_id for p in lists} | {str(p.item_id) for p in lists}
    return {
        "read_your_writes": frozenset(touched), "round_trip": frozenset(touched),
        "server_owned_fields_ignored": frozenset(made),
        "lifecycle_transition_allowed": frozenset(cycles),
        "lifecycle_fields_match_state": frozenset(cycles),
        "lifecycle_reaches_terminal": frozenset(cycles),
        "listed_items_readable": frozenset(listed),
        "missing_and_foreign_alike": frozenset(p.item_id for p in creates),
        "tokens_unguessable": frozenset({LOGIN_OPERATION}) & _operation_ids(spec),
        **link_places_of_checks(spec), **input_places_of_checks(spec),
    }  # fmt: skip


def _operation_ids(spec: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(operation_id for operation_id, _, _, _ in operations(spec))


def probe_behaviour(session: Session, collector: Collector) -> Behaviour:
    """Run every behavioural check at every place of the spec; report what it finds."""
    spec = session.schema.raw_schema
    phase = Phase(session, collector, spec)
    for place in create_places(spec):
        phase.follow_create(place)
        phase.mass_assignment(place)
    phase.done.create_requests = phase.done.sent
    for listed in list_places(spec):
        phase.listed_readable(listed)
    phase.cors()
    phase.missing_and_foreign()
    phase.settle()
    follow_links(phase, phase.links)
    probe_inputs(phase, phase.known_ids())
    phase.tokens()
    if phase.done.created and not phase.done.terminal:
        phase.done.not_run.append(("lifecycle_reaches_terminal", "no created resource reached "
                                   "a terminal state while the run watched it"))  # fmt: skip
    return phase.done


class Phase:
    def __init__(self, session: Session, collector: Collector, spec: Mapping[str, Any]) -> None:
        self.session, self.collector, self.spec = session, collector, spec
        self.labels = {oid: f"{method} {path}" for oid, method, path, _ in operations(spec)}
        self.done = Behaviour()
        self.users = [user.name for user in session.target.users]
        self.base_url = session.target.base_url.rstrip("/")
        self.links = Links(self.base_url)
        #: The ids each list showed its lister (by the item read's operationId).
        self.listed: dict[str, list[int]] = {}
        #: Created resources not seen terminal: (place, id, their first reads).
        self.pending: list[tuple[CreatePlace, int, Mapping[str, tuple[Response, Any]]]] = []

    def send(self, operation_id: str, **kwargs: Any) -> Response:
        self.done.sent += 1
        return self.session.send(operation_id, user=kwargs.pop("user", self.users[0]), **kwargs)

    def raw(
        self, operation_id: str, method: str, url: str, *, user: str | None = "",
        headers: dict[str, str] | None = None, data: bytes | None = None,
    ) -> Response | None:  # fmt: skip
        """A request no operation of the spec describes (another method, a link, raw bytes),
        sent through the run's transport as `user` ("": the first); None when unanswered."""
        self.done.sent += 1
        as_user = self.users[0] if user == "" else user
        # The URL is sent as given; the operation's path parameters only have to be filled.
        template = self.session.operation(operation_id).path
        path = {name: 0 for name in re.findall(r"{([^}]+)}", template)}
        case = self.session.case(operation_id, user=as_user, path=path)
        # Given to the call, not the case: a case's Accept gives way to the transport's.
        extra: dict[str, Any] = {"method": method, "url": url, "headers": headers or {}}
        if data is not None:
            extra["data"] = data
        try:
            response = case.call(**extra)
        except Exception:  # requests' and the ASGI transport's errors alike: no answer
            return None
        if self.session.traffic is not None:  # the coverage sees it, off-spec routes too
            self.session.traffic.answer(method, url, response.status_code)
        return response

    def report(
        self, operation_id: str, check: str, response: Response | None, location: str,
        expected: str, actual: str, steps: list[Step] | None = None,
    ) -> None:  # fmt: skip
        row = row_of(check)
        if steps is None:
            steps = [self.step(response)] if response is not None else []
        deviation = Deviation(
            operation=self.labels[operation_id], operation_id=operation_id, check=check,
            status=response.status_code if response is not None else 0, location=location,
            expected=expected, actual=actual,
            fix=row.fix, curl="", code="IMZ410", title=f"Expected {row.rule}", steps=steps,
        )  # fmt: skip
        self.collector.add_deviation(deviation, f"behave-{check}-{self.done.sent}")

    def step(self, response: Response) -> Step:
        return step_of(response, self.session.secrets)

    def follow_create(self, place: CreatePlace) -> None:
        """Read-your-writes and round trip for the spec's example create."""
        body = _example(place)
        if body is None:
            self.done.not_run.append(("round_trip", f"{place.create_id} has no example body"))
            return
        created = self.send(place.create_id, body=body)
        new_id = _field(created, "id")
        if not 200 <= created.status_code < 300 or not isinstance(new_id, int):
            why = f"{place.create_id} refused the spec's example ({created.status_code})"
            self.done.not_run += [("round_trip", why), ("read_your_writes", why)]
            return
        self.done.created.setdefault(place.create_id, []).append(new_id)
        steps = [self.step(created)]
        reads = {place.create_id: (created, _json(created))}
        item = self.send(place.item_id, path={"id": new_id}, before=steps)
        if not 200 <= item.status_code < 300:
            wanted = f"the new {new_id} read back at once"
            these = [*steps, self.step(item)]
            self.report(place.item_id, "read_your_writes", item, "read", wanted,
                        f"{item.status_code}", these)  # fmt: skip
        else:
            reads[place.item_id] = (item, _json(item))
        if place.list_id is not None:
            listed = self.send(place.list_id, before=steps)
            found = [i for i in _items(listed) if isinstance(i, Mapping) and i.get("id") == new_id]
            if not found:
                these = [*steps, self.step(listed)]
                self.report(place.list_id, "read_your_writes", listed, "list",
                            f"the new {new_id} listed", "not in the list", these)  # fmt: skip
            else:
                reads[place.list_id] = (listed, found[0])
        self._compare(place, body, reads, steps)
        self.follow_lifecycle(place, new_id, reads, steps)

    def follow_lifecycle(
        self, place: CreatePlace, new_id: int, reads: Mapping[str, tuple[Response, Any]],
        steps: list[Step],
    ) -> None:  # fmt: skip
        """The created resource's states over LIFECYCLE_POLLS more reads: each transition
        allowed, a terminal state kept, each state's implied fields (x-imuze-lifecycle)."""
        machine = machine_of(place.reads[place.item_id], self.spec)
        if machine is None:
            return
        seen = [(oid, *reads[oid]) for oid in (place.item_id, place.list_id or "") if oid in reads]
        for _ in range(LIFECYCLE_POLLS):
            time.sleep(LIFECYCLE_PAUSE)
            item = self.send(place.item_id, path={"id": new_id})
            seen.append((place.item_id, item, _json(item)))
        history = []
        for operation_id, response, body in seen:
            if not isinstance(body, Mapping):
                continue
            history.append(str(body.get(machine.field)))
            for finding in field_findings(machine, body):
                these = [*steps, self.step(response)]
                self.report(operation_id, "lifecycle_fields_match_state", response,
                            f"/{machine.field}", "the fields its state implies (spec: "
                            "x-imuze-lifecycle)", finding, these)  # fmt: skip
        item_answers = [r for oid, r, _ in seen if oid == place.item_id]
        for finding in transition_findings(machine, history):
            self.report(place.item_id, "lifecycle_transition_allowed", item_answers[-1],
                        f"/{machine.field}", "the transitions the spec allows, a terminal "
                        "state kept (x-imuze-lifecycle)", finding,
                        [*steps, *(self.step(r) for r in item_answers)])  # fmt: skip
        self.done.terminal += any(state in machine.terminal for state in history)
        if history and history[-1] in machine.terminal:  # its media are served only now
            self._note_links(place, reads, seen[-1][2])
        else:
            self.pending.append((place, new_id, reads))

    def _note_links(
        self, place: CreatePlace, reads: Mapping[str, tuple[Response, Any]], last: Any
    ) -> None:
        self.links.note(place.item_id, place.reads[place.item_id], last, self.spec)
        for operation_id, (_, body) in reads.items():
            self.links.note(operation_id, place.reads[operation_id], body, self.spec)

    def note_served(self, operation_id: str, body: Any) -> None:
        """Note the links of an answer (or list item) whose resource serves them: one with
        no lifecycle, or in a terminal state of its lifecycle."""
        schema = _read_schema(self.spec, operation_id)
        machine = machine_of(schema, self.spec)
        state = body.get(machine.field) if machine and isinstance(body, Mapping) else None
        if machine is None or str(state) in machine.terminal:
            self.links.note(operation_id, schema, body, self.spec)

    def settle(self) -> None:
        """When no created resource was seen terminal, read the first one again (at most
        SETTLE_POLLS times) until it is, and note its links then."""
        noted = {link.operation_id for link in self.links.found.values()}
        if self.done.terminal or not self.pending or noted & set(self.pending[0][0].reads):
            return
        place, new_id, reads = self.pending[0]
        machine = machine_of(place.reads[place.item_id], self.spec)
        if machine is None:
            return
        for _ in range(SETTLE_POLLS):
            time.sleep(SETTLE_PAUSE)
            body = _json(self.send(place.item_id, path={"id": new_id}))
            if isinstance(body, Mapping) and str(body.get(machine.field)) in machine.terminal:
                self.done.terminal += 1
                self._note_links(place, reads, body)
                return

    def _compare(
        self, place: CreatePlace, sent: Mapping[str, Any],
        reads: Mapping[str, tuple[Response, Any]], before: list[Step],
    ) -> None:  # fmt: skip
        declared = transforms(place, self.spec)
        shared = round_trip_fields(place, self.spec)
        for operation_id, (response, body) in reads.items():
            if not isinstance(body, Mapping):
                continue
            for name in shared.get(operation_id, []):
                if name not in sent or name not in body or body[name] == sent[name]:
                    continue
                if name in declared and sent[name] == declared[name]:
                    continue  # the spec declares the server replaces this value
                steps = before if response is reads[place.create_id][0] else [
                    *before, self.step(response)]  # fmt: skip
                self.report(operation_id, "round_trip", response, f"/{name}",
                            f"{name} as sent: {_short(sent[name])}",
                            f"{name} {_short(body[name])}", steps)  # fmt: skip

    def mass_assignment(self, place: CreatePlace) -> None:
        """A create carrying every server-owned field: none may come back as sent."""
        body = _example(place)
        if body is None:
            self.done.not_run.append(("server_owned_fields_ignored", "no example body"))
            return
        planted = {name: _sentinel(prop) for name, prop in server_owned(place, self.spec).items()}
        planted = {name: value for name, value in planted.items() if value is not None}
        created = self.send(place.create_id, body={**body, **planted})
        new_id = _field(created, "id")
        if not 200 <= created.status_code < 300:
            return  # refused: what the rule asks
        steps = [self.step(created)]
        answers = [(place.create_id, created)]
        if isinstance(new_id, int):
            answers.append((place.item_id, self.send(place.item_id, path={"id": new_id})))
        for operation_id, response in answers:
            got = _json(response)
            kept = sorted(
                n for n, v in planted.items() if isinstance(got, Mapping) and got.get(n) == v
            )
            if kept:
                these = steps if response is created else [*steps, self.step(response)]
                self.report(operation_id, "server_owned_fields_ignored", response, "body",
                            "the server's own values for the fields only it sets",
                            f"the values the client sent for {', '.join(kept)}", these)  # fmt: skip

    def listed_readable(self, place: ListPlace) -> None:
        """Each item the lister sees (the run's own first, then in list order; at most
        LISTED_READS) reads 2xx."""
        if place.item_id is None:
            return
        listed = self.send(place.list_id)
        found = [i.get("id") for i in _items(listed) if isinstance(i, Mapping)]
        own = set().union(*self.done.created.values()) if self.done.created else set()
        ids = sorted((i for i in found if isinstance(i, int)), key=lambda i: i not in own)
        self.listed[place.item_id] = ids
        items = {i.get("id"): i for i in _items(listed) if isinstance(i, Mapping)}
        for item_id in ids[:LISTED_READS]:
            item = self.send(place.item_id, path={"id": item_id})
            self.note_served(place.item_id, _json(item))
            self.note_served(place.list_id, items.get(item_id))
            if not 200 <= item.status_code < 300:
                these = [self.step(listed), self.step(item)]
                self.report(place.list_id, "listed_items_readable", item, "response[].id",
                            f"listed item {item_id} readable by its lister",
                            f"{item.status_code} on its read", these)  # fmt: skip

    def cors(self) -> None:
        """One foreign-Origin request on a secured list: the CORS check judges its answer."""
        places = [place.list_id for place in list_places(self.spec)]
        chosen = [oid for oid in places if oid in set(secured(self.spec))]
        if chosen:
            self.send(chosen[0], headers={"Origin": FOREIGN_ORIGIN})

    def missing_and_foreign(self) -> None:
        """Another user's resource answers like a missing one: same status, same error."""
        if len(self.users) < 2:
            return  # reported not run by checks_of_run (two_users)
        for create_id, ids in self.done.created.items():
            item_id = next(p.item_id for p in create_places(self.spec) if p.create_id == create_id)
            foreign = self.send(item_id, path={"id": ids[0]}, user=self.users[1])
            missing = self.send(item_id, path={"id": MISSING_ID}, user=self.users[1])
            # A foreign read answered 2xx is a leak: object_level_authorization's finding.
            if 200 <= foreign.status_code < 300 or _shape(foreign) == _shape(missing):
                continue
            self.report(item_id, "missing_and_foreign_alike", foreign, "status",
                        f"the answer to a missing id: {_shape(missing)}",
                        f"{_shape(foreign)} for {self.users[0]}'s {ids[0]}",
                        [self.step(missing), self.step(foreign)])  # fmt: skip

    def known_ids(self) -> dict[str, int]:
        """An id for each templated path: the run's own created resource, else one listed."""
        found: dict[str, int] = {}
        for oid, method, path, _ in operations(self.spec):
            if method != "GET" or "{id}" not in path:
                continue
            created = [ids[0] for place in create_places(self.spec)
                       if place.item_id == oid for ids in [self.done.created.get(place.create_id)]
                       if ids]  # fmt: skip
            listed = self.listed.get(oid) or []
            if created or listed:
                found[path] = (created or listed)[0]
        return found

    def tokens(self) -> None:
        """Log a user in until the run holds MIN_TOKENS tokens; judge them (tokens.py)."""
        logging_in = [u for u in self.session.target.users if u.logs_in]
        if not logging_in:
            self.done.not_run.append(("tokens_unguessable", "the run logs in with API keys: "
                                      "it obtains no token"))  # fmt: skip
            return
        issued = [self.session.tokens[u.name] for u in logging_in if u.name in self.session.tokens]
        user, steps, answer = logging_in[0], [], None
        while len(issued) < MIN_TOKENS:
            answer = self.send(LOGIN_OPERATION, body=_login_body(user), user=None)
            token = _field(answer, "response")
            if not isinstance(token, str) or not token:
                break
            self.session.secrets.name(token, "IMUZE_TOKEN")
            issued.append(token)
            steps.append(self.step(answer))
        if len(issued) < MIN_TOKENS:
            self.done.not_run.append(("tokens_unguessable", f"the run obtained {len(issued)} "
                                      f"tokens, fewer than {MIN_TOKENS}"))  # fmt: skip
            return
        for finding in token_findings(issued):
            self.report(LOGIN_OPERATION, "tokens_unguessable", answer, "/response",
                        "tokens no one can guess", finding, steps[-2:])  # fmt: skip


def _login_body(user: User) -> dict[str, Any]:
    return {"token": {"email": user.email, "password": user.password}}


def _read_schema(spec: Mapping[str, Any], operation_id: str) -> Mapping[str, Any]:
    """The model of an item read's answer, or of a list's items."""
    operation = next(op for oid, _, _, op in operations(spec) if oid == operation_id)
    schema = item_schema(operation, spec)
    listed = properties(schema, spec).get("response", {}).get("items")
    resolved, _ = resolve(listed, "", spec)
    return (
        resolved
        if isinstance(resolved, Mapping) and "count" in schema.get("properties", {})
        else schema
    )


def _example(place: CreatePlace) -> dict[str, Any] | None:
    example = place.request.get("example")
    return dict(example) if isinstance(example, Mapping) else None


def _json(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _field(response: Response, name: str) -> Any:
    body = _json(response)
    return body.get(name) if isinstance(body, Mapping) else None


def _items(response: Response) -> list[Any]:
    items = _field(response, "response")
    return items if isinstance(items, list) else []


def _shape(response: Response) -> str:
    body = _json(response)
    # An Error's `error` is machine-readable (spec: Error); without `code` it may be prose.
    error = body.get("error") if isinstance(body, Mapping) and "code" in body else None
    keys = ",".join(sorted(body)) if isinstance(body, Mapping) else type(body).__name__
    return f"{response.status_code} {error} {{{keys}}}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _sentinel(prop: Mapping[str, Any]) -> Any:
    """A value no server chooses itself, of the property's type (None: no such value)."""
    kind = prop.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "integer" in kinds:
        return _INT_SENTINEL
    if "string" in kinds and prop.get("format") == "uri":
        return _URI_SENTINEL
    if "string" in kinds or kind is None:
        return _TEXT_SENTINEL
    return None
