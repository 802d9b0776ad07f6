"""Function signatures: griffe's breakages grouped per operation, then what griffe does not check
(resolved annotations, optional parameters added, returns)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import griffe

from ._compare_base import API_FUNCTIONS, Comparer, is_widening, unwrap, without_unset
from ._snapshot import Function, split_union


def signature_changes(c: Comparer, old_module: str, new_module: str) -> None:
    """For a moved operation: what else changed in its functions' signatures."""
    pairs = {}
    for func in API_FUNCTIONS:
        old = c.old.functions.get(f"{old_module}.{func}")
        new = c.new.functions.get(f"{new_module}.{func}")
        if old is not None and new is not None:
            pairs[func] = (old, new)
    _grouped_signature(c, old_module, pairs, also_griffe_gaps=False)


def griffe_breakages(c: Comparer, breakages: Iterable[griffe.Breakage]) -> None:
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
        location, where = _param_location(c, module, funcs, param)
        call_keys = (
            [f"{module}.{func}()" for func in funcs]
            if kind in ("PARAMETER_ADDED_REQUIRED", "PARAMETER_CHANGED_REQUIRED")
            else [f"{module}.{func}.{param}" for func in funcs]
        )
        suffix = f" ({detail})" if detail else ""
        c.add(
            id_,
            location,
            f"parameter `{param}` of {where} {verb}{suffix}",
            keys=call_keys,
            operation=c.operation_of(module),
        )


def _param_location(c: Comparer, module: str, funcs: list[str], param: str) -> tuple[str, str]:
    funcs = sorted(funcs, key=lambda f: API_FUNCTIONS.index(f) if f in API_FUNCTIONS else 9)
    if module in c.old.operations and set(funcs) == set(API_FUNCTIONS):
        return f"{module}.{param}", f"{module}.{{{', '.join(funcs)}}}"
    if len(funcs) == 1:
        return f"{module}.{funcs[0]}.{param}", f"{module}.{funcs[0]}"
    return f"{module}.{funcs[0]}.{param}", f"{module}.{{{', '.join(funcs)}}}"


def signatures(c: Comparer, handled: set[str]) -> None:
    """What griffe does not check: resolved parameter and return annotations, and
    optional parameters added (griffe only reports breakages)."""
    by_module: dict[str, dict[str, tuple[Function, Function]]] = {}
    for name in sorted(set(c.old.functions) & set(c.new.functions)):
        module, func = name.rsplit(".", 1)
        if module in handled:
            continue
        by_module.setdefault(module, {})[func] = (
            c.old.functions[name],
            c.new.functions[name],
        )
    for module, pairs in by_module.items():
        _grouped_signature(c, module, pairs, also_griffe_gaps=True)


def _grouped_signature(
    c: Comparer,
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
                grouped.setdefault(("became-optional", param.name, "", param.type), []).append(func)
            elif param.required and not before.required and not also_griffe_gaps:
                grouped.setdefault(("became-required", param.name, "", ""), []).append(func)
            if without_unset(c.renamed_type(before.type)) != without_unset(param.type):
                grouped.setdefault(("retyped", param.name, before.type, param.type), []).append(
                    func
                )
        if not also_griffe_gaps:
            for param in old.params:
                if new.param(param.name) is None:
                    grouped.setdefault(("removed", param.name, param.type, ""), []).append(func)
        if c.renamed_type(old.returns) != new.returns:
            returns[func] = (old.returns, new.returns)
    operation = c.operation_of(module)
    if returns:
        # One finding per module: sync and sync_detailed differ only by the Response wrapper.
        funcs = sorted(returns, key=lambda f: API_FUNCTIONS.index(f) if f in API_FUNCTIONS else 9)
        was, now = returns[funcs[0]]
        narrowed = all(split_union(unwrap(b)) > split_union(unwrap(a)) for b, a in returns.values())
        c.add(
            "python-return-narrowed" if narrowed else "python-return-retyped",
            module if set(funcs) == set(API_FUNCTIONS) else f"{module}.{funcs[0]}",
            f"{module}.{funcs[0]} now returns `{now}` (was `{was}`)"
            + (f", and likewise {', '.join(funcs[1:])}" if len(funcs) > 1 else ""),
            keys=[f"{module}.{func}()" for func in funcs],
            operation=operation,
        )
    for (kind, name, before_t, after_t), funcs in sorted(grouped.items()):
        _signature_finding(c, module, kind, name, before_t, after_t, funcs, operation)


# A grouped signature change: its rule, its message, and whether the uses it reaches are the
# calls of the functions (`()`) or the parameter itself.
_KINDS = {
    "retyped": (
        "python-parameter-retyped",
        "parameter `{param}` of {where}: `{before}` -> `{after}`",
        "param",
    ),
    "added": (
        "python-parameter-added",
        "{where} takes a new optional parameter `{param}: {after}`",
        "call",
    ),
    "became-optional": (
        "python-parameter-became-optional",
        "parameter `{param}` of {where} became optional (`{after}`)",
        "",
    ),
    "became-required": (
        "python-parameter-became-required",
        "parameter `{param}` of {where} became required",
        "call",
    ),
    "added-required": (
        "python-parameter-added-required",
        "parameter `{param}` of {where} is new and required",
        "call",
    ),
    "removed": ("python-parameter-removed", "parameter `{param}` of {where} is gone", "param"),
}


def _signature_finding(
    c: Comparer,
    module: str,
    kind: str,
    param: str,
    before: str,
    after: str,
    funcs: list[str],
    operation: str,
) -> None:
    location, where = _param_location(c, module, funcs, param)
    rule, template, reaches = _KINDS[kind]
    if kind == "retyped" and is_widening(without_unset(before), without_unset(after)):
        rule = "python-parameter-type-widened"
    keys = {
        "param": [f"{module}.{func}.{param}" for func in funcs],
        "call": [f"{module}.{func}()" for func in funcs],
        "": [],
    }[reaches]
    message = template.format(param=param, where=where, before=before, after=after)
    c.add(rule, location, message, keys=keys, operation=operation)
