"""Classify the differences between two snapshots of the generated client's public API.

Each change becomes a Finding (side "python") plus the `keys` that a use in imuze_ext, the
CLI or the mock must match to be in its blast radius (see _usage.py).

Ids, with their level. "Sent"/"received": the client serialises the model (a request body)
or parses it (a response); the level follows whose code breaks.

  python-operation-removed / -renamed     ERR   an api module gone / moved (operationId or
                                                first tag renamed: same METHOD and path)
  python-operation-added                  INFO
  python-function-removed / -added        ERR / INFO   (in a module both sides have)
  python-module-removed / -added          ERR / INFO   (other than api and model modules)
  python-parameter-removed, -added-required, -became-required, -moved, -changed-kind
                                          ERR   (griffe's breakages, one per operation)
  python-parameter-default-changed        WARN  (griffe)
  python-parameter-retyped                ERR   (INFO as -type-widened)
  python-parameter-added, -became-optional  INFO
  python-return-retyped                   ERR   (INFO as python-return-narrowed)
  python-model-removed / -renamed         ERR   (renamed: an added model has the same fields)
  python-model-added                      INFO
  python-model-field-removed              ERR
  python-model-field-retyped              ERR   (INFO as -type-compatible: widened in a
                                                sent-only model, narrowed in a received-only one)
  python-model-required-field-added       ERR sent, WARN received-only (hand-built instances)
  python-model-field-became-required      ERR sent, INFO received-only
  python-model-field-became-optional      ERR received (reads may get UNSET), INFO sent-only
  python-model-field-added                INFO
  python-model-fields-reordered           WARN  (positional construction)
  python-enum-removed / -renamed          ERR
  python-enum-added                       INFO
  python-enum-member-removed, -value-changed  ERR
  python-enum-member-added                WARN when old clients parse the enum closed (an
                                                unknown value raises ValueError), else INFO
  python-class-removed / -added           ERR / INFO
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import griffe

from ._snapshot import Enum, Field, Function, Snapshot, split_union
from .findings import Finding, Level

PACKAGE = "imuze_client"
API_FUNCTIONS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")


@dataclass(frozen=True)
class Change:
    """A finding before its blast radius is known. A use matches a key when it equals it or
    lies under it (`key.` prefix); `KEY()` stands for a call of KEY."""

    finding: Finding
    keys: tuple[str, ...]


def _without_unset(type_: str) -> str:
    members = split_union(type_) - {"Unset"}
    return " | ".join(sorted(members, key=lambda m: (m == "None", m)))


def _unwrap(type_: str) -> str:
    """`Response[X]` (the *_detailed functions) -> `X`."""
    if type_.startswith("Response[") and type_.endswith("]"):
        return type_[len("Response[") : -1]
    return type_


def _accepted(type_: str) -> set[str]:
    members = split_union(type_)
    return members | {"int"} if "float" in members else members  # the numeric tower


def _is_widening(old: str, new: str) -> bool:
    """Whether every value of `old` is a value of `new` (and `new` has more)."""
    return _accepted(old) < _accepted(new)


class _Comparer:
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
        self.model_renames = self._renames(old.models, new.models)
        self.enum_renames = self._renames(
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
        level: Level,
        id_: str,
        location: str,
        message: str,
        keys: Iterable[str] = (),
        operation: str = "",
        operations: Iterable[str] = (),
    ) -> None:
        finding = Finding(
            level=level,
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

    # -- operations (api modules) ----------------------------------------------------------

    def operations(self) -> set[str]:
        """Operation modules added, removed, or renamed (same METHOD and path): the rename
        of an operationId or of its first tag moves the four functions."""
        removed = sorted(set(self.old.operations) - set(self.new.operations))
        added = sorted(set(self.new.operations) - set(self.old.operations))
        by_route = {self.new.operations[module]: module for module in added}
        handled = set(removed) | set(added)
        for module in removed:
            method, path = self.old.operations[module]
            target = by_route.pop((method, path), None)
            old_op = self.old_ops.get(module, "")
            if target is not None:
                added.remove(target)
                new_op = self.new_ops.get(target, "")
                why = []
                if old_op != new_op:
                    why.append(f"operationId {old_op} -> {new_op}")
                old_package, new_package = (
                    name.rsplit(".", 1)[0].removeprefix(PACKAGE + ".") for name in (module, target)
                )
                if old_package != new_package:
                    why.append(f"first tag: {old_package} -> {new_package}")
                self.add(
                    Level.ERR,
                    "python-operation-renamed",
                    module,
                    f"{method} {path} moved from {module} to {target} ({'; '.join(why)}): "
                    "imports of the old module fail",
                    operation=old_op,
                )
                self.signature_changes(module, target)
                continue
            self.add(
                Level.ERR,
                "python-operation-removed",
                module,
                f"module {module} ({method} {path}) is gone with its functions "
                f"{', '.join(API_FUNCTIONS)}",
                operation=old_op,
            )
        for module in added:
            method, path = self.new.operations[module]
            self.add(
                Level.INFO,
                "python-operation-added",
                module,
                f"new module {module} ({method} {path}) with {', '.join(API_FUNCTIONS)}",
                operation=self.new_ops.get(module, ""),
            )
        return handled

    # -- other modules and functions -------------------------------------------------------

    def modules(self, handled: set[str]) -> None:
        # Model modules are reported through their classes, tag packages through operations.
        def plain(module: str) -> bool:
            return not module.startswith(("imuze_client.models.", "imuze_client.api."))

        for module in sorted(self.old.modules - self.new.modules - handled):
            if plain(module):
                self.add(Level.ERR, "python-module-removed", module, f"module {module} is gone")
        for module in sorted(self.new.modules - self.old.modules - handled):
            if plain(module):
                self.add(Level.INFO, "python-module-added", module, f"new module {module}")

    def functions(self, handled: set[str]) -> None:
        """Functions removed or added in modules both generations have."""

        def kept(name: str) -> bool:
            module = name.rsplit(".", 1)[0]
            return (
                module in self.old.modules and module in self.new.modules and module not in handled
            )

        for name in sorted(set(self.old.functions) - set(self.new.functions)):
            if kept(name):
                module = name.rsplit(".", 1)[0]
                self.add(
                    Level.ERR,
                    "python-function-removed",
                    name,
                    f"function {name} is gone",
                    operation=self.operation_of(module),
                )
        for name in sorted(set(self.new.functions) - set(self.old.functions)):
            if kept(name):
                module = name.rsplit(".", 1)[0]
                self.add(
                    Level.INFO,
                    "python-function-added",
                    name,
                    f"new function {name}",
                    operation=self.operation_of(module),
                )

    # -- function signatures: griffe's breakages, then what griffe does not check -----------

    def signature_changes(self, old_module: str, new_module: str) -> None:
        """For a moved operation: what else changed in its functions' signatures."""
        pairs = {}
        for func in API_FUNCTIONS:
            old = self.old.functions.get(f"{old_module}.{func}")
            new = self.new.functions.get(f"{new_module}.{func}")
            if old is not None and new is not None:
                pairs[func] = (old, new)
        self._grouped_signature(old_module, pairs, also_griffe_gaps=False)

    def griffe_breakages(self, breakages: Iterable[griffe.Breakage]) -> None:
        """Map griffe's parameter breakages, grouped over an operation's four functions."""
        grouped: dict[tuple[str, str, str, str], list[str]] = {}
        for breakage in breakages:
            if not isinstance(breakage.obj, griffe.Function):
                continue
            value = breakage.old_value if breakage.old_value is not None else breakage.new_value
            if not isinstance(value, griffe.Parameter):
                continue
            module, func = breakage.obj.path.rsplit(".", 1)
            detail = breakage.details or ""
            grouped.setdefault((module, breakage.kind.name, value.name, detail), []).append(func)
        ids = {
            "PARAMETER_REMOVED": ("python-parameter-removed", "is gone"),
            "PARAMETER_ADDED_REQUIRED": ("python-parameter-added-required", "is new and required"),
            "PARAMETER_CHANGED_REQUIRED": ("python-parameter-became-required", "became required"),
            "PARAMETER_MOVED": ("python-parameter-moved", "moved"),
            "PARAMETER_CHANGED_KIND": ("python-parameter-changed-kind", "changed kind"),
            "PARAMETER_CHANGED_DEFAULT": ("python-parameter-default-changed", "changed default"),
        }
        for (module, kind, param, detail), funcs in sorted(grouped.items()):
            if kind not in ids:
                continue
            id_, verb = ids[kind]
            level = Level.WARN if kind == "PARAMETER_CHANGED_DEFAULT" else Level.ERR
            location, where = self._param_location(module, funcs, param)
            call_keys = (
                [f"{module}.{func}()" for func in funcs]
                if kind in ("PARAMETER_ADDED_REQUIRED", "PARAMETER_CHANGED_REQUIRED")
                else [f"{module}.{func}.{param}" for func in funcs]
            )
            suffix = f" ({detail})" if detail else ""
            self.add(
                level,
                id_,
                location,
                f"parameter `{param}` of {where} {verb}{suffix}",
                keys=call_keys,
                operation=self.operation_of(module),
            )

    def _param_location(self, module: str, funcs: list[str], param: str) -> tuple[str, str]:
        funcs = sorted(funcs, key=lambda f: API_FUNCTIONS.index(f) if f in API_FUNCTIONS else 9)
        if module in self.old.operations and set(funcs) == set(API_FUNCTIONS):
            return f"{module}.{param}", f"{module}.{{{', '.join(funcs)}}}"
        if len(funcs) == 1:
            return f"{module}.{funcs[0]}.{param}", f"{module}.{funcs[0]}"
        return f"{module}.{funcs[0]}.{param}", f"{module}.{{{', '.join(funcs)}}}"

    def signatures(self, handled: set[str]) -> None:
        """What griffe does not check: resolved parameter and return annotations, and
        optional parameters added (griffe only reports breakages)."""
        by_module: dict[str, dict[str, tuple[Function, Function]]] = {}
        for name in sorted(set(self.old.functions) & set(self.new.functions)):
            module, func = name.rsplit(".", 1)
            if module in handled:
                continue
            by_module.setdefault(module, {})[func] = (
                self.old.functions[name],
                self.new.functions[name],
            )
        for module, pairs in by_module.items():
            self._grouped_signature(module, pairs, also_griffe_gaps=True)

    def _grouped_signature(
        self,
        module: str,
        pairs: Mapping[str, tuple[Function, Function]],
        *,
        also_griffe_gaps: bool,
    ) -> None:
        grouped: dict[tuple[str, str, str, str], list[str]] = {}
        returns: dict[str, tuple[str, str]] = {}
        for func, (old, new) in pairs.items():
            for param in new.params:
                before = old.param(param.name)
                if before is None:
                    if also_griffe_gaps and not param.required:
                        grouped.setdefault(("added", param.name, "", param.type), []).append(func)
                    if not also_griffe_gaps:  # a moved operation: griffe did not see this
                        kind = "added-required" if param.required else "added"
                        grouped.setdefault((kind, param.name, "", param.type), []).append(func)
                    continue
                if before.required and not param.required:
                    grouped.setdefault(("became-optional", param.name, "", param.type), []).append(
                        func
                    )
                elif param.required and not before.required and not also_griffe_gaps:
                    grouped.setdefault(("became-required", param.name, "", ""), []).append(func)
                if _without_unset(self.renamed_type(before.type)) != _without_unset(param.type):
                    grouped.setdefault(("retyped", param.name, before.type, param.type), []).append(
                        func
                    )
            if not also_griffe_gaps:
                for param in old.params:
                    if new.param(param.name) is None:
                        grouped.setdefault(("removed", param.name, param.type, ""), []).append(func)
            if self.renamed_type(old.returns) != new.returns:
                returns[func] = (old.returns, new.returns)
        operation = self.operation_of(module)
        if returns:
            # One finding per module: sync and sync_detailed differ only by the Response wrapper.
            funcs = sorted(
                returns, key=lambda f: API_FUNCTIONS.index(f) if f in API_FUNCTIONS else 9
            )
            was, now = returns[funcs[0]]
            narrowed = all(
                split_union(_unwrap(b)) > split_union(_unwrap(a)) for b, a in returns.values()
            )
            self.add(
                Level.INFO if narrowed else Level.ERR,
                "python-return-narrowed" if narrowed else "python-return-retyped",
                module if set(funcs) == set(API_FUNCTIONS) else f"{module}.{funcs[0]}",
                f"{module}.{funcs[0]} now returns `{now}` (was `{was}`)"
                + (f", and likewise {', '.join(funcs[1:])}" if len(funcs) > 1 else ""),
                keys=[f"{module}.{func}()" for func in funcs],
                operation=operation,
            )
        for (kind, name, before_t, after_t), funcs in sorted(grouped.items()):
            self._signature_finding(module, kind, name, before_t, after_t, funcs, operation)

    def _signature_finding(
        self,
        module: str,
        kind: str,
        param: str,
        before: str,
        after: str,
        funcs: list[str],
        operation: str,
    ) -> None:
        location, where = self._param_location(module, funcs, param)
        if kind == "retyped":
            widened = _is_widening(_without_unset(before), _without_unset(after))
            self.add(
                Level.INFO if widened else Level.ERR,
                "python-parameter-type-widened" if widened else "python-parameter-retyped",
                location,
                f"parameter `{param}` of {where}: `{before}` -> `{after}`",
                keys=[f"{module}.{func}.{param}" for func in funcs],
                operation=operation,
            )
        elif kind == "added":
            self.add(
                Level.INFO,
                "python-parameter-added",
                location,
                f"{where} takes a new optional parameter `{param}: {after}`",
                operation=operation,
            )
        elif kind == "became-optional":
            self.add(
                Level.INFO,
                "python-parameter-became-optional",
                location,
                f"parameter `{param}` of {where} became optional (`{after}`)",
                operation=operation,
            )
        elif kind == "became-required":
            self.add(
                Level.ERR,
                "python-parameter-became-required",
                location,
                f"parameter `{param}` of {where} became required",
                keys=[f"{module}.{func}()" for func in funcs],
                operation=operation,
            )
        elif kind == "added-required":
            self.add(
                Level.ERR,
                "python-parameter-added-required",
                location,
                f"parameter `{param}` of {where} is new and required",
                keys=[f"{module}.{func}()" for func in funcs],
                operation=operation,
            )
        elif kind == "removed":
            self.add(
                Level.ERR,
                "python-parameter-removed",
                location,
                f"parameter `{param}` of {where} is gone",
                keys=[f"{module}.{func}.{param}" for func in funcs],
                operation=operation,
            )

    # -- models ------------------------------------------------------------------------------

    @staticmethod
    def _renames(old: Mapping[str, object], new: Mapping[str, object]) -> dict[str, str]:
        """Pair each removed class with the one added class that has the same body."""
        added = [name for name in new if name not in old]
        pairs: dict[str, str] = {}
        for old_name in (name for name in old if name not in new):
            matches = [name for name in added if new[name] == old[old_name]]
            if len(matches) == 1 and matches[0] not in pairs.values():
                pairs[old_name] = matches[0]
        return pairs

    def named_types(
        self,
        kind: str,
        old: Mapping[str, object],
        new: Mapping[str, object],
        renamed: Mapping[str, str],
        same: str,
    ) -> None:
        """Models or enums (`kind`) added, removed, or renamed with the `same` body."""
        for name in sorted(set(old) - set(new)):
            if name in renamed:
                self.add(
                    Level.ERR,
                    f"python-{kind}-renamed",
                    name,
                    f"{kind} {name} is now {renamed[name]} ({same})"
                    + (": imports of the old name fail" if kind == "model" else ""),
                    operations=self.reach(name),
                )
            else:
                self.add(
                    Level.ERR,
                    f"python-{kind}-removed",
                    name,
                    f"{kind} {name} is gone",
                    operations=self.reach(name),
                )
        for name in sorted(set(new) - set(old)):
            if name not in renamed.values():
                self.add(
                    Level.INFO,
                    f"python-{kind}-added",
                    name,
                    f"new {kind} {name}",
                    operations=self.reach(name),
                )

    def models(self) -> None:
        self.named_types(
            "model", self.old.models, self.new.models, self.model_renames, "same fields"
        )
        for name in sorted(set(self.old.models) & set(self.new.models)):
            self.model_fields(name, self.old.models[name], self.new.models[name])

    def model_fields(self, model: str, old: tuple[Field, ...], new: tuple[Field, ...]) -> None:
        sent = model in self.old.sent or model in self.new.sent
        received = model in self.old.received or model in self.new.received
        short = model.rsplit(".", 1)[1]
        ops = self.reach(model)
        old_by = {f.name: f for f in old}
        new_by = {f.name: f for f in new}
        construct = (f"{model}()",)
        for name, field in old_by.items():
            loc = f"{model}.{name}"
            after = new_by.get(name)
            if after is None:
                self.add(
                    Level.ERR,
                    "python-model-field-removed",
                    loc,
                    f"{short}.{name} is gone: reading it raises AttributeError, "
                    "passing it TypeError",
                    operations=ops,
                )
                continue
            if _without_unset(self.renamed_type(field.type)) != _without_unset(after.type):
                before_t, after_t = _without_unset(field.type), _without_unset(after.type)
                safe = (not received and _is_widening(before_t, after_t)) or (
                    not sent and _is_widening(after_t, before_t)
                )
                self.add(
                    Level.INFO if safe else Level.ERR,
                    "python-model-field-type-compatible" if safe else "python-model-field-retyped",
                    loc,
                    f"{short}.{name}: `{field.type}` -> `{after.type}`",
                    operations=ops,
                )
            if after.required and not field.required:
                self.add(
                    Level.ERR if sent else Level.INFO,
                    "python-model-field-became-required",
                    loc,
                    f"{short}.{name} became required: every {short}(...) must now pass it"
                    + ("" if sent else " (the client only parses this model)"),
                    keys=construct,
                    operations=ops,
                )
            elif field.required and not after.required:
                self.add(
                    Level.ERR if received else Level.INFO,
                    "python-model-field-became-optional",
                    loc,
                    f"{short}.{name} became optional (`{after.type}`)"
                    + (": reads may now get UNSET" if received else ": constructors keep working"),
                    operations=ops,
                )
        for name, field in new_by.items():
            if name in old_by:
                continue
            loc = f"{model}.{name}"
            if field.required:
                level = Level.ERR if sent else Level.WARN
                self.add(
                    level,
                    "python-model-required-field-added",
                    loc,
                    f"{short}.{name}: `{field.type}` is new and required: every {short}(...) "
                    + (
                        "must now pass it" if sent else "built by hand (e.g. in tests) must pass it"
                    ),
                    keys=construct,
                    operations=ops,
                )
            else:
                self.add(
                    Level.INFO,
                    "python-model-field-added",
                    loc,
                    f"{short}.{name}: `{field.type}` is new and optional",
                    operations=ops,
                )
        old_order = [f.alias for f in old if f.alias in new_by]
        new_order = [f.alias for f in new if f.alias in old_by]
        if old_order != new_order:
            self.add(
                Level.WARN,
                "python-model-fields-reordered",
                model,
                f"the positional order of {short}(...) changed: {', '.join(old_order)} -> "
                f"{', '.join(new_order)}; calls with keywords keep working",
                keys=(f"{model}(*)",),
                operations=ops,
            )

    # -- enums -------------------------------------------------------------------------------

    def enums(self) -> None:
        self.named_types("enum", self.old.enums, self.new.enums, self.enum_renames, "same members")
        for name in sorted(set(self.old.enums) & set(self.new.enums)):
            self.enum_members(name, self.old.enums[name], self.new.enums[name])

    def enum_members(self, name: str, old: Enum, new: Enum) -> None:
        short = name.rsplit(".", 1)[1]
        ops = self.reach(name)
        for member, value in old.members.items():
            if member not in new.members:
                self.add(
                    Level.ERR,
                    "python-enum-member-removed",
                    f"{name}.{member}",
                    f"{short}.{member} ({value!r}) is gone",
                    operations=ops,
                )
            elif new.members[member] != value:
                self.add(
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
                self.add(
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
                    if name in self.old.received
                    else "older clients never receive it"
                )
                self.add(
                    Level.INFO,
                    "python-enum-member-added",
                    f"{name}.{member}",
                    f"{short}.{member} ({value!r}) is new; {why}",
                    keys=(name,),
                    operations=ops,
                )

    # -- other classes -----------------------------------------------------------------------

    def classes(self) -> None:
        for name in sorted(self.old.classes - self.new.classes):
            self.add(Level.ERR, "python-class-removed", name, f"class {name} is gone")
        for name in sorted(self.new.classes - self.old.classes):
            self.add(Level.INFO, "python-class-added", name, f"new class {name}")


def compare(
    old: Snapshot,
    new: Snapshot,
    breakages: Iterable[griffe.Breakage],
    old_ops: Mapping[str, str],
    new_ops: Mapping[str, str],
) -> list[Change]:
    """Every public-API change from `old` to `new`. `old_ops`/`new_ops` map api modules to
    their operationIds; `breakages` are griffe's, for the signatures it checks."""
    comparer = _Comparer(old, new, old_ops, new_ops)
    handled = comparer.operations()
    comparer.modules(handled)
    comparer.functions(handled)
    comparer.griffe_breakages(b for b in breakages if b.obj.path.rsplit(".", 1)[0] not in handled)
    comparer.signatures(handled)
    comparer.models()
    comparer.enums()
    comparer.classes()
    return comparer.changes
