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
                Level.ERR,
                f"python-{kind}-renamed",
                name,
                f"{kind} {name} is now {renamed[name]} ({same})"
                + (": imports of the old name fail" if kind == "model" else ""),
                operations=c.reach(name),
            )
        else:
            c.add(
                Level.ERR,
                f"python-{kind}-removed",
                name,
                f"{kind} {name} is gone",
                operations=c.reach(name),
            )
    for name in sorted(set(new) - set(old)):
        if name not in renamed.values():
            c.add(
                Level.INFO,
                f"python-{kind}-added",
                name,
                f"new {kind} {name}",
                operations=c.reach(name),
            )


def models(c: Comparer) -> None:
    named_types(c, "model", c.old.models, c.new.models, c.model_renames, "same fields")
    for name in sorted(set(c.old.models) & set(c.new.models)):
        model_fields(c, name, c.old.models[name], c.new.models[name])


def model_fields(c: Comparer, model: str, old: tuple[Field, ...], new: tuple[Field, ...]) -> None:
    sent = model in c.old.sent or model in c.new.sent
    received = model in c.old.received or model in c.new.received
    short = model.rsplit(".", 1)[1]
    ops = c.reach(model)
    old_by = {f.name: f for f in old}
    new_by = {f.name: f for f in new}
    construct = (f"{model}()",)
    renamed = _field_renames(c, old_by, new_by)
    for name, field in old_by.items():
        loc = f"{model}.{name}"
        after = new_by.get(name)
        if name in renamed:
            target = new_by[renamed[name]]
            c.add(
                Level.ERR,
                "python-model-field-renamed",
                loc,
                f"{short}.{name} is now {short}.{target.name} (JSON {field.wire!r} -> "
                f"{target.wire!r}, same type): reading the old name raises AttributeError, "
                "passing it TypeError, and dicts keyed by the old JSON name miss it",
                keys=(loc, field.key),
                operations=ops,
            )
            continue
        if after is None:
            c.add(
                Level.ERR,
                "python-model-field-removed",
                loc,
                f"{short}.{name} is gone: reading it raises AttributeError, passing it TypeError",
                keys=(loc, field.key),
                operations=ops,
            )
            continue
        if without_unset(c.renamed_type(field.type)) != without_unset(after.type):
            before_t, after_t = without_unset(field.type), without_unset(after.type)
            safe = (not received and is_widening(before_t, after_t)) or (
                not sent and is_widening(after_t, before_t)
            )
            c.add(
                Level.INFO if safe else Level.ERR,
                "python-model-field-type-compatible" if safe else "python-model-field-retyped",
                loc,
                f"{short}.{name}: `{field.type}` -> `{after.type}`",
                keys=(loc, field.key),
                operations=ops,
            )
        if after.required and not field.required:
            c.add(
                Level.ERR if sent else Level.INFO,
                "python-model-field-became-required",
                loc,
                f"{short}.{name} became required: every {short}(...) must now pass it"
                + ("" if sent else " (the client only parses this model)"),
                keys=construct,
                operations=ops,
            )
        elif field.required and not after.required:
            c.add(
                Level.ERR if received else Level.INFO,
                "python-model-field-became-optional",
                loc,
                f"{short}.{name} became optional (`{after.type}`)"
                + (": reads may now get UNSET" if received else ": constructors keep working"),
                operations=ops,
            )
    for name, field in new_by.items():
        if name in old_by or name in renamed.values():
            continue
        loc = f"{model}.{name}"
        if field.required:
            level = Level.ERR if sent else Level.WARN
            c.add(
                level,
                "python-model-required-field-added",
                loc,
                f"{short}.{name}: `{field.type}` is new and required: every {short}(...) "
                + ("must now pass it" if sent else "built by hand (e.g. in tests) must pass it"),
                keys=construct,
                operations=ops,
            )
        else:
            c.add(
                Level.INFO,
                "python-model-field-added",
                loc,
                f"{short}.{name}: `{field.type}` is new and optional",
                operations=ops,
            )
    old_order = [f.alias for f in old if f.alias in new_by]
    new_order = [f.alias for f in new if f.alias in old_by]
    if old_order != new_order:
        c.add(
            Level.WARN,
            "python-model-fields-reordered",
            model,
            f"the positional order of {short}(...) changed: {', '.join(old_order)} -> "
            f"{', '.join(new_order)}; calls with keywords keep working",
            keys=(f"{model}(*)",),
            operations=ops,
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
                Level.ERR,
                "python-enum-member-removed",
                f"{name}.{member}",
                f"{short}.{member} ({value!r}) is gone",
                operations=ops,
            )
        elif new.members[member] != value:
            c.add(
                Level.ERR,
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
                Level.WARN,
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
                Level.INFO,
                "python-enum-member-added",
                f"{name}.{member}",
                f"{short}.{member} ({value!r}) is new; {why}",
                keys=(name,),
                operations=ops,
            )


def classes(c: Comparer) -> None:
    for name in sorted(c.old.classes - c.new.classes):
        c.add(Level.ERR, "python-class-removed", name, f"class {name} is gone")
    for name in sorted(c.new.classes - c.old.classes):
        c.add(Level.INFO, "python-class-added", name, f"new class {name}")


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
