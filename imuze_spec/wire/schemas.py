"""Schemas, compared in the context's direction: types, constraints, properties, and every
applicator (items, prefixItems, additional and unevaluated properties, contains,
propertyNames, patternProperties, dependentSchemas, not, if/then/else, oneOf/anyOf).

`allOf` is merged before comparing (schema.py), so moving keywords into a branch is no change.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..load import Node
from ..normalize import unfold_nullable
from ..schema import Resolved, Schemas, component_name, is_open_string, types_of
from ._record import INFO, Ctx, Recorder
from .constraints import constraints, nullability, type_change
from .properties import properties

_OPEN_WHEN_ABSENT = ("additionalProperties", "unevaluatedProperties", "unevaluatedItems")
_SCHEMA_MAPS = ("patternProperties", "dependentSchemas")
_EXTRA = {
    "additionalProperties": "additional properties",
    "unevaluatedProperties": "unevaluated properties",
    "unevaluatedItems": "unevaluated items",
}


def schema(rec: Recorder, old_raw: Any, new_raw: Any, ctx: Ctx) -> None:
    """Compare two schemas (request: the client sends it; response: it receives it)."""
    if old_raw is None or new_raw is None:
        return
    rec.deeper()
    try:
        _schema(rec, old_raw, new_raw, ctx)
    finally:
        rec.depth -= 1


def _schema(rec: Recorder, old_raw: Any, new_raw: Any, ctx: Ctx) -> None:
    rec.where = ctx.location
    before, after = rec.old.resolve(old_raw), rec.new.resolve(new_raw)
    if after.ref:
        ctx = replace(ctx, location=after.ref)
        rec.where = after.ref
    key = (id(before.node), id(after.node), ctx.direction, ctx.open_enum)
    if key in rec.seen:
        return  # a recursive schema, or one reached twice in this operation
    rec.seen.add(key)
    o, n = _aligned(before, after)
    rec.docs(o, n, ctx)
    _types(rec, o, n, ctx)
    constraints(rec, o, n, ctx)
    properties(rec, o, n, ctx, schema)
    _applicators(rec, o, n, ctx)
    for keyword in ("anyOf", "oneOf"):
        _branches(rec, keyword, o.get(keyword) or [], n.get(keyword) or [], ctx)


def _aligned(before: Resolved, after: Resolved) -> tuple[Node, Node]:
    """A schema beside one written as branches is compared branch by branch: a nullable type
    is unfolded (anyOf [X, null]), any other schema becomes the one branch of an anyOf."""
    o, n = before.node, after.node
    if _branchy(n) and not _branchy(o):
        return _as_branches(before), n
    if _branchy(o) and not _branchy(n):
        return o, _as_branches(after)
    return o, n


def _as_branches(side: Resolved) -> Node:
    unfolded = unfold_nullable(side.node)
    if unfolded is not side.node:
        return unfolded
    return {"anyOf": [{"$ref": side.ref} if side.ref else side.node]}


def _types(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    if _branchy(o) and _branchy(n):
        return  # the branches are compared one by one: a removed branch is not a retype
    told, tnew = _branch_types(rec.old, o), _branch_types(rec.new, n)
    type_change(rec, told - {"null"}, tnew - {"null"}, o, n, ctx)
    nullability(rec, told, tnew, ctx)


def _applicators(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    for key in ("items", "contains", "propertyNames", "not", "if", "then", "else"):
        _sub(rec, key, o.get(key), n.get(key), ctx)
    for key in _OPEN_WHEN_ABSENT:
        _open(rec, key, o.get(key), n.get(key), ctx)
    old_prefix, new_prefix = o.get("prefixItems") or [], n.get("prefixItems") or []
    for index in range(min(len(old_prefix), len(new_prefix))):
        schema(rec, old_prefix[index], new_prefix[index], ctx.at("prefixItems", index))
    if len(old_prefix) != len(new_prefix):
        change = f"prefixItems {len(old_prefix)} -> {len(new_prefix)} positions"
        longer = len(new_prefix) > len(old_prefix)
        rec.judge(longer, not longer, change, ctx, "prefixItems")
    for key in _SCHEMA_MAPS:
        old_m, new_m = o.get(key) or {}, n.get(key) or {}
        for name in (k for k in old_m if k in new_m):
            schema(rec, old_m[name], new_m[name], ctx.at(key, name))
        changes = [f"+{k}" for k in new_m if k not in old_m] + [
            f"-{k}" for k in old_m if k not in new_m
        ]
        if changes:
            tightened = any(c.startswith("+") for c in changes)
            relaxed = any(c.startswith("-") for c in changes)
            rec.judge(tightened, relaxed, f"{key} {', '.join(changes)}", ctx, key)


def _sub(rec: Recorder, key: str, old: Any, new: Any, ctx: Ctx) -> None:
    """A keyword holding one schema: added (tighter), removed (looser) or compared."""
    if old is None and new is None:
        return
    if key == "not" and old is not None and new is not None:
        if rec.old.resolve(old).node != rec.new.resolve(new).node:
            rec.judge(True, True, "not changed", ctx, key)  # a tighter `not` loosens: both
        return
    if key in ("if", "then", "else") and old != new:
        rec.judge(True, True, f"{key} changed (a condition is not judged part by part)", ctx, key)
        return
    if old is None or new is None or old is False or new is False:
        if old != new:
            tightened = old is None or new is False
            rec.judge(tightened, not tightened, f"{key} {_spell(old)} -> {_spell(new)}", ctx, key)
        return
    if isinstance(old, dict) and isinstance(new, dict):
        schema(rec, old, new, ctx.at(key))


def _open(rec: Recorder, key: str, old: Any, new: Any, ctx: Ctx) -> None:
    """additionalProperties and the unevaluated keywords: absent or true admits anything."""
    closed_old, closed_new = old is False, new is False
    if closed_old != closed_new:
        if ctx.request or closed_new:
            change = f"{key} {'closed' if closed_new else 'opened'}"
            if ctx.request and closed_new:
                change = f"no longer accepts {_EXTRA[key]}"
                rec.emit("request-constraint-tightened", ctx, change, key)
            else:
                rec.judge(closed_new, closed_old, change, ctx, key)
        else:  # a response opened to unknown properties: ignored, like a new property
            message = f"{key} opened: responses may carry more properties"
            rec.emit("response-constraint-widened", ctx, message, key, softened=INFO)
        return
    if isinstance(old, dict) and isinstance(new, dict):
        schema(rec, old, new, ctx.at(key))
    elif isinstance(old, dict) != isinstance(new, dict) and not (closed_old or closed_new):
        tightened = isinstance(new, dict)
        rec.judge(tightened, not tightened, f"{key} {_spell(old)} -> {_spell(new)}", ctx, key)


def _spell(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    return "a schema"


def _branch_types(schemas: Schemas, node: Node) -> frozenset[str]:
    branches = node.get("anyOf") or node.get("oneOf")
    if "type" in node or not branches:
        return types_of(node)
    found: set[str] = set()
    for branch in branches:
        found |= _branch_types(schemas, schemas.resolve(branch).node)
    return frozenset(found)


def _branchy(node: Node) -> bool:
    return "type" not in node and bool(node.get("anyOf") or node.get("oneOf"))


def _branches(rec: Recorder, keyword: str, old: list[Any], new: list[Any], ctx: Ctx) -> None:
    if not old and not new:
        return
    open_enum = any(is_open_string(rec.new.resolve(b).node) for b in new)
    pairs, gone, added = _match_branches(
        [_branch_key(rec.old, b) for b in old], [_branch_key(rec.new, b) for b in new]
    )
    for i, j in pairs:
        schema(rec, old[i], new[j], replace(ctx.at(keyword, j), open_enum=open_enum))
    for i in gone:
        label = _branch_label(rec.old, old[i])
        if ctx.request:
            message = f"{keyword} branch {label} removed: callers sending it are rejected"
            rec.emit("request-branch-removed", ctx, message, keyword, i)
        else:
            message = f"{keyword} branch {label} no longer sent"
            rec.emit("response-branch-removed", ctx, message, keyword, i)
    for j in added:
        label = _branch_label(rec.new, new[j])
        if ctx.request:
            rec.emit("request-branch-added", ctx, f"new {keyword} branch {label}", keyword, j)
        elif rec.already_read(ctx.operation, rec.new.resolve(new[j]).ref):
            message = f"new {keyword} branch {label}, a shape this operation already answers with"
            rec.emit("response-branch-added", ctx, message, keyword, j, softened=INFO)
        else:
            message = f"new {keyword} branch {label}: clients may receive an unknown shape"
            rec.emit("response-branch-added", ctx, message, keyword, j)


def _branch_key(schemas: Schemas, raw: Any) -> str:
    resolved = schemas.resolve(raw)
    if resolved.ref:
        return f"ref:{component_name(resolved.ref)}"
    return "inline:" + ",".join(sorted(_branch_types(schemas, resolved.node)))


def _branch_label(schemas: Schemas, raw: Any) -> str:
    return _branch_key(schemas, raw).split(":", 1)[1] or "any"


def _match_branches(
    old: list[str], new: list[str]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair branches by identity (component name, else type); the rest were removed or added."""
    pairs: list[tuple[int, int]] = []
    free = list(range(len(new)))
    gone: list[int] = []
    for i, key in enumerate(old):
        match = next((j for j in free if new[j] == key), None)
        if match is None:
            gone.append(i)
        else:
            pairs.append((i, match))
            free.remove(match)
    if len(gone) == 1 and len(free) == 1 and not old[gone[0]].startswith("ref:"):
        pairs.append((gone.pop(), free.pop()))  # one inline branch edited in place
    return pairs, gone, free
