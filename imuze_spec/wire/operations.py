"""Operations: added, removed (with deprecation and x-sunset), renamed, retagged; their
servers, security, parameters, request body, responses and callbacks; and webhooks, whose
operations the client receives (the directions are inverted, as in callbacks)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from ..load import Node, Spec, path_shape
from ..schema import Schemas
from ._record import Ctx, Recorder, pointer
from .document import security, servers
from .messages import content, request_body, responses
from .schemas import schema

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SERIALIZATION = ("style", "explode", "allowReserved")


def operations(rec: Recorder) -> None:
    """Every operation of `paths`, then every webhook."""
    old_ops, new_ops = rec.old.spec.operations(), rec.new.spec.operations()
    _pair(rec, old_ops, new_ops, inverted=False)
    old_hooks, new_hooks = _webhooks(rec.old.spec), _webhooks(rec.new.spec)
    for key in [*old_hooks, *(k for k in new_hooks if k not in old_hooks)]:
        if key not in new_hooks:
            ctx = Ctx("request", "", pointer("#", "webhooks", key[1]))
            rec.emit("webhook-removed", ctx, f"webhook {key[1]} removed")
        elif key not in old_hooks:
            ctx = Ctx("request", "", pointer("#", "webhooks", key[1]))
            rec.emit("webhook-added", ctx, f"new webhook {key[1]}")
    both = {k: v for k, v in old_hooks.items() if k in new_hooks}
    _pair(rec, both, {k: v for k, v in new_hooks.items() if k in both}, inverted=True)


def _webhooks(spec: Spec) -> dict[tuple[str, str], Node]:
    found: dict[tuple[str, str], Node] = {}
    for name, raw in (spec.doc.get("webhooks") or {}).items():
        item, _ = spec.deref(raw)
        for method in _METHODS if isinstance(item, dict) else ():
            if isinstance(item.get(method), dict):
                entry = {"path": name, "method": method, "item": item, "op": item[method]}
                found[(method.upper(), name)] = {**entry, "base": pointer("#", "webhooks")}
    return found


Operations = dict[tuple[str, str], Node]


def _pair(rec: Recorder, old_ops: Operations, new_ops: Operations, *, inverted: bool) -> None:
    for key in sorted(old_ops.keys() | new_ops.keys()):
        before, after = old_ops.get(key), new_ops.get(key)
        rec.where = _op_pointer(after or before or {})
        rec.seen.clear()
        if before is None:
            assert after is not None
            ctx = Ctx("request", _op_name(after), _op_pointer(after), inverted=inverted)
            rec.emit("operation-added", ctx, "new operation")
        elif after is None:
            _removed(rec, before)
        else:
            _operation(rec, before, after, inverted)


def _removed(rec: Recorder, before: Node) -> None:
    op = before["op"]
    ctx = Ctx("request", _op_name(before), _op_pointer(before))
    sunset = _sunset(op.get("x-sunset"))
    if op.get("deprecated") and sunset is not None and sunset <= rec.today:
        rec.emit("operation-removed-after-sunset", ctx, "removed after its sunset")
    elif op.get("deprecated"):
        rec.emit("operation-removed", ctx, "removed: deprecated, but before x-sunset")
    else:
        rec.emit("operation-removed", ctx, "removed without deprecation")


def _operation(rec: Recorder, before: Node, after: Node, inverted: bool) -> None:
    o, n = before["op"], after["op"]
    # Named as the old spec names it: a renamed operation stays one group, on both sides.
    ctx = Ctx("request", _op_name(before), _op_pointer(after), inverted=inverted)
    if o.get("operationId") != n.get("operationId"):
        message = (
            f"operationId {o.get('operationId')!r} -> {n.get('operationId')!r} "
            "(renames the generated function)"
        )
        rec.emit("operation-id-changed", ctx, message, "operationId")
    if (o.get("tags") or []) != (n.get("tags") or []):
        message = f"tags {o.get('tags') or []} -> {n.get('tags') or []} (moves its module)"
        rec.emit("operation-tags-changed", ctx, message, "tags")
    rec.docs(o, n, ctx)
    _servers(rec, before, after, ctx)
    if not inverted:
        security(rec, o, n, ctx)
    _parameters(rec, before, after, ctx.sending())
    request_body(rec, o.get("requestBody"), n.get("requestBody"), ctx.sending().at("requestBody"))
    old_r, new_r = o.get("responses") or {}, n.get("responses") or {}
    responses(rec, old_r, new_r, ctx.receiving().at("responses"))
    _callbacks(rec, o.get("callbacks") or {}, n.get("callbacks") or {}, ctx.at("callbacks"))


def _servers(rec: Recorder, before: Node, after: Node, ctx: Ctx) -> None:
    """Servers set on the path item or the operation override the document's."""

    def own(entry: Node) -> Any:
        return entry["op"].get("servers") or entry["item"].get("servers")

    if own(before) is None and own(after) is None:
        return
    old = own(before) or rec.old.spec.doc.get("servers") or []
    new = own(after) or rec.new.spec.doc.get("servers") or []
    servers(rec, old, new, ctx.at("servers"))


def _callbacks(rec: Recorder, old: Node, new: Node, ctx: Ctx) -> None:
    for name in [*old, *(k for k in new if k not in old)]:
        if name not in new:
            rec.emit("callback-removed", ctx, f"callback {name} removed", name)
            continue
        if name not in old:
            rec.emit("callback-added", ctx, f"new callback {name}", name)
            continue
        items_old, _ = rec.old.spec.deref(old[name])
        items_new, _ = rec.new.spec.deref(new[name])
        old_ops = _callback_ops(rec.old.spec, items_old, ctx.at(name))
        new_ops = _callback_ops(rec.new.spec, items_new, ctx.at(name))
        for key in sorted(old_ops.keys() & new_ops.keys()):
            here = replace(ctx, location=_op_pointer(new_ops[key]), inverted=not ctx.inverted)
            inner_before, inner_after = old_ops[key], new_ops[key]
            _parameters(rec, inner_before, inner_after, here.sending())
            o, n = inner_before["op"], inner_after["op"]
            body = here.sending().at("requestBody")
            request_body(rec, o.get("requestBody"), n.get("requestBody"), body)
            old_r, new_r = o.get("responses") or {}, n.get("responses") or {}
            responses(rec, old_r, new_r, here.receiving().at("responses"))
        for key in sorted(old_ops.keys() ^ new_ops.keys()):
            gone = key in old_ops
            kind = "callback-removed" if gone else "callback-added"
            entry = old_ops[key] if gone else new_ops[key]
            message = f"callback {name} {key[0]} {'removed' if gone else 'added'}"
            rec.emit(kind, replace(ctx, location=_op_pointer(entry)), message)


def _callback_ops(spec: Spec, items: Any, base: Ctx) -> dict[tuple[str, str], Node]:
    found: dict[tuple[str, str], Node] = {}
    for expression, raw in (items or {}).items() if isinstance(items, dict) else ():
        item, _ = spec.deref(raw)
        for method in _METHODS if isinstance(item, dict) else ():
            if isinstance(item.get(method), dict):
                entry = {"path": expression, "method": method, "item": item, "op": item[method]}
                found[(method.upper(), expression)] = {**entry, "base": base.location}
    return found


# -- parameters ---------------------------------------------------------------------------


def _params(schemas: Schemas, entry: Node) -> dict[tuple[str, str], tuple[Node, str]]:
    names = re.findall(r"\{([^}/]*)\}", entry["path"])
    base = _op_pointer(entry)
    found: dict[tuple[str, str], tuple[Node, str]] = {}
    for raw in [*(entry["item"].get("parameters") or []), *(entry["op"].get("parameters") or [])]:
        param, ref = schemas.spec.deref(raw)
        if not isinstance(param, dict):
            continue
        where, name = str(param.get("in")), str(param.get("name"))
        key = (
            (where, str(names.index(name)))
            if where == "path" and name in names
            else (where, name.lower() if where == "header" else name)
        )
        found[key] = (param, ref or pointer(base, "parameters", name))
    return found


def _parameters(rec: Recorder, before: Node, after: Node, ctx: Ctx) -> None:
    old, new = _params(rec.old, before), _params(rec.new, after)
    for key in [*old, *(k for k in new if k not in old)]:
        if key not in new:
            param, loc = old[key]
            here = replace(ctx, location=loc)
            rec.emit("request-parameter-removed", here, f"{_pname(param)} removed")
            continue
        param, loc = new[key]
        here = replace(ctx, location=loc)
        if key not in old:
            if param.get("required"):
                message = f"new required {_pname(param)}: callers that omit it are rejected"
                rec.emit("request-parameter-added-required", here, message)
            else:
                rec.emit("request-parameter-added", here, f"new {_pname(param)}")
            continue
        _parameter(rec, old[key][0], param, here)


def _parameter(rec: Recorder, previous: Node, param: Node, here: Ctx) -> None:
    if not previous.get("required") and param.get("required"):
        rec.emit("request-parameter-became-required", here, f"{_pname(param)} became required")
    elif previous.get("required") and not param.get("required"):
        message = f"{_pname(param)} became optional"
        rec.emit("request-parameter-became-optional", here, message)
    changed = [key for key in _SERIALIZATION if previous.get(key) != param.get(key)]
    if changed:
        message = f"{_pname(param)} serialised differently: " + ", ".join(
            f"{key} {previous.get(key)!r} -> {param.get(key)!r}" for key in changed
        )
        rec.emit("request-parameter-serialization-changed", here, message, changed[0])
    if bool(previous.get("allowEmptyValue")) != bool(param.get("allowEmptyValue")):
        allowed = bool(param.get("allowEmptyValue"))
        change = f"allowEmptyValue {not allowed} -> {allowed}"
        rec.judge(not allowed, allowed, change, here, "allowEmptyValue")
    rec.docs(previous, param, here)
    schema(rec, previous.get("schema"), param.get("schema"), here.at("schema"))
    content(rec, previous.get("content") or {}, param.get("content") or {}, here)


def _op_name(entry: Node) -> str:
    op_id = entry["op"].get("operationId")
    return str(op_id) if op_id else f"{entry['method'].upper()} {entry['path']}"


def _op_pointer(entry: Node) -> str:
    if not entry:
        return "#"
    return pointer(entry.get("base", "#/paths"), entry["path"], entry["method"])


def _pname(param: Node) -> str:
    return f"{param.get('in')} parameter {param.get('name')!r}"


def _sunset(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


__all__ = ["operations", "path_shape"]
