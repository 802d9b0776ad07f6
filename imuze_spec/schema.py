"""A schema as the rules see it: `$ref`s followed, `allOf` merged, types as sets.

`allOf` is merged into one schema (properties and required unioned, the tighter bound of
each constraint kept), so that moving properties between a schema and an `allOf` branch
is no change. Merges are memoised per node, which also keeps recursive schemas finite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imuze_ext._responses import json_type

from .load import Node, Spec

ALL_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})
UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
DOC_KEYS = ("description", "summary", "example", "examples", "title", "externalDocs")


@dataclass(frozen=True)
class Resolved:
    """A schema with its refs followed and allOf merged; `ref` is the component it came from."""

    node: Node
    ref: str | None


class Schemas:
    """Resolves and merges the schemas of one spec, memoised."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._merged: dict[int, Node] = {}

    def resolve(self, node: Any) -> Resolved:
        """Follow refs, then merge allOf (recursively)."""
        target, ref = self.spec.deref(node)
        if not isinstance(target, dict):
            return Resolved({}, ref)
        return Resolved(self._merge(target), ref)

    def _merge(self, node: Node) -> Node:
        if "allOf" not in node:
            return node
        key = id(node)
        cached = self._merged.get(key)
        if cached is not None:
            return cached
        merged: Node = {k: v for k, v in node.items() if k != "allOf"}
        self._merged[key] = merged  # a cycle through allOf meets the partial merge, not itself
        for branch in node.get("allOf") or []:
            part = self.resolve(branch).node
            _merge_into(merged, part)
        return merged


def _merge_into(into: Node, part: Node) -> None:
    for key, value in part.items():
        if key == "properties":
            props = dict(into.get("properties") or {})
            for name, schema in (value or {}).items():
                props[name] = {"allOf": [props[name], schema]} if name in props else schema
            into["properties"] = props
        elif key == "required":
            into["required"] = sorted(set(into.get("required") or []) | set(value or []))
        elif key in UPPER_BOUNDS and key in into:
            into[key] = min(into[key], value)
        elif key in LOWER_BOUNDS and key in into:
            into[key] = max(into[key], value)
        elif key == "type" and key in into:
            into[key] = sorted(intersect(types_of({"type": into[key]}), types_of({"type": value})))
        elif key == "enum" and key in into:
            into[key] = [v for v in into[key] if v in value]
        elif key not in into:
            into[key] = value


def types_of(schema: Node) -> frozenset[str]:
    """The JSON types a schema admits, `null` included when nullable (3.0 or 3.1 spelling)."""
    raw = schema.get("type")
    if raw is None:
        if "enum" in schema:
            found = {json_type(v) for v in schema["enum"]}
            return frozenset(found)
        if "const" in schema:
            return frozenset({json_type(schema["const"])})
        if "properties" in schema:
            base = {"object"}
        elif "items" in schema:
            base = {"array"}
        else:
            return ALL_TYPES
    else:
        base = {raw} if isinstance(raw, str) else set(raw)
    if schema.get("nullable") is True:
        base.add("null")
    return frozenset(base)


def intersect(one: frozenset[str], other: frozenset[str]) -> frozenset[str]:
    """The types both admit: an integer is a number, so number and integer meet in integer."""
    both = set(one & other)
    if ("number" in one and "integer" in other) or ("integer" in one and "number" in other):
        both.add("integer")
    return frozenset(both)


def widens(old: frozenset[str], new: frozenset[str]) -> bool:
    """Whether `new` admits every value `old` does (an integer is a number)."""
    return all(t in new or (t == "integer" and "number" in new) for t in old)


def is_open_string(schema: Node) -> bool:
    """A branch that admits any string: it makes its sibling enums extensible."""
    constraint_keys = ("enum", "const", "pattern", "format", "maxLength", "minLength")
    return types_of(schema) >= {"string"} and not any(k in schema for k in constraint_keys)


def component_name(ref: str | None) -> str | None:
    """`#/components/schemas/Song` -> `Song`."""
    return ref.rsplit("/", 1)[-1] if ref else None
