"""Schema constraints and values: bounds, multipleOf, uniqueItems, const, enum, pattern,
dependentRequired, default, string content and discriminator, each judged by direction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from .._patterns import compare_patterns
from ..load import Node
from ..schema import LOWER_BOUNDS, UPPER_BOUNDS, types_of, widens
from ._record import INFO, Ctx, Recorder

_X_ENUM = "x-extensible-enum"
_COUNTS = ("maxContains", "minContains")
_CONTENT = ("contentEncoding", "contentMediaType", "contentSchema")


def constraints(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    """Every value constraint of two schemas at the same place."""
    enum(rec, o, n, ctx)
    bounds(rec, o, n, ctx)
    _multiple_of(rec, o, n, ctx)
    _flag(rec, "uniqueItems", o, n, ctx)
    _const(rec, o, n, ctx)
    _dependent_required(rec, o, n, ctx)
    _default(rec, o, n, ctx)
    changed = [key for key in _CONTENT if o.get(key) != n.get(key)]
    if changed:
        message = f"{', '.join(changed)} changed: the string must be encoded or read differently"
        rec.emit("string-content-changed", ctx, message, changed[0])
    discriminator(rec, o.get("discriminator"), n.get("discriminator"), ctx)


def bounds(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    """Upper and lower bounds, and pattern."""
    for key in (*UPPER_BOUNDS, *LOWER_BOUNDS, *_COUNTS, "pattern"):
        old_v, new_v = o.get(key), n.get(key)
        if old_v == new_v:
            continue
        if isinstance(old_v, bool) or isinstance(new_v, bool):  # 3.0's exclusiveMinimum: true
            tightened, relaxed = bool(new_v) and not old_v, bool(old_v) and not new_v
        elif key == "pattern" and old_v is not None and new_v is not None:
            relation = compare_patterns(str(old_v), str(new_v))
            if relation is None:  # neither equal nor provably narrower or wider
                message = f"pattern {old_v!r} -> {new_v!r}: whether it admits the same strings "
                rec.emit("pattern-changed", ctx, message + "cannot be decided", key)
                continue
            tightened, relaxed = relation in ("same", "narrower"), relation in ("same", "wider")
            if relation == "same":
                continue
        elif key == "pattern":
            tightened, relaxed = new_v is not None, old_v is not None
        elif old_v is None or new_v is None:
            tightened, relaxed = old_v is None, new_v is None
        elif key in UPPER_BOUNDS or key == "maxContains":
            tightened, relaxed = new_v < old_v, new_v > old_v
        else:
            tightened, relaxed = new_v > old_v, new_v < old_v
        rec.judge(tightened, relaxed, f"{key} {old_v} -> {new_v}", ctx, key)


def _multiple_of(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    old_v, new_v = o.get("multipleOf"), n.get("multipleOf")
    if old_v == new_v:
        return
    # Multiples of 10 are multiples of 5: a new divisor that the old one divides tightens.
    tightened = old_v is None or (new_v is not None and _divides(old_v, new_v))
    relaxed = new_v is None or (old_v is not None and _divides(new_v, old_v))
    rec.judge(tightened, relaxed, f"multipleOf {old_v} -> {new_v}", ctx, "multipleOf")


def _divides(small: Any, big: Any) -> bool:
    try:
        ratio = big / small
    except (TypeError, ZeroDivisionError):
        return False
    return bool(abs(ratio - round(ratio)) < 1e-9)


def _flag(rec: Recorder, key: str, o: Node, n: Node, ctx: Ctx) -> None:
    old_v, new_v = bool(o.get(key)), bool(n.get(key))
    if old_v != new_v:
        rec.judge(new_v, old_v, f"{key} {old_v} -> {new_v}", ctx, key)


def _const(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    if o.get("const") == n.get("const") and ("const" in o) == ("const" in n):
        return
    tightened, relaxed = "const" not in o, "const" not in n
    change = f"const {o.get('const', '(none)')!r} -> {n.get('const', '(none)')!r}"
    rec.judge(tightened, relaxed, change, ctx, "const")


def _dependent_required(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    old_d, new_d = o.get("dependentRequired") or {}, n.get("dependentRequired") or {}
    if old_d == new_d:
        return
    pairs = {(k, v) for k, vs in old_d.items() for v in vs}
    new_pairs = {(k, v) for k, vs in new_d.items() for v in vs}
    change = "dependentRequired " + "; ".join(
        f"{'+' if pair in new_pairs else '-'}{pair[0]} needs {pair[1]}"
        for pair in sorted(pairs ^ new_pairs)
    )
    rec.judge(bool(new_pairs - pairs), bool(pairs - new_pairs), change, ctx, "dependentRequired")


def _default(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    if ("default" in o, o.get("default")) == ("default" in n, n.get("default")):
        return
    change = f"default {o.get('default', '(none)')!r} -> {n.get('default', '(none)')!r}"
    if ctx.request:
        message = f"{change}: the server assumes another value when the client omits it"
        rec.emit("default-changed", ctx, message, "default")
    else:
        rec.emit("default-changed", ctx, change, "default", softened=INFO)


def discriminator(rec: Recorder, old: Any, new: Any, ctx: Ctx) -> None:
    """The property that selects a branch, and the values that name each branch."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        if isinstance(old, dict) != isinstance(new, dict):
            message = "discriminator " + ("added" if isinstance(new, dict) else "removed")
            rec.emit("discriminator-property-changed", ctx, message, "discriminator")
        return
    if old.get("propertyName") != new.get("propertyName"):
        message = f"discriminator {old.get('propertyName')!r} -> {new.get('propertyName')!r}"
        rec.emit("discriminator-property-changed", ctx, message, "discriminator")
    old_map, new_map = old.get("mapping") or {}, new.get("mapping") or {}
    for value, target in old_map.items():
        if new_map.get(value) != target:
            now = new_map.get(value)
            message = f"discriminator value {value!r} " + (
                f"now maps to {now}" if now else "removed"
            )
            rec.emit("discriminator-mapping-removed", ctx, message, "discriminator", value)
    for value in (v for v in new_map if v not in old_map):
        message = f"new discriminator value {value!r}"
        softened = INFO if ctx.request else None
        rec.emit(
            "discriminator-mapping-added", ctx, message, "discriminator", value, softened=softened
        )


def enum(rec: Recorder, o: Node, n: Node, ctx: Ctx) -> None:
    """Enum values, and Zalando's `x-extensible-enum` (the known values of an open string)."""
    old_e, new_e = o.get("enum"), n.get("enum")
    if old_e is None and new_e is None:
        old_x, new_x = o.get(_X_ENUM), n.get(_X_ENUM)
        if isinstance(old_x, list) and isinstance(new_x, list):
            enum(rec, {"enum": old_x}, {"enum": new_x}, replace(ctx, open_enum=True))
        return
    if old_e is None or new_e is None:
        became = new_e is not None
        if ctx.request and became:
            rec.emit("request-constraint-tightened", ctx, "became an enum", "enum")
        elif ctx.request:
            rec.emit("request-constraint-relaxed", ctx, "no longer an enum", "enum")
        elif became:
            rec.emit("response-constraint-narrowed", ctx, "became an enum", "enum")
        else:
            message = "no longer an enum: any value may be sent"
            softened = INFO if ctx.open_enum else None
            rec.emit("response-constraint-widened", ctx, message, "enum", softened=softened)
        return
    _enum_values(rec, old_e, new_e, ctx)


def _enum_values(rec: Recorder, old_e: Iterable[Any], new_e: Iterable[Any], ctx: Ctx) -> None:
    old_e, new_e = list(old_e), list(new_e)
    for value in [v for v in old_e if v not in new_e]:
        if ctx.request:
            message = f"enum value {value!r} removed: callers sending it are rejected"
            rec.emit("request-enum-value-removed", ctx, message, "enum", value)
        else:
            message = f"enum value {value!r} no longer sent"
            rec.emit("response-enum-value-removed", ctx, message, "enum", value)
    for value in [v for v in new_e if v not in old_e]:
        if ctx.request:
            message = f"new enum value {value!r}"
            rec.emit("request-enum-value-added", ctx, message, "enum", value)
        elif ctx.open_enum:
            message = f"new value {value!r} of an extensible enum (clients accept any string)"
            rec.emit("response-enum-value-added", ctx, message, "enum", value, softened=INFO)
        else:
            message = f"new enum value {value!r}: a client with a closed enum fails on it"
            rec.emit("response-enum-value-added", ctx, message, "enum", value)


def type_change(
    rec: Recorder, old_t: frozenset[str], new_t: frozenset[str], o: Node, n: Node, ctx: Ctx
) -> None:
    """The types (nullability apart) and the format."""
    if old_t != new_t:
        change = f"type {_spell(old_t)} -> {_spell(new_t)}"
        _retyped(rec, widens(old_t, new_t), widens(new_t, old_t), change, ctx, "type")
    if o.get("format") != n.get("format"):
        change = f"format {o.get('format') or '(none)'} -> {n.get('format') or '(none)'}"
        _retyped(rec, n.get("format") is None, o.get("format") is None, change, ctx, "format")


def _retyped(
    rec: Recorder, generalized: bool, narrowed: bool, change: str, ctx: Ctx, key: str
) -> None:
    if ctx.request:
        if generalized:
            rec.emit("request-type-generalized", ctx, change, key)
        else:
            rec.emit("request-type-changed", ctx, change, key)
    elif narrowed:
        rec.emit("response-type-narrowed", ctx, change, key)
    elif generalized:
        rec.emit("response-type-generalized", ctx, change, key)
    else:
        rec.emit("response-type-changed", ctx, change, key)


def nullability(rec: Recorder, told: frozenset[str], tnew: frozenset[str], ctx: Ctx) -> None:
    """`null` admitted or not, in either spelling (3.0 nullable, 3.1 type list)."""
    if "null" in told and "null" not in tnew:
        if ctx.request:
            message = "no longer accepts null: callers sending null are rejected"
            rec.emit("request-became-not-nullable", ctx, message)
        else:
            rec.emit("response-became-not-nullable", ctx, "no longer null")
    elif "null" in tnew and "null" not in told:
        if ctx.request:
            rec.emit("request-became-nullable", ctx, "now accepts null")
        else:
            message = "may now be null: clients that expect a value break"
            rec.emit("response-became-nullable", ctx, message)


def _spell(types: Iterable[str]) -> str:
    return "|".join(sorted(types)) or "none"


__all__ = ["constraints", "nullability", "type_change", "types_of"]
