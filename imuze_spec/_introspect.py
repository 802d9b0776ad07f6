"""Snapshot of a generated `imuze_client`'s public API, taken by importing it in a child process.

Run as `python -m imuze_spec._introspect ROOT`: imports ROOT/imuze_client (ahead of any
installed one; the child's sys.modules is its own), prints the snapshot as JSON. This fills
griffe's gaps on generated code: attrs fields with their defaults, resolved annotations, enum
members, and which models the client sends or receives.
"""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import json
import pkgutil
import sys
import textwrap
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

PACKAGE = "imuze_client"
API_FUNCTIONS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")

_UNION_LAST = ("None", "Unset")


def type_repr(tp: object) -> str:
    """A readable, order-independent spelling: `list[str] | None | Unset`."""
    if tp is None or tp is type(None):
        return "None"
    if tp is typing.Any:
        return "Any"
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        parts = sorted({type_repr(arg) for arg in typing.get_args(tp)})
        parts.sort(
            key=lambda part: (
                part in _UNION_LAST,
                _UNION_LAST.index(part) if part in _UNION_LAST else 0,
            )
        )
        return " | ".join(parts)
    if origin is typing.Literal:
        return "Literal[" + ", ".join(repr(arg) for arg in typing.get_args(tp)) + "]"
    if origin is not None:
        args = typing.get_args(tp)
        name = getattr(origin, "__name__", repr(origin))
        return f"{name}[{', '.join(type_repr(arg) for arg in args)}]" if args else name
    if isinstance(tp, type):
        return tp.__qualname__
    if isinstance(tp, typing.TypeVar):
        return tp.__name__
    return repr(tp).replace("typing.", "")


def _union_members(tp: object) -> tuple[object, ...]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return typing.get_args(tp)
    return (tp,)


def _dotted(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _operation(module: types.ModuleType) -> dict[str, str] | None:
    """The HTTP method and path of an api module, read from its `_get_kwargs` source."""
    get_kwargs = getattr(module, "_get_kwargs", None)
    if get_kwargs is None:
        return None
    tree = ast.parse(inspect.getsource(get_kwargs))
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and key.value in ("method", "url")):
                continue
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                value = value.func.value  # "/songs/{id}".format(...)
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found[key.value] = value.value
    if "method" in found and "url" in found:
        return {"method": found["method"], "path": found["url"]}
    return None


def _wire_names(cls: type) -> dict[str, str]:
    """Each field's name in JSON, read from `from_dict`: `mp3_url = d.pop("mp3_url")`."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls.from_dict)))  # type: ignore[attr-defined]
    except (OSError, TypeError, AttributeError, SyntaxError):
        return {}
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
            continue
        for arg in first_arguments(node.value, "pop"):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found[node.targets[0].id] = arg.value
                break
    return found


def first_arguments(tree: ast.AST, method: str) -> Iterator[ast.expr]:
    """The first argument of every `<anything>.<method>(argument, ...)` call in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if node.func.attr == method:
                yield node.args[0]


class _Walker:
    """Collects the snapshot; one instance per child process."""

    def __init__(self, root: Path) -> None:
        sys.path.insert(0, str(root))
        package = importlib.import_module(PACKAGE)
        origin = Path(package.__file__ or "").resolve()
        if not origin.is_relative_to(root.resolve()):
            raise SystemExit(f"imported {PACKAGE} from {origin}, not from {root}")
        self.package = package
        self.modules: dict[str, types.ModuleType] = {PACKAGE: package}
        for info in pkgutil.walk_packages(package.__path__, PACKAGE + "."):
            if any(part.startswith("_") for part in info.name.split(".")):
                continue
            self.modules[info.name] = importlib.import_module(info.name)
        models = self.modules.get(PACKAGE + ".models")
        # Models import one another under TYPE_CHECKING: resolve names in this namespace.
        self.namespace: dict[str, Any] = dict(vars(models)) if models else {}
        types_module = self.modules.get(PACKAGE + ".types")
        if types_module:
            self.namespace.update(vars(types_module))
        self.hints: dict[str, dict[str, Any]] = {}

    def hints_of(self, obj: Any) -> dict[str, Any]:
        try:
            return typing.get_type_hints(obj, localns=self.namespace)
        except Exception:  # an unresolvable annotation: keep the raw strings
            return dict(getattr(obj, "__annotations__", {}))

    def snapshot(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "modules": {},
            "functions": {},
            "models": {},
            "enums": {},
            "classes": [],
            "aliases": {},
        }
        model_types: dict[str, type] = {}
        for name, module in sorted(self.modules.items()):
            result["modules"][name] = {"operation": _operation(module)}
            for attr, obj in sorted(vars(module).items()):
                if attr.startswith("_"):
                    continue
                own = getattr(obj, "__module__", None) == name
                if inspect.isfunction(obj) and own:
                    result["functions"][f"{name}.{attr}"] = self.function(obj)
                elif inspect.isclass(obj):
                    if not own:
                        if getattr(obj, "__module__", "").startswith(PACKAGE + "."):
                            result["aliases"][f"{name}.{attr}"] = _dotted(obj)
                        continue
                    dotted = _dotted(obj)
                    if issubclass(obj, enum.Enum):
                        result["enums"][dotted] = {
                            "members": {member.name: str(member.value) for member in obj},
                            "closed": False,
                        }
                    elif attrs.has(obj):
                        result["models"][dotted] = {"fields": self.fields(obj)}
                        model_types[dotted] = obj
                    else:
                        result["classes"].append(dotted)
        self.directions(result, model_types)
        return result

    def function(self, func: Any) -> dict[str, Any]:
        hints = self.hints_of(func)
        params = []
        for param in inspect.signature(func).parameters.values():
            params.append(
                {
                    "name": param.name,
                    "kind": param.kind.name,
                    "required": param.default is inspect.Parameter.empty
                    and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD),
                    "type": type_repr(hints[param.name]) if param.name in hints else "",
                }
            )
        returns = type_repr(hints["return"]) if "return" in hints else ""
        return {"params": params, "returns": returns}

    def fields(self, cls: type) -> list[dict[str, Any]]:
        hints = self.hints_of(cls)
        self.hints[_dotted(cls)] = hints
        wire = _wire_names(cls)
        out = []
        for field in attrs.fields(cls):  # init=False ones too: additional_properties may go
            out.append(
                {
                    "name": field.name,
                    "alias": field.alias or field.name,
                    "type": type_repr(hints.get(field.name, field.type)),
                    "required": field.default is attrs.NOTHING,
                    "wire": wire.get(field.name, field.name),
                    "init": field.init,
                }
            )
        return out

    def directions(self, result: dict[str, Any], model_types: dict[str, type]) -> None:
        """Which models the client sends (request bodies) or receives (responses), and which
        enums it parses closed (a value outside the enum raises ValueError)."""
        sent: set[str] = set()
        received: set[str] = set()
        reach: dict[str, set[str]] = {}

        def visit(tp: object, into: set[str], receiving: bool) -> None:
            members = _union_members(tp)
            has_str = str in members
            for member in members:
                args = typing.get_args(member)
                if args:  # list[X], dict[str, X], Response[X]
                    for arg in args:
                        visit(arg, into, receiving)
                    continue
                if not isinstance(member, type):
                    continue
                dotted = _dotted(member)
                if dotted in result["enums"]:
                    into.add(dotted)
                    if receiving and not has_str:
                        result["enums"][dotted]["closed"] = True
                elif dotted in model_types and dotted not in into:
                    into.add(dotted)
                    for hint in self.hints.get(dotted, {}).values():
                        visit(hint, into, receiving)

        for name, module in self.modules.items():
            if result["modules"][name]["operation"] is None:
                continue
            for func_name in API_FUNCTIONS:
                func = getattr(module, func_name, None)
                if func is None:
                    continue
                hints = self.hints_of(func)
                reached: set[str] = set()
                for param, hint in hints.items():
                    if param not in ("return", "client"):
                        visit(hint, sent, receiving=False)
                        visit(hint, reached, receiving=False)
                if "return" in hints:
                    visit(hints["return"], received, receiving=True)
                    visit(hints["return"], reached, receiving=True)
                for dotted in reached:
                    reach.setdefault(dotted, set()).add(name)
        result["sent"] = sorted(sent)
        result["received"] = sorted(received)
        result["reach"] = {dotted: sorted(names) for dotted, names in sorted(reach.items())}


def main() -> None:
    root = Path(sys.argv[1])
    json.dump(_Walker(root).snapshot(), sys.stdout)


if __name__ == "__main__":
    main()
