"""Spec edits as Overlay 1.0 actions, gathered so that each node is edited once.

Only the two edits the Overlay 1.0 text defines without ambiguity are used: merging an object
into an object node, and appending one entry to an array node. A primitive is changed by
merging into the object that holds it (`type: string` becomes `type: [string, "null"]`), a
`$ref` is re-pointed the same way, and an array grows by appending to the array itself, never
by merging an array into an array (which the 1.0 text leaves open). So any conforming
implementation applies the proposal the same way.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from .propose_spec import Located
from .report import Deviation


@dataclass
class Action:
    """One Overlay action: where, the update, the deviations it answers and what it does."""

    target: Located
    update: Any
    what: list[str] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)

    def answers(self, deviation: Deviation, what: str) -> None:
        """Note that this edit answers `deviation`, by doing `what`."""
        if what not in self.what:
            self.what.append(what)
        if all(d is not deviation for d in self.deviations):
            self.deviations.append(deviation)


@dataclass
class _ErrorBodies:
    """The observed error shapes of one response schema (a `$ref` to the spec's Error)."""

    schema: Located
    name: str
    shapes: list[dict[str, Any]] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)


class Edits:
    """The proposal's actions, keyed by target, merged when two deviations edit one node."""

    def __init__(self, schema_names: set[str]) -> None:
        self._actions: dict[str, Action] = {}
        self._bodies: dict[str, _ErrorBodies] = {}
        self._names = set(schema_names)

    def merge(
        self, target: Located, fragment: dict[str, Any], deviation: Deviation, what: str
    ) -> None:
        """Merge `fragment` into the object at `target` (`type` lists are united)."""
        action = self._actions.get(target.target)
        if action is None:
            action = self._actions[target.target] = Action(target, copy.deepcopy(fragment))
        else:
            for key, value in fragment.items():
                old = action.update.get(key)
                if key == "type" and isinstance(old, list) and isinstance(value, list):
                    action.update[key] = old + [item for item in value if item not in old]
                elif isinstance(old, dict) and isinstance(value, dict):
                    action.update[key] = {**old, **copy.deepcopy(value)}
                else:
                    action.update[key] = copy.deepcopy(value)
        action.answers(deviation, what)

    def append(self, target: Located, entry: Any, deviation: Deviation, what: str) -> None:
        """Append `entry` to the array at `target` (once, however many deviations ask)."""
        key = f"{target.target} {json.dumps(entry, sort_keys=True)}"
        action = self._actions.setdefault(key, Action(target, copy.deepcopy(entry)))
        action.answers(deviation, what)

    def error_body(
        self, schema: Located, owner: str, shape: dict[str, Any], deviation: Deviation
    ) -> None:
        """`schema` (a `$ref` to Error) also allows the observed `shape`: a named `anyOf`."""
        bodies = self._bodies.get(schema.target)
        if bodies is None:
            bodies = self._bodies[schema.target] = _ErrorBodies(schema, self._fresh(owner))
        if shape not in bodies.shapes:
            bodies.shapes.append(shape)
        if all(d is not deviation for d in bodies.deviations):
            bodies.deviations.append(deviation)

    def actions(self, schemas: Located | None) -> list[Action]:
        """Every action: the new schemas first (at `schemas`, `components.schemas`).

        Each observed error shape becomes one named schema (`ObservedErrorBody`), shared by
        every response that answered it; each response's schema becomes a named `anyOf` of
        the spec's schema and the shapes seen there, so that a spec-exact body still passes.
        """
        if not self._bodies or schemas is None:
            return list(self._actions.values())
        new: dict[str, Any] = {}
        shapes: dict[str, str] = {}  # canonical JSON of a shape -> its schema name
        every = Action(schemas, new)
        repoint: list[Action] = []
        for bodies in self._bodies.values():
            refs = []
            for shape in bodies.shapes:
                key = json.dumps(shape, sort_keys=True)
                if key not in shapes:
                    shapes[key] = self._fresh(_shape_name(shape))
                    new[shapes[key]] = {
                        "description": "An error body the server answered.",
                        **shape,
                    }
                refs.append({"$ref": f"#/components/schemas/{shapes[key]}"})
            ref = bodies.schema.node["$ref"]
            old = ref.rsplit("/", 1)[-1]
            new[bodies.name] = {
                "description": f"{old}, or the body the server was seen to answer instead.",
                "anyOf": [{"$ref": ref}, *refs],
            }
            action = Action(bodies.schema, {"$ref": f"#/components/schemas/{bodies.name}"})
            for deviation in bodies.deviations:
                action.answers(deviation, f"allow the observed error body beside {old}")
                every.answers(deviation, "add the observed error bodies as schemas")
            repoint.append(action)
        return [every, *self._actions.values(), *repoint]

    def _fresh(self, owner: str) -> str:
        name, n = owner, 2
        while name in self._names:
            name, n = f"{owner}{n}", n + 1
        self._names.add(name)
        return name


def _shape_name(shape: dict[str, Any]) -> str:
    """`ObservedErrorBody` for `{error: string}`: named after its fields."""
    fields = "".join(
        part.capitalize() for name in shape.get("properties", {}) for part in name.split("_")
    )
    return f"Observed{fields}Body"
