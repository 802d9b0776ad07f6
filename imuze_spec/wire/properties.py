"""Object properties: added, removed, renamed, required or not, read-only or write-only.

A property a client never sees in this direction (readOnly in a request, writeOnly in a
response) is not there for it: hiding one is a removal, showing one an addition. A removed
and an added property with the same schema are one rename, judged as both at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..load import Node
from ._record import WARN, Ctx, Recorder

Compare = Callable[[Recorder, Any, Any, Ctx], None]


def properties(rec: Recorder, o: Node, n: Node, ctx: Ctx, compare: Compare) -> None:
    """Compare the properties of two object schemas; `compare` walks a kept property."""
    old_p, new_p = o.get("properties") or {}, n.get("properties") or {}
    if not old_p and not new_p:
        return
    old_req, new_req = set(o.get("required") or []), set(n.get("required") or [])
    hidden = "readOnly" if ctx.request else "writeOnly"  # never sent / never received
    old_seen = {k for k, v in old_p.items() if not rec.old.resolve(v).node.get(hidden)}
    new_seen = {k for k, v in new_p.items() if not rec.new.resolve(v).node.get(hidden)}
    gone = [k for k in old_p if k in old_seen and k not in new_p]
    added = [k for k in new_p if k in new_seen and k not in old_p]
    for old_name, new_name in _renames(rec, old_p, new_p, gone, added).items():
        gone.remove(old_name)
        added.remove(new_name)
        _renamed(rec, old_name, new_name, old_name in old_req, new_name in new_req, ctx)
    for name in gone:
        _removed(rec, name, name in old_req, ctx, "removed")
    for name in added:
        _added(rec, name, name in new_req, ctx)
    for name in (k for k in old_p if k in new_p):
        if name in old_seen and name not in new_seen:
            _removed(rec, name, name in old_req, ctx, f"became {hidden}")
        elif name in new_seen and name not in old_seen:
            _added(rec, name, name in new_req, ctx)
        elif name in new_seen:
            _requiredness(rec, name, name in old_req, name in new_req, ctx)
            compare(rec, old_p[name], new_p[name], ctx.at("properties", name))


def _renames(
    rec: Recorder, old_p: Node, new_p: Node, gone: list[str], added: list[str]
) -> dict[str, str]:
    """Each removed property paired with the one added property of the same schema."""
    shapes = {name: _shape(rec.new.resolve(new_p[name])) for name in added}
    pairs: dict[str, str] = {}
    for name in gone:
        shape = _shape(rec.old.resolve(old_p[name]))
        matches = [other for other, s in shapes.items() if s == shape]
        same_old = [g for g in gone if _shape(rec.old.resolve(old_p[g])) == shape]
        if len(matches) == 1 and len(same_old) == 1:
            pairs[name] = matches[0]
    return pairs


def _shape(resolved: Any) -> object:
    doc = {k: v for k, v in resolved.node.items() if k not in ("description", "example")}
    return (resolved.ref, repr(sorted(doc.items(), key=lambda item: item[0])))


def _renamed(rec: Recorder, old: str, new: str, was: bool, now: bool, ctx: Ctx) -> None:
    if ctx.request:
        why = "callers sending the old name " + (
            "are rejected" if now else "are ignored or rejected"
        )
        message = f"renamed to {new!r} (same schema): {why}"
        softened = None if now else WARN
        rec.emit("request-property-renamed", ctx, message, "properties", old, softened=softened)
    else:
        message = f"renamed to {new!r} (same schema): clients reading {old!r} get nothing"
        softened = None if was else WARN
        rec.emit("response-property-renamed", ctx, message, "properties", old, softened=softened)


def _removed(rec: Recorder, name: str, required: bool, ctx: Ctx, how: str) -> None:
    hidden = how != "removed"
    if ctx.request:
        kind = "request-property-became-read-only" if hidden else "request-property-removed"
        message = f"{how}: the server ignores or rejects it in a request"
        rec.emit(kind, ctx, message, "properties", name)
        return
    softened = None
    if hidden:
        kind = "response-property-became-write-only"
        softened = None if required else WARN
    else:
        kind = f"response-{'required' if required else 'optional'}-property-removed"
    reading = ": clients reading it break" if required else ""
    message = f"{'required' if required else 'optional'} property {how}{reading}"
    rec.emit(kind, ctx, message, "properties", name, softened=softened)


def _added(rec: Recorder, name: str, required: bool, ctx: Ctx) -> None:
    if ctx.request and required:
        message = "new and required: callers that omit it are rejected"
        rec.emit("request-property-added-required", ctx, message, "properties", name)
    elif ctx.request:
        rec.emit("request-property-added", ctx, "new optional property", "properties", name)
    else:
        rec.emit("response-property-added", ctx, "new property", "properties", name)


def _requiredness(rec: Recorder, name: str, was: bool, now: bool, ctx: Ctx) -> None:
    if was == now:
        return
    side = "request" if ctx.request else "response"
    if now:
        rec.emit(f"{side}-property-became-required", ctx, "became required", "properties", name)
    else:
        message = "became optional" + ("" if ctx.request else ": clients reading it may break")
        rec.emit(f"{side}-property-became-optional", ctx, message, "properties", name)
