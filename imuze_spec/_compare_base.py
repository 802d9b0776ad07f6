"""What every part of the Python comparison shares: the two snapshots, renames, and `add`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import rules
from ._snapshot import Snapshot, split_union
from .findings import Finding, Level

PACKAGE = "imuze_client"
API_FUNCTIONS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")


@dataclass(frozen=True)
class Change:
    """A finding before its blast radius is known. A use matches a key when it equals it or
    lies under it (`key.` prefix); `KEY()` stands for a call of KEY."""

    finding: Finding
    keys: tuple[str, ...]


def without_unset(type_: str) -> str:
    members = split_union(type_) - {"Unset"}
    return " | ".join(sorted(members, key=lambda m: (m == "None", m)))


def unwrap(type_: str) -> str:
    """`Response[X]` (the *_detailed functions) -> `X`."""
    if type_.startswith("Response[") and type_.endswith("]"):
        return type_[len("Response[") : -1]
    return type_


def _accepted(type_: str) -> set[str]:
    members = split_union(type_)
    return members | {"int"} if "float" in members else members  # the numeric tower


def is_widening(old: str, new: str) -> bool:
    """Whether every value of `old` is a value of `new` (and `new` has more)."""
    return _accepted(old) < _accepted(new)


def renames(old: Mapping[str, object], new: Mapping[str, object]) -> dict[str, str]:
    """Pair each removed class with the one added class that has the same body."""
    added = [name for name in new if name not in old]
    pairs: dict[str, str] = {}
    for old_name in (name for name in old if name not in new):
        matches = [name for name in added if new[name] == old[old_name]]
        if len(matches) == 1 and matches[0] not in pairs.values():
            pairs[old_name] = matches[0]
    return pairs


class Comparer:
    """The two snapshots being compared, and the changes found so far."""

    def __init__(
        self,
        old: Snapshot,
        new: Snapshot,
        old_ops: Mapping[str, str],
        new_ops: Mapping[str, str],
    ) -> None:
        self.old, self.new = old, new
        self.old_ops, self.new_ops = old_ops, new_ops
        self.changes: list[Change] = []
        self.model_renames = renames(old.models, new.models)
        self.enum_renames = renames(
            {name: enum.members for name, enum in old.enums.items()},
            {name: enum.members for name, enum in new.enums.items()},
        )
        # A renamed class is reported once: the annotations that name it are not retyped.
        self._short_renames = {
            old_name.rsplit(".", 1)[1]: new_name.rsplit(".", 1)[1]
            for old_name, new_name in {**self.model_renames, **self.enum_renames}.items()
        }

    def renamed_type(self, type_: str) -> str:
        """An old annotation with renamed classes spelled by their new names."""
        if not self._short_renames:
            return type_
        pattern = r"\b(" + "|".join(map(re.escape, self._short_renames)) + r")\b"
        return re.sub(pattern, lambda match: self._short_renames[match.group(1)], type_)

    # -- helpers ---------------------------------------------------------------------------

    def add(
        self,
        id_: str,
        location: str,
        message: str,
        keys: Iterable[str] = (),
        operation: str = "",
        operations: Iterable[str] = (),
        softened: Level | None = None,
    ) -> None:
        """A finding of rule `id_`, at its rule's level or at a documented `softened` one."""
        finding = Finding(
            level=rules.level_of(id_, softened),
            side="python",
            id=id_,
            operation=operation,
            location=location,
            message=message,
            operations=tuple(sorted(set(operations))),
        )
        self.changes.append(Change(finding, tuple(keys) or (location,)))

    def operation_of(self, module: str) -> str:
        return self.old_ops.get(module) or self.new_ops.get(module, "")

    def reach(self, dotted: str) -> list[str]:
        modules = set(self.old.reach.get(dotted, ())) | set(self.new.reach.get(dotted, ()))
        return sorted({self.operation_of(module) for module in modules} - {""})
