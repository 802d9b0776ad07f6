"""Models (attrs classes) and their fields, enums and their members, and other classes."""

from __future__ import annotations

from collections.abc import Mapping

from ._compare_base import Comparer, is_widening, without_unset
from ._snapshot import Enum, Field
from .findings import Level


def named_types(
    c: Comparer,
    kind: str,
    old: Mapping[str, object],
    new: Mapping[str, object],
    renamed: Mapping[str, str],
    same: str,
) -> None:
    """Models or enums (`kind`) added, removed, or renamed with the `same` body."""
    for name in sorted(set(old) - set(new)):
        if name in renamed:
            c.add(
                f"python-{kind}-renamed",
                name,
                f"{kind} {name} is now {renamed[name]} ({same})"
                + (": imports of the old name fail" if kind == "model" else ""),
                operations=c.reach(name),
            )
        else:
            c.add(
                f"python-{kind}-removed",
                name,
                f"{kind} {name} is gone",
                operations=c.reach(name),
            )
    for name in sorted(set(new) - set(old)):
        if name not in renamed.values():
            c.add(
                f"python-{kind}-added",
                name,
                f"new {kind} {name}",
                operations=c.reach(name),
            )


def models(c: Comparer) -> None:
    named_types(c, "model", c.old.models, c.new.models, c.model_renames, "same fields")
    for name in sorted(set(c.old.models) & set(c.new.models)):
        model_fields(c, name, c.old.models[name], c.new.models[name])


class _Model:
    """One model being compared: its name, its direction and the operations it reaches."""

    def __init__(self, c: Comparer, model: str) -> None:
        self.c, self.name = c, model
        self.sent = model in c.old.sent or model in c.new.sent
        self.received = model in c.old.received or model in c.new.received
        self.short = model.rsplit(".", 1)[1]
        self.ops = c.reach(model)
        self.construct = (f"{model}()",)

    def add(
        self,
        rule: str,
        field: str,
        message: str,
        keys: tuple[str, ...] = (),
        softened: Level | None = None,
    ) -> None:
        location = f"{self.name}.{field}" if field else self.name
        self.c.add(rule, location, message, keys, operations=self.ops, softened=softened)


def model_fields(c: Comparer, model: str, old: tuple[Field, ...], new: tuple[Field, ...]) -> None:
    """A model's fields removed, renamed, retyped, added, or reordered."""
    m = _Model(c, model)
    old_by = {f.name: f for f in old}
    new_by = {f.name: f for f in new}
    renamed = _field_renames(c, old_by, new_by)
    for name, field in old_by.items():
        if name in renamed:
            _field_renamed(m, field, new_by[renamed[name]])
        elif name not in new_by:
            m.add(
                "python-model-field-removed",
                name,
                f"{m.short}.{name} is gone: reading it raises AttributeError"
                + (", passing it TypeError" if field.init else ""),
                keys=(f"{model}.{name}", field.key),
            )
        else:
            _field_kept(m, field, new_by[name])
    for name, field in new_by.items():
        if name not in old_by and name not in renamed.values():
            _field_added(m, field)
    old_order = [f.alias for f in old if f.init and f.alias in new_by]
    new_order = [f.alias for f in new if f.init and f.alias in old_by]
    if old_order != new_order:
        m.add(
            "python-model-fields-reordered",
            "",
            f"the positional order of {m.short}(...) changed: {', '.join(old_order)} -> "
            f"{', '.join(new_order)}; calls with keywords keep working",
            keys=(f"{model}(*)",),
        )


def _field_renamed(m: _Model, field: Field, target: Field) -> None:
    m.add(
        "python-model-field-renamed",
        field.name,
        f"{m.short}.{field.name} is now {m.short}.{target.name} (JSON {field.wire!r} -> "
        f"{target.wire!r}, same type): reading the old name raises AttributeError, "
        "passing it TypeError, and dicts keyed by the old JSON name miss it",
        keys=(f"{m.name}.{field.name}", field.key),
    )


def _field_kept(m: _Model, field: Field, after: Field) -> None:
    """A field both generations have: its type and its requiredness."""
    name, short = field.name, m.short
    if without_unset(m.c.renamed_type(field.type)) != without_unset(after.type):
        before_t, after_t = without_unset(field.type), without_unset(after.type)
        safe = (not m.received and is_widening(before_t, after_t)) or (
            not m.sent and is_widening(after_t, before_t)
        )
        m.add(
            "python-model-field-type-compatible" if safe else "python-model-field-retyped",
            name,
            f"{short}.{name}: `{field.type}` -> `{after.type}`",
            keys=(f"{m.name}.{name}", field.key),
        )
    if after.required and not field.required:
        says = "" if m.sent else " (the client only parses this model)"
        _constructors_must_pass(
            m,
            "python-model-field-became-required",
            name,
            f"{short}.{name} became required: every {short}(...) must now pass it{says}",
            Level.INFO,
        )
    elif field.required and not after.required:
        m.add(
            "python-model-field-became-optional",
            name,
            f"{short}.{name} became optional (`{after.type}`)"
            + (": reads may now get UNSET" if m.received else ": constructors keep working"),
            softened=None if m.received else Level.INFO,
        )


def _constructors_must_pass(m: _Model, rule: str, name: str, text: str, lower: Level) -> None:
    """A field every constructor call must now pass: the rule's level for a model the client
    sends, `lower` for one it only receives (only hand-built instances break)."""
    m.add(rule, name, text, keys=m.construct, softened=None if m.sent else lower)


def _field_added(m: _Model, field: Field) -> None:
    short, name = m.short, field.name
    if field.required:
        who = "must now pass it" if m.sent else "built by hand (e.g. in tests) must pass it"
        _constructors_must_pass(
            m,
            "python-model-required-field-added",
            name,
            f"{short}.{name}: `{field.type}` is new and required: every {short}(...) {who}",
            Level.WARN,
        )
    else:
        m.add(
            "python-model-field-added",
            name,
            f"{short}.{name}: `{field.type}` is new and optional",
        )


def enums(c: Comparer) -> None:
    named_types(c, "enum", c.old.enums, c.new.enums, c.enum_renames, "same members")
    for name in sorted(set(c.old.enums) & set(c.new.enums)):
        enum_members(c, name, c.old.enums[name], c.new.enums[name])


def enum_members(c: Comparer, name: str, old: Enum, new: Enum) -> None:
    short = name.rsplit(".", 1)[1]
    ops = c.reach(name)
    for member, value in old.members.items():
        if member not in new.members:
            c.add(
                "python-enum-member-removed",
                f"{name}.{member}",
                f"{short}.{member} ({value!r}) is gone",
                operations=ops,
            )
        elif new.members[member] != value:
            c.add(
                "python-enum-member-value-changed",
                f"{name}.{member}",
                f"{short}.{member}: {value!r} -> {new.members[member]!r}",
                operations=ops,
            )
    for member, value in new.members.items():
        if member in old.members:
            continue
        if old.closed:
            c.add(
                "python-enum-member-added",
                f"{name}.{member}",
                f"{short}.{member} ({value!r}) is new; {short} is a closed enum, so a "
                "client generated before this change raises ValueError on an answer "
                f"carrying {value!r}",
                keys=(name,),
                operations=ops,
            )
        else:
            why = (
                "parsed as a plain str by older clients (the schema is open: anyOf with string)"
                if name in c.old.received
                else "older clients never receive it"
            )
            c.add(
                "python-enum-member-added",
                f"{name}.{member}",
                f"{short}.{member} ({value!r}) is new; {why}",
                keys=(name,),
                operations=ops,
                softened=Level.INFO,
            )


def classes(c: Comparer) -> None:
    for name in sorted(c.old.classes - c.new.classes):
        c.add("python-class-removed", name, f"class {name} is gone")
    for name in sorted(c.new.classes - c.old.classes):
        c.add("python-class-added", name, f"new class {name}")


def _field_renames(c: Comparer, old: dict[str, Field], new: dict[str, Field]) -> dict[str, str]:
    """Each removed field paired with the one added field of the same type and requiredness."""
    gone = [f for name, f in old.items() if name not in new]
    added = [f for name, f in new.items() if name not in old]

    def shape(field: Field, renamed: bool) -> tuple[str, bool]:
        type_ = c.renamed_type(field.type) if renamed else field.type
        return without_unset(type_), field.required

    pairs: dict[str, str] = {}
    for field in gone:
        matches = [f for f in added if shape(f, False) == shape(field, True)]
        twins = [f for f in gone if shape(f, True) == shape(field, True)]
        if len(matches) == 1 and len(twins) == 1:
            pairs[field.name] = matches[0].name
    return pairs
