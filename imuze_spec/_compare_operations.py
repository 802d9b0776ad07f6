"""Operations (api modules) added, removed or moved, and other modules and functions."""

from __future__ import annotations

from ._compare_base import API_FUNCTIONS, PACKAGE, Comparer
from ._compare_signatures import signature_changes


def operations(c: Comparer) -> set[str]:
    """Operation modules added, removed, or renamed (same METHOD and path): the rename
    of an operationId or of its first tag moves the four functions."""
    removed = sorted(set(c.old.operations) - set(c.new.operations))
    added = sorted(set(c.new.operations) - set(c.old.operations))
    by_route = {c.new.operations[module]: module for module in added}
    handled = set(removed) | set(added)
    for module in removed:
        method, path = c.old.operations[module]
        target = by_route.pop((method, path), None)
        old_op = c.old_ops.get(module, "")
        if target is not None:
            added.remove(target)
            new_op = c.new_ops.get(target, "")
            why = []
            if old_op != new_op:
                why.append(f"operationId {old_op} -> {new_op}")
            old_package, new_package = (
                name.rsplit(".", 1)[0].removeprefix(PACKAGE + ".") for name in (module, target)
            )
            if old_package != new_package:
                why.append(f"first tag: {old_package} -> {new_package}")
            c.add(
                "python-operation-renamed",
                module,
                f"{method} {path} moved from {module} to {target} ({'; '.join(why)}): "
                "imports of the old module fail",
                operation=old_op,
            )
            signature_changes(c, module, target)
            continue
        c.add(
            "python-operation-removed",
            module,
            f"module {module} ({method} {path}) is gone with its functions "
            f"{', '.join(API_FUNCTIONS)}",
            operation=old_op,
        )
    for module in added:
        method, path = c.new.operations[module]
        c.add(
            "python-operation-added",
            module,
            f"new module {module} ({method} {path}) with {', '.join(API_FUNCTIONS)}",
            operation=c.new_ops.get(module, ""),
        )
    return handled


def modules(c: Comparer, handled: set[str]) -> None:
    # Model modules are reported through their classes, tag packages through operations.
    def plain(module: str) -> bool:
        return not module.startswith(("imuze_client.models.", "imuze_client.api."))

    for module in sorted(c.old.modules - c.new.modules - handled):
        if plain(module):
            c.add("python-module-removed", module, f"module {module} is gone")
    for module in sorted(c.new.modules - c.old.modules - handled):
        if plain(module):
            c.add("python-module-added", module, f"new module {module}")


def functions(c: Comparer, handled: set[str]) -> None:
    """Functions removed or added in modules both generations have."""

    def kept(name: str) -> bool:
        module = name.rsplit(".", 1)[0]
        return module in c.old.modules and module in c.new.modules and module not in handled

    before, after = set(c.old.functions), set(c.new.functions)
    for rule, names, say in (
        ("python-function-removed", before - after, "function {} is gone"),
        ("python-function-added", after - before, "new function {}"),
    ):
        for name in sorted(names):
            if kept(name):
                module = name.rsplit(".", 1)[0]
                c.add(rule, name, say.format(name), operation=c.operation_of(module))
