"""The status machine the spec declares (`x-imuze-lifecycle`), and what an observed history of
one resource breaks: a transition it does not allow, a terminal state left, a field the state
does not imply.

Pure: the spec in, findings out. behave.py observes the created resources and asks here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from .behave_places import properties
from .probe_values import resolve

EXTENSION = "x-imuze-lifecycle"


@dataclass(frozen=True)
class Machine:
    """States with the fields each implies, allowed transitions, terminal states, the bound."""

    field: str
    states: Mapping[str, Mapping[str, str]]
    transitions: frozenset[tuple[str, str]]
    terminal: frozenset[str]
    bound_seconds: float


def machines(spec: Mapping[str, Any]) -> Iterator[tuple[str, Machine]]:
    """(schema name, machine) for every schema with a property whose schema declares one."""
    for name, schema in (spec.get("components", {}).get("schemas") or {}).items():
        for prop_name, node in (schema.get("properties") or {}).items():
            resolved, _ = resolve(node, "", spec)
            declared = resolved.get(EXTENSION) if isinstance(resolved, Mapping) else None
            if isinstance(declared, Mapping):
                yield str(name), _machine(str(prop_name), declared)


def _machine(field: str, declared: Mapping[str, Any]) -> Machine:
    return Machine(
        field,
        {str(k): dict(v or {}) for k, v in declared.get("states", {}).items()},
        frozenset((str(a), str(b)) for a, b in declared.get("transitions", [])),
        frozenset(str(state) for state in declared.get("terminal", [])),
        float(declared.get("bound_seconds", 0)),
    )


def machine_of(schema: Mapping[str, Any], spec: Mapping[str, Any]) -> Machine | None:
    """The machine of a read model (by its properties), or None."""
    for name, prop in properties(schema, spec).items():
        declared = prop.get(EXTENSION)
        if isinstance(declared, Mapping):
            return _machine(name, declared)
    return None


def field_findings(machine: Machine, body: Mapping[str, Any]) -> list[str]:
    """What a body's fields break of what its state implies (an unknown state implies none)."""
    state = body.get(machine.field)
    found = []
    for name, implied in machine.states.get(str(state), {}).items():
        if name not in body:
            continue
        if (implied == "null") != (body[name] is None):
            found.append(f"{name} {body[name]!r} while {state} (implies {name} {implied})")
    return found


def transition_findings(machine: Machine, history: list[str]) -> list[str]:
    """What a history of known states breaks: a transition not allowed, a terminal state left."""
    known = [state for state in history if state in machine.states]
    found = []
    for before, after in pairwise(known):
        if before == after:
            continue
        if before in machine.terminal:
            found.append(f"{before} (terminal) then {after}")
        elif (before, after) not in machine.transitions:
            found.append(f"{before} then {after}, a transition the spec does not allow")
    return found
