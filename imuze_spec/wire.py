"""The wire verdict: each spec change classified for an existing *client*, by direction.

A change that narrows what a client may send, or widens what it may receive, breaks it.
Requests and responses are walked per operation; a change inside a component (reached
through `$ref`) is located in the component and reported once, with every operation it
reaches. Documentation edits (description, summary, examples) are INFO only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .findings import Finding, Level
from .load import Node, Spec, SpecLoadError
from .schema import (
    DOC_KEYS,
    LOWER_BOUNDS,
    UPPER_BOUNDS,
    Schemas,
    component_name,
    is_open_string,
    types_of,
    widens,
)

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO
_X_ENUM = "x-extensible-enum"
REQUEST, RESPONSE = "request", "response"


def pointer(base: str, *keys: object) -> str:
    """A JSON pointer (as a URI fragment) extended by escaped keys."""
    escaped = (str(key).replace("~", "~0").replace("/", "~1") for key in keys)
    return "/".join([base, *escaped])


@dataclass(frozen=True)
class _Ctx:
    direction: str
    operation: str
    location: str
    open_enum: bool = False

    def at(self, *keys: object) -> _Ctx:
        """A nested location; openness of an enum does not carry into nested schemas."""
        return replace(self, location=pointer(self.location, *keys), open_enum=False)


@dataclass
class _Raw:
    level: Level
    id: str
    location: str
    message: str
    operations: set[str] = field(default_factory=set)


class _Walker:
    """Compares two specs; collects findings keyed by (id, location), so none repeats."""

    def __init__(self, old: Spec, new: Spec, today: dt.date) -> None:
        self.old, self.new = Schemas(old), Schemas(new)
        self.today = today
        self.found: dict[tuple[str, str], _Raw] = {}
        self.where = "#"  # what is being compared, for the error on a malformed spec
        self._seen: set[tuple[int, int, str, bool]] = set()

    # -- recording ---------------------------------------------------------------------

    def emit(self, level: Level, kind: str, ctx: _Ctx, message: str, *keys: object) -> None:
        location = pointer(ctx.location, *keys)
        subject = subject_of(location)
        message = f"{subject}: {message}" if subject else message
        raw = self.found.get((kind, location))
        if raw is None:
            raw = self.found[(kind, location)] = _Raw(level, kind, location, message)
        elif level > raw.level:
            raw.level, raw.message = level, message
        raw.operations.add(ctx.operation)

    def findings(self) -> list[Finding]:
        out = []
        for raw in self.found.values():
            ops = tuple(sorted(raw.operations))
            shared = not raw.location.startswith("#/paths/")
            out.append(
                Finding(
                    level=raw.level,
                    side="wire",
                    id=raw.id,
                    operation="" if shared or not ops else ops[0],
                    location=raw.location,
                    message=raw.message,
                    operations=ops,
                )
            )
        return out

    def docs(self, old: Mapping[str, Any], new: Mapping[str, Any], ctx: _Ctx) -> None:
        changed = [key for key in DOC_KEYS if old.get(key) != new.get(key)]
        if changed:
            self.emit(INFO, "documentation-changed", ctx, f"{', '.join(changed)} edited")
        if not old.get("deprecated") and new.get("deprecated"):
            self.emit(INFO, "deprecated", ctx, "now deprecated")

    # -- operations --------------------------------------------------------------------

    def operations(self) -> None:
        old_ops, new_ops = self.old.spec.operations(), self.new.spec.operations()
        for key in sorted(old_ops.keys() | new_ops.keys()):
            before, after = old_ops.get(key), new_ops.get(key)
            self.where = _op_pointer(after or before or {})
            self._seen.clear()
            if before is None:
                assert after is not None
                ctx = _Ctx(REQUEST, _op_name(after), _op_pointer(after))
                self.emit(INFO, "operation-added", ctx, "new operation")
            elif after is None:
                self._removed(before)
            else:
                self._operation(before, after)

    def _removed(self, before: Node) -> None:
        op = before["op"]
        ctx = _Ctx(REQUEST, _op_name(before), _op_pointer(before))
        what = "removed"
        sunset = _sunset(op.get("x-sunset"))
        if op.get("deprecated") and sunset is not None and sunset <= self.today:
            self.emit(INFO, "operation-removed-after-sunset", ctx, f"{what} after its sunset")
        elif op.get("deprecated"):
            self.emit(ERR, "operation-removed", ctx, f"{what}: deprecated, but before x-sunset")
        else:
            self.emit(ERR, "operation-removed", ctx, f"{what} without deprecation")

    def _operation(self, before: Node, after: Node) -> None:
        o, n = before["op"], after["op"]
        # Named as the old spec names it: a renamed operation stays one group, on both sides.
        ctx = _Ctx(REQUEST, _op_name(before), _op_pointer(after))
        if o.get("operationId") != n.get("operationId"):
            self.emit(
                INFO,
                "operation-id-changed",
                ctx,
                f"operationId {o.get('operationId')!r} -> {n.get('operationId')!r} "
                "(renames the generated function)",
                "operationId",
            )
        if (o.get("tags") or []) != (n.get("tags") or []):
            message = f"tags {o.get('tags') or []} -> {n.get('tags') or []} (moves its module)"
            self.emit(INFO, "operation-tags-changed", ctx, message, "tags")
        self.docs(o, n, ctx)
        self._security(o, n, ctx)
        self._parameters(before, after, ctx)
        self._request_body(o.get("requestBody"), n.get("requestBody"), ctx.at("requestBody"))
        self._responses(o.get("responses") or {}, n.get("responses") or {}, ctx.at("responses"))

    def _security(self, o: Node, n: Node, ctx: _Ctx) -> None:
        old_security = o.get("security", self.old.spec.doc.get("security"))
        new_security = n.get("security", self.new.spec.doc.get("security"))
        if old_security == new_security:
            return
        # Inherited on both sides: one change of the document's requirement, reported once.
        here = ctx if "security" in o or "security" in n else replace(ctx, location="#")
        if _anonymous(old_security) and not _anonymous(new_security):
            message = "now needs authentication: anonymous callers are rejected"
            self.emit(ERR, "security-required", here, message, "security")
        else:
            self.emit(INFO, "security-changed", here, "security requirements changed", "security")

    # -- parameters --------------------------------------------------------------------

    def _params(self, schemas: Schemas, entry: Node) -> dict[tuple[str, str], tuple[Node, str]]:
        names = re.findall(r"\{([^}/]*)\}", entry["path"])
        base = _op_pointer(entry)
        found: dict[tuple[str, str], tuple[Node, str]] = {}
        for raw in [
            *(entry["item"].get("parameters") or []),
            *(entry["op"].get("parameters") or []),
        ]:
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

    def _parameters(self, before: Node, after: Node, ctx: _Ctx) -> None:
        old, new = self._params(self.old, before), self._params(self.new, after)
        for key in [*old, *(k for k in new if k not in old)]:
            if key not in new:
                param, loc = old[key]
                here = replace(ctx, location=loc)
                self.emit(WARN, "request-parameter-removed", here, f"{_pname(param)} removed")
                continue
            param, loc = new[key]
            here = replace(ctx, location=loc)
            if key not in old:
                if param.get("required"):
                    message = f"new required {_pname(param)}: callers that omit it are rejected"
                    self.emit(ERR, "request-parameter-added-required", here, message)
                else:
                    self.emit(INFO, "request-parameter-added", here, f"new {_pname(param)}")
                continue
            previous = old[key][0]
            if not previous.get("required") and param.get("required"):
                message = f"{_pname(param)} became required"
                self.emit(ERR, "request-parameter-became-required", here, message)
            elif previous.get("required") and not param.get("required"):
                message = f"{_pname(param)} became optional"
                self.emit(INFO, "request-parameter-became-optional", here, message)
            self.docs(previous, param, here)
            self.schema(previous.get("schema"), param.get("schema"), here.at("schema"))

    # -- request bodies ----------------------------------------------------------------

    def _request_body(self, old_raw: Any, new_raw: Any, ctx: _Ctx) -> None:
        old, _ = self.old.spec.deref(old_raw)
        new, ref = self.new.spec.deref(new_raw)
        if ref:
            ctx = replace(ctx, location=ref)
        if not old and not new:
            return
        if not new:
            self.emit(WARN, "request-body-removed", ctx, "the request body was removed")
            return
        if not old:
            if new.get("required"):
                self.emit(ERR, "request-body-added-required", ctx, "new required request body")
            else:
                self.emit(INFO, "request-body-added", ctx, "new optional request body")
            return
        if not old.get("required") and new.get("required"):
            self.emit(ERR, "request-body-became-required", ctx, "the request body became required")
        self.docs(old, new, ctx)
        self._content(old.get("content") or {}, new.get("content") or {}, ctx)

    def _content(self, old: Node, new: Node, ctx: _Ctx) -> None:
        side = ctx.direction
        for media in [*old, *(m for m in new if m not in old)]:
            if media not in new:
                message = f"{side} media type {media} removed"
                self.emit(ERR, f"{side}-media-type-removed", ctx, message, "content", media)
            elif media not in old:
                message = f"new {side} media type {media}"
                self.emit(INFO, f"{side}-media-type-added", ctx, message, "content", media)
            else:
                here = ctx.at("content", media)
                self.docs(old[media], new[media], here)
                self.schema(old[media].get("schema"), new[media].get("schema"), here.at("schema"))

    # -- responses ---------------------------------------------------------------------

    def _responses(self, old: Node, new: Node, ctx: _Ctx) -> None:
        answer = replace(ctx, direction=RESPONSE)
        for status in [*old, *(s for s in new if s not in old)]:
            code = str(status)
            success = code.startswith("2")
            if status not in new:
                if success:
                    message = f"success status {code} removed"
                    self.emit(ERR, "response-success-status-removed", answer, message, code)
                else:
                    message = f"status {code} no longer documented"
                    self.emit(INFO, "response-status-removed", answer, message, code)
                continue
            if status not in old:
                if success:
                    message = f"new success status {code}: a client expecting the old one fails"
                    self.emit(WARN, "response-success-status-added", answer, message, code)
                else:
                    message = f"new status {code}"
                    self.emit(INFO, "response-status-added", answer, message, code)
                continue
            before, _ = self.old.spec.deref(old[status])
            after, ref = self.new.spec.deref(new[status])
            here = replace(answer, location=ref) if ref else answer.at(code)
            if not isinstance(before, dict) or not isinstance(after, dict):
                continue
            self.docs(before, after, here)
            self._headers(before.get("headers") or {}, after.get("headers") or {}, here)
            self._content(before.get("content") or {}, after.get("content") or {}, here)

    def _headers(self, old: Node, new: Node, ctx: _Ctx) -> None:
        old_by = {name.lower(): (name, h) for name, h in old.items()}
        new_by = {name.lower(): (name, h) for name, h in new.items()}
        for key in [*old_by, *(k for k in new_by if k not in old_by)]:
            if key not in new_by:
                name, raw = old_by[key]
                header, _ = self.old.spec.deref(raw)
                if header.get("required"):
                    message = f"required response header {name} removed"
                    self.emit(
                        ERR, "response-required-header-removed", ctx, message, "headers", name
                    )
                else:
                    message = f"optional response header {name} removed"
                    self.emit(
                        WARN, "response-optional-header-removed", ctx, message, "headers", name
                    )
                continue
            name, raw = new_by[key]
            header, ref = self.new.spec.deref(raw)
            here = replace(ctx, location=ref) if ref else ctx.at("headers", name)
            if key not in old_by:
                self.emit(INFO, "response-header-added", here, f"new response header {name}")
                continue
            previous, _ = self.old.spec.deref(old_by[key][1])
            if previous.get("required") and not header.get("required"):
                message = f"response header {name} became optional"
                self.emit(ERR, "response-header-became-optional", here, message)
            self.docs(previous, header, here)
            self.schema(previous.get("schema"), header.get("schema"), here.at("schema"))

    # -- schemas -----------------------------------------------------------------------

    def _branch_types(self, schemas: Schemas, schema: Node) -> frozenset[str]:
        branches = schema.get("anyOf") or schema.get("oneOf")
        if "type" in schema or not branches:
            return types_of(schema)
        found: set[str] = set()
        for branch in branches:
            found |= self._branch_types(schemas, schemas.resolve(branch).node)
        return frozenset(found)

    def schema(self, old_raw: Any, new_raw: Any, ctx: _Ctx) -> None:
        """Compare two schemas in the context's direction (request: the client sends it)."""
        if old_raw is None or new_raw is None:
            return
        self.where = ctx.location
        before, after = self.old.resolve(old_raw), self.new.resolve(new_raw)
        if after.ref:
            ctx = replace(ctx, location=after.ref)
            self.where = after.ref
        key = (id(before.node), id(after.node), ctx.direction, ctx.open_enum)
        if key in self._seen:
            return  # a recursive schema, or one reached twice in this operation
        self._seen.add(key)
        o, n = before.node, after.node
        self.docs(o, n, ctx)
        self._types(o, n, ctx)
        self._enum(o, n, ctx)
        self._bounds(o, n, ctx)
        self._properties(o, n, ctx)
        if isinstance(o.get("items"), dict) and isinstance(n.get("items"), dict):
            self.schema(o["items"], n["items"], ctx.at("items"))
        extra_old, extra_new = o.get("additionalProperties"), n.get("additionalProperties")
        if ctx.direction == REQUEST and extra_old is not False and extra_new is False:
            message = "no longer accepts additional properties"
            self.emit(ERR, "request-constraint-tightened", ctx, message, "additionalProperties")
        elif isinstance(extra_old, dict) and isinstance(extra_new, dict):
            self.schema(extra_old, extra_new, ctx.at("additionalProperties"))
        for keyword in ("anyOf", "oneOf"):
            self._branches(keyword, o.get(keyword) or [], n.get(keyword) or [], ctx)

    def _types(self, o: Node, n: Node, ctx: _Ctx) -> None:
        if _branchy(o) and _branchy(n):
            return  # the branches are compared one by one: a removed branch is not a retype
        told = self._branch_types(self.old, o)
        tnew = self._branch_types(self.new, n)
        old_t, new_t = told - {"null"}, tnew - {"null"}
        request = ctx.direction == REQUEST
        if old_t != new_t:
            change = f"type {_types(old_t)} -> {_types(new_t)}"
            self._type_change(widens(old_t, new_t), widens(new_t, old_t), change, ctx, "type")
        if o.get("format") != n.get("format"):
            change = f"format {o.get('format') or '(none)'} -> {n.get('format') or '(none)'}"
            generalized = n.get("format") is None
            narrowed = o.get("format") is None
            self._type_change(generalized, narrowed, change, ctx, "format")
        if "null" in told and "null" not in tnew:
            if request:
                message = "no longer accepts null: callers sending null are rejected"
                self.emit(ERR, "request-became-not-nullable", ctx, message)
            else:
                self.emit(INFO, "response-became-not-nullable", ctx, "no longer null")
        elif "null" in tnew and "null" not in told:
            if request:
                self.emit(INFO, "request-became-nullable", ctx, "now accepts null")
            else:
                message = "may now be null: clients that expect a value break"
                self.emit(ERR, "response-became-nullable", ctx, message)

    def _type_change(
        self, generalized: bool, narrowed: bool, change: str, ctx: _Ctx, key: str
    ) -> None:
        if ctx.direction == REQUEST:
            if generalized:
                self.emit(INFO, "request-type-generalized", ctx, change, key)
            else:
                self.emit(ERR, "request-type-changed", ctx, change, key)
        elif narrowed:
            self.emit(INFO, "response-type-narrowed", ctx, change, key)
        elif generalized:
            self.emit(ERR, "response-type-generalized", ctx, change, key)
        else:
            self.emit(ERR, "response-type-changed", ctx, change, key)

    def _enum(self, o: Node, n: Node, ctx: _Ctx) -> None:
        old_e, new_e = o.get("enum"), n.get("enum")
        request = ctx.direction == REQUEST
        if old_e is None and new_e is None:
            # Zalando's `x-extensible-enum: [...]`: the known values of an open string.
            old_x, new_x = o.get(_X_ENUM), n.get(_X_ENUM)
            if isinstance(old_x, list) and isinstance(new_x, list):
                self._enum({"enum": old_x}, {"enum": new_x}, replace(ctx, open_enum=True))
            return
        if old_e is None or new_e is None:
            became = new_e is not None
            if request and became:
                self.emit(ERR, "request-constraint-tightened", ctx, "became an enum", "enum")
            elif request:
                self.emit(INFO, "request-constraint-relaxed", ctx, "no longer an enum", "enum")
            elif became:
                self.emit(INFO, "response-constraint-narrowed", ctx, "became an enum", "enum")
            else:
                level = INFO if ctx.open_enum else ERR
                message = "no longer an enum: any value may be sent"
                self.emit(level, "response-constraint-widened", ctx, message, "enum")
            return
        for value in [v for v in old_e if v not in new_e]:
            if request:
                message = f"enum value {value!r} removed: callers sending it are rejected"
                self.emit(ERR, "request-enum-value-removed", ctx, message, "enum", value)
            else:
                message = f"enum value {value!r} no longer sent"
                self.emit(INFO, "response-enum-value-removed", ctx, message, "enum", value)
        for value in [v for v in new_e if v not in old_e]:
            if request:
                message = f"new enum value {value!r}"
                self.emit(INFO, "request-enum-value-added", ctx, message, "enum", value)
            elif ctx.open_enum:
                message = f"new value {value!r} of an extensible enum (clients accept any string)"
                self.emit(INFO, "response-enum-value-added", ctx, message, "enum", value)
            else:
                message = f"new enum value {value!r}: a client with a closed enum fails on it"
                self.emit(WARN, "response-enum-value-added", ctx, message, "enum", value)

    def _bounds(self, o: Node, n: Node, ctx: _Ctx) -> None:
        for key in (*UPPER_BOUNDS, *LOWER_BOUNDS, "pattern"):
            old_v, new_v = o.get(key), n.get(key)
            if old_v == new_v or isinstance(old_v, bool) or isinstance(new_v, bool):
                continue
            if key == "pattern":
                tightened, relaxed = new_v is not None, old_v is not None
            elif old_v is None or new_v is None:
                tightened, relaxed = old_v is None, new_v is None
            elif key in UPPER_BOUNDS:
                tightened, relaxed = new_v < old_v, new_v > old_v
            else:
                tightened, relaxed = new_v > old_v, new_v < old_v
            change = f"{key} {old_v} -> {new_v}"
            if ctx.direction == REQUEST:
                if tightened:
                    change += ": requests valid before may now be rejected"
                    self.emit(ERR, "request-constraint-tightened", ctx, change, key)
                else:
                    self.emit(INFO, "request-constraint-relaxed", ctx, change, key)
            elif relaxed:
                change += ": clients may receive values they did not expect"
                self.emit(ERR, "response-constraint-widened", ctx, change, key)
            else:
                self.emit(INFO, "response-constraint-narrowed", ctx, change, key)

    def _properties(self, o: Node, n: Node, ctx: _Ctx) -> None:
        old_p, new_p = o.get("properties") or {}, n.get("properties") or {}
        if not old_p and not new_p:
            return
        old_req, new_req = set(o.get("required") or []), set(n.get("required") or [])
        request = ctx.direction == REQUEST
        hidden = "readOnly" if request else "writeOnly"  # never sent / never received
        for name in [*old_p, *(p for p in new_p if p not in old_p)]:
            if name not in new_p:
                if self.old.resolve(old_p[name]).node.get(hidden):
                    continue
                if request:
                    message = "removed from the request: the server ignores or rejects it"
                    self.emit(WARN, "request-property-removed", ctx, message, "properties", name)
                elif name in old_req:
                    message = "required property removed: clients reading it break"
                    kind = "response-required-property-removed"
                    self.emit(ERR, kind, ctx, message, "properties", name)
                else:
                    message = "optional property removed"
                    kind = "response-optional-property-removed"
                    self.emit(WARN, kind, ctx, message, "properties", name)
                continue
            if self.new.resolve(new_p[name]).node.get(hidden):
                continue
            if name not in old_p:
                if request and name in new_req:
                    message = "new and required: callers that omit it are rejected"
                    kind = "request-property-added-required"
                    self.emit(ERR, kind, ctx, message, "properties", name)
                elif request:
                    message = "new optional property"
                    self.emit(INFO, "request-property-added", ctx, message, "properties", name)
                else:
                    message = "new property"
                    self.emit(INFO, "response-property-added", ctx, message, "properties", name)
                continue
            was, now = name in old_req, name in new_req
            if request and now and not was:
                message = "became required"
                kind = "request-property-became-required"
                self.emit(ERR, kind, ctx, message, "properties", name)
            elif request and was and not now:
                message = "became optional"
                kind = "request-property-became-optional"
                self.emit(INFO, kind, ctx, message, "properties", name)
            elif not request and was and not now:
                message = "became optional: clients reading it may break"
                kind = "response-property-became-optional"
                self.emit(ERR, kind, ctx, message, "properties", name)
            elif not request and now and not was:
                message = "became required"
                kind = "response-property-became-required"
                self.emit(INFO, kind, ctx, message, "properties", name)
            self.schema(old_p[name], new_p[name], ctx.at("properties", name))

    def _branches(self, keyword: str, old: list[Any], new: list[Any], ctx: _Ctx) -> None:
        if not old and not new:
            return
        open_enum = any(is_open_string(self.new.resolve(b).node) for b in new)
        pairs, gone, added = _match_branches(
            [self._branch_key(self.old, b) for b in old],
            [self._branch_key(self.new, b) for b in new],
        )
        request = ctx.direction == REQUEST
        for i, j in pairs:
            self.schema(old[i], new[j], replace(ctx.at(keyword, j), open_enum=open_enum))
        for i in gone:
            label = self._branch_label(self.old, old[i])
            if request:
                message = f"{keyword} branch {label} removed: callers sending it are rejected"
                self.emit(ERR, "request-branch-removed", ctx, message, keyword, i)
            else:
                message = f"{keyword} branch {label} no longer sent"
                self.emit(INFO, "response-branch-removed", ctx, message, keyword, i)
        for j in added:
            label = self._branch_label(self.new, new[j])
            if request:
                message = f"new {keyword} branch {label}"
                self.emit(INFO, "request-branch-added", ctx, message, keyword, j)
            else:
                message = f"new {keyword} branch {label}: clients may receive an unknown shape"
                self.emit(ERR, "response-branch-added", ctx, message, keyword, j)

    def _branch_key(self, schemas: Schemas, raw: Any) -> str:
        resolved = schemas.resolve(raw)
        if resolved.ref:
            return f"ref:{component_name(resolved.ref)}"
        return "inline:" + ",".join(sorted(self._branch_types(schemas, resolved.node)))

    def _branch_label(self, schemas: Schemas, raw: Any) -> str:
        key = self._branch_key(schemas, raw)
        return key.split(":", 1)[1] or "any"


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


_STRUCTURE = {"schema", "content", "items", "anyOf", "oneOf", "allOf", "additionalProperties"}


def subject_of(location: str) -> str:
    """What a pointer names, for a reader: `SongCreate.title`, `createSong request body`..."""
    keys = [k.replace("~1", "/").replace("~0", "~") for k in location.split("/")[1:]]
    words: list[str] = []
    if keys[:2] == ["components", "schemas"] and len(keys) > 2:
        words, rest = [keys[2]], keys[3:]
    elif keys[:1] == ["components"] and len(keys) > 2:
        words, rest = [f"{keys[1][:-1] if keys[1].endswith('s') else keys[1]} {keys[2]}"], keys[3:]
    elif keys[:1] == ["paths"] and len(keys) > 2:
        words, rest = [f"{keys[2].upper()} {keys[1]}"], keys[3:]
    else:
        return ""
    while rest:
        key, rest = rest[0], rest[1:]
        if key == "properties" and rest:
            words[-1] += f".{rest[0]}"
            rest = rest[1:]
        elif key == "parameters" and rest:
            words.append(f"parameter {rest[0]}")
            rest = rest[1:]
        elif key == "requestBody":
            words.append("request body")
        elif key == "responses" and rest:
            words.append(f"{rest[0]} response")
            rest = rest[1:]
        elif key == "headers" and rest:
            words.append(f"header {rest[0]}")
            rest = rest[1:]
        elif key in _STRUCTURE or key.isdigit() or "/" in key:
            continue
        else:
            break  # a keyword (maxLength, enum...): the message says it
    return " ".join(words)


def _anonymous(security: object) -> bool:
    """Whether a security requirement list lets a caller in without credentials."""
    return not security or (isinstance(security, list) and {} in security)


def _branchy(schema: Node) -> bool:
    return "type" not in schema and bool(schema.get("anyOf") or schema.get("oneOf"))


def _op_name(entry: Node) -> str:
    op_id = entry["op"].get("operationId")
    return str(op_id) if op_id else f"{entry['method'].upper()} {entry['path']}"


def _op_pointer(entry: Node) -> str:
    return pointer("#", "paths", entry["path"], entry["method"])


def _pname(param: Node) -> str:
    return f"{param.get('in')} parameter {param.get('name')!r}"


def _types(types: Iterable[str]) -> str:
    return "|".join(sorted(types)) or "none"


def _sunset(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def wire_findings(old: Spec, new: Spec, today: dt.date | None = None) -> list[Finding]:
    """Every wire-level change from `old` to `new`, once each, classified for a client."""
    walker = _Walker(old, new, today or dt.date.today())
    try:
        walker.operations()
    except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
        # A structurally invalid spec (a list where a schema belongs...): one line, no traceback.
        raise SpecLoadError(
            f"{old.source} or {new.source} is not a valid OpenAPI document near {walker.where}"
            f" ({type(exc).__name__}: {exc}); check it with openapi-spec-validator"
        ) from None
    return sorted(walker.findings(), key=lambda f: (-f.level, f.operation, f.location, f.id))
