"""Request bodies and responses: media types, encodings, statuses, headers and links."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..load import Node
from ._record import Ctx, Recorder, deref
from .schemas import schema

_ENCODING = ("contentType", "style", "explode", "allowReserved")


def request_body(rec: Recorder, old_raw: Any, new_raw: Any, ctx: Ctx) -> None:
    """The body the client sends (or, in a callback, receives)."""
    old, _ = rec.old.spec.deref(old_raw)
    new, ref = rec.new.spec.deref(new_raw)
    if ref:
        ctx = replace(ctx, location=ref)
    if not old and not new:
        return
    if not new:
        rec.emit("request-body-removed", ctx, "the request body was removed")
        return
    if not old:
        if new.get("required"):
            rec.emit("request-body-added-required", ctx, "new required request body")
        else:
            rec.emit("request-body-added", ctx, "new optional request body")
        return
    if not old.get("required") and new.get("required"):
        rec.emit("request-body-became-required", ctx, "the request body became required")
    rec.docs(old, new, ctx)
    content(rec, old.get("content") or {}, new.get("content") or {}, ctx)


def content(rec: Recorder, old: Node, new: Node, ctx: Ctx) -> None:
    """Media types, added or removed by name; kept ones compared with their encodings."""
    side = ctx.direction
    for media in [*old, *(m for m in new if m not in old)]:
        if media not in new:
            message = f"{side} media type {media} removed"
            rec.emit(f"{side}-media-type-removed", ctx, message, "content", media)
        elif media not in old:
            message = f"new {side} media type {media}"
            rec.emit(f"{side}-media-type-added", ctx, message, "content", media)
        else:
            here = ctx.at("content", media)
            rec.docs(old[media], new[media], here)
            schema(rec, old[media].get("schema"), new[media].get("schema"), here.at("schema"))
            _encoding(rec, old[media].get("encoding") or {}, new[media].get("encoding") or {}, here)


def _encoding(rec: Recorder, old: Node, new: Node, ctx: Ctx) -> None:
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name) or {}, new.get(name) or {}
        changed = [key for key in _ENCODING if before.get(key) != after.get(key)]
        if before.get("headers") != after.get("headers"):
            changed.append("headers")
        if changed:
            message = f"property {name!r} encoded differently ({', '.join(changed)})"
            rec.emit("encoding-changed", ctx, message, "encoding", name)


def responses(rec: Recorder, old: Node, new: Node, ctx: Ctx) -> None:
    """The statuses of one operation (ctx: the receiving direction)."""
    for status in [*old, *(s for s in new if s not in old)]:
        code = str(status)
        success = code.startswith("2")
        if status not in new:
            if success:
                message = f"success status {code} removed"
                rec.emit("response-success-status-removed", ctx, message, code)
            else:
                message = f"status {code} no longer documented"
                rec.emit("response-status-removed", ctx, message, code)
            continue
        if status not in old:
            if success:
                message = f"new success status {code}: a client expecting the old one fails"
                rec.emit("response-success-status-added", ctx, message, code)
            else:
                rec.emit("response-status-added", ctx, f"new status {code}", code)
            continue
        before, _ = rec.old.spec.deref(old[status])
        after, ref = rec.new.spec.deref(new[status])
        here = replace(ctx, location=ref) if ref else ctx.at(code)
        if not isinstance(before, dict) or not isinstance(after, dict):
            continue
        rec.docs(before, after, here)
        headers(rec, before.get("headers") or {}, after.get("headers") or {}, here)
        content(rec, before.get("content") or {}, after.get("content") or {}, here)
        links(rec, before.get("links") or {}, after.get("links") or {}, here)


def headers(rec: Recorder, old: Node, new: Node, ctx: Ctx) -> None:
    """Response headers, matched case-insensitively."""
    old_by = {name.lower(): (name, h) for name, h in old.items()}
    new_by = {name.lower(): (name, h) for name, h in new.items()}
    for key in [*old_by, *(k for k in new_by if k not in old_by)]:
        if key not in new_by:
            name, raw = old_by[key]
            if deref(rec.old.spec, raw).get("required"):
                message = f"required response header {name} removed"
                rec.emit("response-required-header-removed", ctx, message, "headers", name)
            else:
                message = f"optional response header {name} removed"
                rec.emit("response-optional-header-removed", ctx, message, "headers", name)
            continue
        name, raw = new_by[key]
        header, ref = rec.new.spec.deref(raw)
        here = replace(ctx, location=ref) if ref else ctx.at("headers", name)
        if key not in old_by:
            rec.emit("response-header-added", here, f"new response header {name}")
            continue
        previous = deref(rec.old.spec, old_by[key][1])
        if previous.get("required") and not header.get("required"):
            message = f"response header {name} became optional"
            rec.emit("response-header-became-optional", here, message)
        elif header.get("required") and not previous.get("required"):
            message = f"response header {name} became required: clients can count on it"
            rec.emit("response-header-became-required", here, message)
        changed = [k for k in ("style", "explode") if previous.get(k) != header.get(k)]
        if changed:
            message = f"response header {name} serialised differently ({', '.join(changed)})"
            rec.emit("response-header-serialization-changed", here, message, changed[0])
        rec.docs(previous, header, here)
        schema(rec, previous.get("schema"), header.get("schema"), here.at("schema"))
        content(rec, previous.get("content") or {}, header.get("content") or {}, here)


_LINK = ("operationId", "operationRef", "parameters", "requestBody", "body", "server")


def links(rec: Recorder, old: Node, new: Node, ctx: Ctx) -> None:
    """Links (the values one answer passes to the next call) removed, added or retargeted."""
    for name in [*old, *(k for k in new if k not in old)]:
        if name not in new:
            message = f"link {name} removed: clients and contract runs that follow it break"
            rec.emit("response-link-removed", ctx, message, "links", name)
            continue
        if name not in old:
            rec.emit("response-link-added", ctx, f"new link {name}", "links", name)
            continue
        before, after = deref(rec.old.spec, old[name]), deref(rec.new.spec, new[name])
        changed = [key for key in _LINK if before.get(key) != after.get(key)]
        if changed:
            message = f"link {name} changed ({', '.join(changed)})"
            rec.emit("response-link-changed", ctx, message, "links", name)
        elif before.get("description") != after.get("description"):
            rec.emit("documentation-changed", ctx.at("links", name), "description edited")
