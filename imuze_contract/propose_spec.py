"""Where a deviation lives in the spec as written: the node, and its RFC 9535 JSONPath.

A deviation names an operation, a status and a body pointer; a spec edit needs the node that
says it, which is often elsewhere (a shared response under `components`, a schema behind a
`$ref`). `Located` walks the spec along the same references a validator follows, keeping the
path of each node it reaches, so that the proposal's target is that node's normalized path
and the edit lands where the rule is written, not on a copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jsonpath

from imuze_ext._responses import json_type

Part = str | int
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# RFC 9535, 2.7: a normalized path escapes these in a name selector.
_ESCAPES = {
    "'": "\\'",
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_STRICT = jsonpath.JSONPathEnvironment(strict=True)


class TargetError(Exception):
    """A proposed target that does not select exactly the node it was written for."""


@dataclass(frozen=True)
class Located:
    """A node of the spec and the path of keys that reaches it from the document's root."""

    parts: tuple[Part, ...]
    node: Any

    @property
    def target(self) -> str:
        """The node's normalized path (RFC 9535, 2.7): `$['paths']['/songs']['post']`."""
        return "$" + "".join(_segment(part) for part in self.parts)

    def __getitem__(self, key: Part) -> Located:
        """The child under `key`; KeyError when there is none."""
        found = self.child(key)
        if found is None:
            raise KeyError(key)
        return found

    def child(self, key: Part) -> Located | None:
        """The child under `key`, when there is one."""
        node = self.node
        if isinstance(node, Mapping) and isinstance(key, str) and key in node:
            return Located((*self.parts, key), node[key])
        if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            return Located((*self.parts, key), node[key])
        return None


def _segment(part: Part) -> str:
    if isinstance(part, int):
        return f"[{part}]"
    escaped = "".join(_ESCAPES.get(char, char) for char in part)
    escaped = re.sub(r"[\x00-\x1f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f"['{escaped}']"


def check_target(doc: Any, located: Located) -> None:
    """The target selects exactly one node of `doc`, and it is `located`'s: else TargetError."""
    matches = list(_STRICT.finditer(located.target, doc))
    if len(matches) != 1 or matches[0].obj is not located.node:
        raise TargetError(f"{located.target} selects {len(matches)} node(s), not the one meant")


class SpecMap:
    """The spec's nodes by what a deviation names: operation, response, media type, pointer."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.root = Located((), doc)

    def deref(self, located: Located) -> Located:
        """Follow local `$ref`s to the node they name (the node itself when it is none)."""
        seen: set[str] = set()
        while isinstance(located.node, Mapping) and isinstance(located.node.get("$ref"), str):
            ref = located.node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                return located
            seen.add(ref)
            target: Located | None = self.root
            for raw in ref[2:].split("/"):
                key = raw.replace("~1", "/").replace("~0", "~")
                target = target.child(key) if target is not None else None
            if target is None:
                return located
            located = target
        return located

    def operation(self, operation_id: str) -> Located | None:
        """The operation with this operationId (or `METHOD /path` label)."""
        paths = self.root.child("paths")
        if paths is None or not isinstance(paths.node, Mapping):
            return None
        for path in paths.node:
            item = paths.child(path)
            for method in _METHODS:
                op = item.child(method) if item is not None else None
                if op is None or not isinstance(op.node, Mapping):
                    continue
                label = f"{method.upper()} {path}"
                if operation_id in (op.node.get("operationId"), label):
                    return op
        return None

    def responses(self, operation: Located) -> Located | None:
        """The operation's `responses` object."""
        return operation.child("responses")

    def response(self, operation: Located, status: int) -> Located | None:
        """The response documented for `status` (or its `NXX` range, or `default`), resolved."""
        responses = self.responses(operation)
        if responses is None:
            return None
        for key in (str(status), f"{status // 100}XX", "default"):
            found = responses.child(key)
            if found is not None:
                return self.deref(found)
        return None

    def success_code(self, operation: Located) -> str | None:
        """The lowest documented 2xx status of the operation."""
        responses = self.responses(operation)
        codes = sorted(
            str(key) for key in (responses.node if responses is not None else {})
            if str(key).isdigit() and str(key).startswith("2")
        )  # fmt: skip
        return codes[0] if codes else None

    def media(self, response: Located, media_type: str = "application/json") -> Located | None:
        """The response's media type object (JSON's by default)."""
        content = response.child("content")
        return content.child(media_type) if content is not None else None

    def request_schema(self, operation: Located) -> Located | None:
        """The JSON request body's schema."""
        body = operation.child("requestBody")
        body = self.deref(body) if body is not None else None
        media = self.media(body) if body is not None else None
        return media.child("schema") if media is not None else None

    def parameter_schema(self, operation: Located, name: str) -> Located | None:
        """The schema of the operation's parameter `name` (path-item parameters too)."""
        item = Located(operation.parts[:-1], self._node(operation.parts[:-1]))
        for owner in (operation, item):
            parameters = owner.child("parameters")
            if parameters is None or not isinstance(parameters.node, list):
                continue
            for index in range(len(parameters.node)):
                found = parameters.child(index)
                parameter = self.deref(found) if found is not None else None
                if parameter is not None and parameter.node.get("name") == name:
                    return parameter.child("schema")
        return None

    def schema_at(self, schema: Located, pointer: Sequence[str]) -> Located | None:
        """The schema node that judges the value at `pointer` (`*` for array items)."""
        node = self.deref(schema)
        for part in pointer:
            step = self._step(node, part)
            if step is None:
                return None
            node = self.deref(step)
        return node

    def _step(self, node: Located, part: str) -> Located | None:
        if part == "*":
            return node.child("items")
        properties = node.child("properties")
        found = properties.child(part) if properties is not None else None
        if found is not None:
            return found
        for combinator in ("allOf", "anyOf", "oneOf"):
            members = node.child(combinator)
            for index in range(len(members.node) if members is not None else 0):
                member = members.child(index) if members is not None else None
                inner = self._step(self.deref(member), part) if member is not None else None
                if inner is not None:
                    return inner
        return None

    def _node(self, parts: Sequence[Part]) -> Any:
        node: Located | None = self.root
        for part in parts:
            node = node.child(part) if node is not None else None
        return node.node if node is not None else None


def schema_of(value: Any, key: str | None = None) -> dict[str, Any]:
    """A JSON Schema for the shape of one observed value.

    Rails' validation errors (`{"errors": {"title": [...]}}`) are keyed by whichever field
    failed: their keys are not fields of the shape, so they become `additionalProperties`.
    """
    if isinstance(value, Mapping):
        if key == "errors" and value:
            first = next(iter(value.values()))
            return {"type": "object", "additionalProperties": schema_of(first)}
        return {
            "type": "object",
            "required": [str(name) for name in value],
            "properties": {str(name): schema_of(item, str(name)) for name, item in value.items()},
        }
    if isinstance(value, list):
        return {"type": "array", "items": schema_of(value[0])} if value else {"type": "array"}
    return {"type": json_type(value)}
