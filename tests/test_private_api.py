"""No module builds a dependency's internal class by hand, and every private name of a
dependency that the project uses is listed in tests/private_api.py, with a bounded range in
pyproject.toml and a probe that passes on the installed version.

The sources are read as syntax trees: a private use is an import of a `_name` from another
distribution, an attribute `obj._name` that the project defines nowhere itself, a `_name`
that a class of ours overrides on a dependency's base class which has it, or a call of a
class from typer's internal `typer.core` (what crashed `imuze --help` on typer 0.29).
"""

from __future__ import annotations

import ast
import importlib
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from private_api import PRIVATE_USES, PrivateUse, installed

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("imuze", "imuze_ext", "imuze_cli", "imuze_mock", "imuze_contract", "imuze_spec")
OURS = {*PACKAGES, "imuze_client"}
DOCUMENTED = {"_replace", "_asdict", "_fields", "_make", "_field_defaults", "_getframe", "_exit"}
"""Underscore names that their owners document as public (namedtuple's, sys's, os's)."""
INTERNAL_CLASSES = ("typer.core.",)
"""Modules whose classes typer builds itself: ours may subclass them (`Typer(cls=...)`),
never call them."""
Use = tuple[str, str]  # (module path, the private name or the internal call)


def sources() -> dict[str, ast.Module]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    files += list((ROOT / "generated" / "imuze_client").rglob("*.py"))
    return {p.relative_to(ROOT).as_posix(): ast.parse(p.read_text("utf-8")) for p in files}


def defined_names(trees: dict[str, ast.Module]) -> set[str]:
    """Every name the project defines: functions, classes, assigned names and attributes."""
    names: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names.add(node.name)
                overridden = set(overrides(tree, node))
                names |= {n for n in members(node) if n not in overridden}
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if not any(node in c.body for c in ast.walk(tree) if isinstance(c, ast.ClassDef)):
                    names.add(node.name)
            elif isinstance(node, ast.Name | ast.arg):
                names.add(node.id if isinstance(node, ast.Name) else node.arg)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                    names.add(node.attr)
            elif isinstance(node, ast.alias) and (node.asname or "").startswith("_"):
                names.add(node.asname or "")
    return names


def members(node: ast.ClassDef) -> Iterator[str]:
    """The names a class body defines (methods, properties, class attributes)."""
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            yield item.name
        elif isinstance(item, ast.AnnAssign | ast.Assign):
            targets = [item.target] if isinstance(item, ast.AnnAssign) else item.targets
            yield from (t.id for t in targets if isinstance(t, ast.Name))


def external_bases(tree: ast.Module, node: ast.ClassDef) -> Iterator[Any]:
    """The base classes of `node` that come from another distribution, imported."""
    imported = {}
    for item in ast.walk(tree):
        if isinstance(item, ast.ImportFrom) and item.level == 0 and item.module:
            imported |= {a.asname or a.name: f"{item.module}.{a.name}" for a in item.names}
        elif isinstance(item, ast.Import):
            imported |= {a.asname or a.name.split(".")[0]: a.asname and a.name for a in item.names}
    for base in node.bases:
        name = dotted(base)
        head, _, rest = name.partition(".")
        full = imported.get(head) or (head if head in imported else None)
        if full is None or full.split(".")[0] in OURS:
            continue
        yield resolve(f"{full}.{rest}" if rest else full)


def resolve(name: str) -> Any:
    """The object a dotted name names: the longest importable module, then attributes."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute, None)
        return found
    return None


def overrides(tree: ast.Module, node: ast.ClassDef) -> Iterator[str]:
    """The private names `node` defines over a dependency's base class that has them."""
    bases = [b for b in external_bases(tree, node) if b is not None]
    for name in members(node):
        if _private(name) and any(hasattr(base, name) for base in bases):
            yield name


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else "?"


def private_uses(path: str, tree: ast.Module, ours: set[str]) -> Iterator[Use]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.split(".")[0]
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            if top not in OURS:
                yield from ((path, n) for n in names if any(_private(p) for p in n.split(".")))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in OURS and any(
                    _private(p) for p in alias.name.split(".")
                ):
                    yield path, alias.name
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            if node.attr not in ours and node.attr not in DOCUMENTED:
                yield path, node.attr
        elif isinstance(node, ast.ClassDef):
            yield from ((path, name) for name in overrides(tree, node))
        elif isinstance(node, ast.Call) and dotted(node.func).startswith(INTERNAL_CLASSES):
            yield path, f"{dotted(node.func)}(...)"


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def found_uses() -> set[Use]:
    trees = sources()
    ours = defined_names(trees)
    return {use for path, tree in trees.items() for use in private_uses(path, tree, ours)}


def listed_uses() -> set[Use]:
    return {(module, use.attribute) for use in PRIVATE_USES for module in use.modules}


def test_the_scanner_finds_what_it_looks_for() -> None:
    """Each kind of use, in a module made up for it, is found; our own names are not."""
    code = (
        "import typer.core\nfrom httpx._client import x\nimport pkg._hidden\n"
        "typer.core.TyperOption(param_decls=['--x'])\nt._pool = 1\nself._mine = 2\nt._mine\n"
        "p._replace(a=1)\n"
    )
    tree = ast.parse(code)
    ours = defined_names({"m.py": tree})
    assert set(private_uses("m.py", tree, ours)) == {
        ("m.py", "httpx._client"), ("m.py", "httpx._client.x"), ("m.py", "pkg._hidden"),
        ("m.py", "typer.core.TyperOption(...)"), ("m.py", "_pool"),
    }  # fmt: skip


def test_every_private_use_is_listed_and_no_listed_use_is_stale() -> None:
    found, listed = found_uses(), listed_uses()
    assert found - listed == set(), (
        "private names of dependencies used without an entry in tests/private_api.py "
        "(use the public API, or list it there with a bounded range and a probe)"
    )
    assert listed - found == set(), "entries of tests/private_api.py no longer used: remove them"


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    lines = [*project["dependencies"]]
    for name, extra in project["optional-dependencies"].items():
        lines += [line for line in extra if name != "dev" or not line.startswith("imuze[")]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize("use", PRIVATE_USES, ids=lambda use: f"{use.distribution}.{use.attribute}")
def test_a_listed_use_has_a_bounded_range_and_its_probe_passes(use: PrivateUse) -> None:
    ranges = [r.specifier for r in requirements() if r.name == use.distribution]
    assert ranges, f"{use.distribution} is not a dependency in pyproject.toml"
    for specifier in ranges:
        bounded = any(s.operator in ("<", "<=", "==", "~=") for s in specifier)
        assert bounded, f"{use.distribution}{specifier}: bound it above (it uses .{use.attribute})"
    assert installed(use.distribution) is not None
    use.probe()
