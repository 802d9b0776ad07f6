"""Walking an OpenAPI document: a deep copy, and every object a normalization rewrites, by kind.

Both are iterative (no recursion, whatever the depth) and visit a shared node once, so a YAML
alias used in many places is copied and rewritten once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Node = dict[str, Any]
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Keywords whose value is one subschema, a list of subschemas, or a map of them.
_ONE: tuple[str, ...] = (
    "items",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
)
_ONE += ("additionalProperties", "unevaluatedProperties", "unevaluatedItems")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs")


def copy_tree(root: Any) -> Any:
    """A deep copy of a JSON-like tree, iteratively (a shared YAML alias is copied once)."""
    memo: dict[int, Any] = {}

    def fresh(node: Any) -> Any:
        if isinstance(node, dict | list):
            if id(node) not in memo:
                memo[id(node)] = {} if isinstance(node, dict) else [None] * len(node)
                stack.append(node)
            return memo[id(node)]
        return node

    stack: list[Any] = []
    top = fresh(root)
    while stack:
        node = stack.pop()
        into = memo[id(node)]
        if isinstance(node, dict):
            for key, value in node.items():
                into[str(key) if isinstance(key, int) else key] = fresh(value)
        else:
            for index, value in enumerate(node):
                into[index] = fresh(value)
    return top


def walk(doc: Node) -> Iterator[tuple[Node, str]]:
    """Every object of the document whose meaning a row rewrites, with its kind; iterative.
    A node is yielded before its children are pushed, so a row may rewrite its children."""
    stack: list[tuple[Any, str]] = [(doc, "document")]
    seen: set[tuple[int, str]] = set()
    while stack:
        node, kind = stack.pop()
        if not isinstance(node, dict) or (id(node), kind) in seen:
            continue
        seen.add((id(node), kind))
        if kind in ("schema", "parameter", "responses", "content", "headers", "operation"):
            yield node, kind
        stack.extend(_children(node, kind))


def _children(node: Node, kind: str) -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = []
    if kind == "schema":
        out += [(node.get(key), "schema") for key in _ONE]
        for key in _MANY:
            out += [(item, "schema") for item in _items(node.get(key)) if isinstance(item, dict)]
        for key in _MAP:
            value = node.get(key)
            out += [(item, "schema") for item in _values(value)]
        return out
    if kind == "document":
        components = node.get("components")
        components = components if isinstance(components, dict) else {}
        maps = {
            "schemas": "schema",
            "parameters": "parameter",
            "responses": "response",
            "requestBodies": "body",
            "headers": "parameter",
            "pathItems": "path-item",
            "callbacks": "callback",
        }
        for key, sub in maps.items():
            out += [(item, sub) for item in _values(components.get(key))]
        for key in ("paths", "webhooks"):
            out += [(item, "path-item") for item in _values(node.get(key))]
        return out
    if kind == "path-item":
        out += [(p, "parameter") for p in _items(node.get("parameters"))]
        out += [(node.get(m), "operation") for m in _METHODS]
    elif kind == "operation":
        out += [(p, "parameter") for p in _items(node.get("parameters"))]
        out += [(node.get("requestBody"), "body"), (node.get("responses"), "responses")]
        out += [(cb, "callback") for cb in _values(node.get("callbacks"))]
    elif kind == "callback":
        out += [(item, "path-item") for item in _values(node)]
    elif kind == "responses":
        out += [(item, "response") for item in _values(node)]
    elif kind in ("response", "body"):
        out += [(node.get("content"), "content"), (node.get("headers"), "headers")]
    elif kind == "headers":
        out += [(item, "parameter") for item in _values(node)]
    elif kind == "content":
        out += [(item, "media-type") for item in _values(node)]
    elif kind == "media-type":
        out.append((node.get("schema"), "schema"))
        for encoding in _values(node.get("encoding")):
            if isinstance(encoding, dict):
                out.append((encoding.get("headers"), "headers"))
    elif kind == "parameter":
        out += [(node.get("schema"), "schema"), (node.get("content"), "content")]
    return out


def _items(value: Any) -> list[Any]:
    """A list's items; nothing for anything else (a malformed spec is the comparison's to name)."""
    return value if isinstance(value, list) else []


def _values(value: Any) -> list[Any]:
    """A mapping's values; nothing for anything else."""
    return list(value.values()) if isinstance(value, dict) else []
