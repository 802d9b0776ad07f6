"""Walking a spec document in the tests: its schemas, operations and parameters, each once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Doc = dict[str, Any]
METHODS = ("get", "put", "post", "delete", "patch")


def schemas(doc: Doc) -> Iterator[dict[str, Any]]:
    """Every schema object of the document (components, parameters, bodies, responses), each
    once, with the subschemas of each."""
    roots: list[Any] = list((doc.get("components", {}).get("schemas") or {}).values())
    for param in parameters(doc):
        roots.append(param.get("schema"))
    for op in operations(doc):
        body = op.get("requestBody") or {}
        roots += [media.get("schema") for media in (body.get("content") or {}).values()]
        for response in (op.get("responses") or {}).values():
            roots += [m.get("schema") for m in (response.get("content") or {}).values()]
    stack, seen = roots, set()
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack += list((node.get("properties") or {}).values())
        stack += [node.get(k) for k in ("items", "additionalProperties", "not")]
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            stack += list(node.get(key) or [])


def operations(doc: Doc) -> Iterator[dict[str, Any]]:
    for item in (doc.get("paths") or {}).values():
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield item[method]


def parameters(doc: Doc) -> Iterator[dict[str, Any]]:
    found = [p for p in (doc.get("components", {}).get("parameters") or {}).values()]
    for item in (doc.get("paths") or {}).values():
        found += list(item.get("parameters") or [])
        for method in METHODS:
            found += list((item.get(method) or {}).get("parameters") or [])
    seen = set()
    for param in found:
        if isinstance(param, dict) and "$ref" not in param and id(param) not in seen:
            seen.add(id(param))
            yield param


def types_of(node: dict[str, Any]) -> list[str]:
    raw = node.get("type")
    return [raw] if isinstance(raw, str) else list(raw or [])
