"""Which spec operations imuze_ext, the `imuze` CLI and the mock bind, read from their source.

Nothing here is a hand-kept list; every binding is read from the code with `ast`:

- imuze_ext binds an operation when it imports the generated module named after the
  operationId (`imuze_client.api.songs.get_song` for `getSong`, named by the generator's own
  `snake_case`), or, for a request an httpx.Auth flow has to send itself (the login), when one
  class holds both the operation's method and its literal path as string constants.
- a resource method (imuze_ext/resources.py) reaches the operations of the generated modules
  it names, and of the methods of its class it calls (`self.list()`).
- the CLI (every imuze_ext module that imports typer) reaches an operation when it calls
  `<anything>.<resource>.<method>(...)`, the resource being an attribute the client sets
  (`self.songs = Songs(...)` in imuze_ext/client.py); and it reaches the auth flow's
  operations when it builds a client from an email and a password.
- the mock implements the operationIds its route table names (`Operation("getSong", ...)`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openapi_python_client.strings import snake_case

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, order=True)
class SpecOperation:
    """An operation of the spec."""

    operation_id: str
    method: str
    path: str

    @property
    def module(self) -> str:
        """The generated module's name."""
        return snake_case(self.operation_id)


def _trees(folder: Path) -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for path in sorted(folder.rglob("*.py"))
    }


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def generated_modules(trees: Iterable[ast.Module]) -> set[str]:
    """The generated operation modules imported (`from imuze_client.api.x import get_song`)."""
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "imuze_client.api"
            ):
                parts = (node.module or "").split(".")
                if len(parts) == 4:  # imuze_client.api.<tag>.<operation module>
                    found.add(parts[3])
                else:
                    found.update(alias.name for alias in node.names)
    return found


def auth_flow_operations(trees: Iterable[ast.Module], ops: list[SpecOperation]) -> set[str]:
    """Operations sent by hand from an httpx.Auth class: its method and path as constants."""
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            if not any(ast.unparse(base).endswith("Auth") for base in node.bases):
                continue
            strings = _strings(node)
            for op in ops:
                if "{" not in op.path and op.method.upper() in strings and op.path in strings:
                    found.add(op.operation_id)
    return found


def resource_methods(
    trees: Iterable[ast.Module], modules: dict[str, str]
) -> dict[tuple[str, str], set[str]]:
    """(class, method) -> the operationIds it reaches: through the generated modules it names,
    the methods of its class it calls (`self.list()`) and its module's functions it calls
    (`_create(...)`), transitively. Inside, every scope is keyed by its module too, since
    modules reuse helper names (`_get`)."""
    trees = list(trees)  # read twice: for the methods, then for the classes' bases
    Key = tuple[int, str, str]
    direct: dict[Key, set[str]] = {}
    calls: dict[Key, set[Key]] = {}
    for index, tree in enumerate(trees):
        imported = generated_modules([tree])
        functions = {
            n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        scopes: list[tuple[str, ast.AST]] = [
            ("", n) for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            scopes += [
                (cls.name, n)
                for n in cls.body
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            ]
        for owner, fn in scopes:
            assert isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
            key = (index, owner, fn.name)
            names = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
            direct.setdefault(key, set()).update(
                modules[m] for m in names & imported if m in modules
            )
            callees = calls.setdefault(key, set())
            for node in ast.walk(fn):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if isinstance(func, ast.Name) and func.id in functions:
                    callees.add((index, "", func.id))
                elif (
                    owner
                    and isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "self"
                ):
                    callees.add((index, owner, func.attr))
    reached = {key: set(ops) for key, ops in direct.items()}
    changed = True
    while changed:  # the closure over calls
        changed = False
        for key, callees in calls.items():
            for callee in callees:
                extra = reached.get(callee, set()) - reached[key]
                if extra:
                    reached[key] |= extra
                    changed = True
    found = {(owner, name): ops for (_, owner, name), ops in reached.items() if owner}
    return _inherited(trees, found)


def _inherited(
    trees: Iterable[ast.Module], found: dict[tuple[str, str], set[str]]
) -> dict[tuple[str, str], set[str]]:
    """`found` with each class's inherited methods (`Songs(_SongCalls[...])` has `create`),
    unless the class defines its own."""
    bases: dict[str, list[str]] = {}
    for tree in trees:
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            bases[cls.name] = [
                ast.unparse(b.value if isinstance(b, ast.Subscript) else b) for b in cls.bases
            ]

    def ancestors(name: str) -> list[str]:
        out: list[str] = []
        for base in bases.get(name, []):
            out += [base, *ancestors(base)]
        return out

    result = dict(found)
    for cls in bases:
        for ancestor in ancestors(cls):
            for (owner, method), ops in found.items():
                if owner == ancestor:
                    result.setdefault((cls, method), ops)
    return result


def client_attributes(tree: ast.Module) -> dict[str, set[str]]:
    """Resource attribute -> the classes assigned to it (`self.songs = Songs(...)`)."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Attribute)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
        ):
            found.setdefault(node.targets[0].attr, set()).add(node.value.func.id)
    return found


def cli_trees(trees: dict[Path, ast.Module]) -> dict[Path, ast.Module]:
    """The imuze_cli modules that make up the `imuze` CLI: those importing typer."""

    def imports_typer(tree: ast.Module) -> bool:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name == "typer" for a in node.names):
                return True
            if isinstance(node, ast.ImportFrom) and node.module == "typer":
                return True
        return False

    return {path: tree for path, tree in trees.items() if imports_typer(tree)}


def cli_operations(
    trees: Iterable[ast.Module],
    attributes: dict[str, set[str]],
    methods: dict[tuple[str, str], set[str]],
    login_operations: set[str],
) -> set[str]:
    """The operations the CLI's calls `x.<resource>.<method>(...)` reach."""
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute):
                for cls in attributes.get(func.value.attr, set()):
                    found |= methods.get((cls, func.attr), set())
            if isinstance(func, ast.Name) and func.id in {"Imuze", "AsyncImuze"}:
                if {kw.arg for kw in node.keywords} >= {"email", "password"}:
                    found |= login_operations
    return found


def mock_operations(trees: Iterable[ast.Module]) -> set[str]:
    """The operationIds in the mock's route table: `Operation("getSong", ...)`."""
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Operation"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


@dataclass(frozen=True)
class Bindings:
    """What each part binds, as operationIds (plus the generated modules imuze_ext imports)."""

    ext: set[str]
    ext_modules: set[str]
    cli: set[str]
    mock: set[str]


def bindings(ops: list[SpecOperation], ext_dir: Path, mock_dir: Path) -> Bindings:
    """Read the bindings of imuze_ext, of the CLI (imuze_cli, beside ext_dir) and of the mock
    from their sources."""
    ext_trees = _trees(ext_dir)
    by_module = {op.module: op.operation_id for op in ops}
    imported = generated_modules(ext_trees.values())
    login = auth_flow_operations(ext_trees.values(), ops)
    ext = {by_module[m] for m in imported if m in by_module} | login
    resources = [tree for path, tree in ext_trees.items() if path.stem == "resources"]
    methods = resource_methods(resources, by_module)
    client = ext_trees[ext_dir / "client.py"]
    cli_dir = ext_dir.parent / "imuze_cli"
    cli_modules = cli_trees(_trees(cli_dir)).values()
    cli = cli_operations(cli_modules, client_attributes(client), methods, login)
    return Bindings(ext, imported, cli, mock_operations(_trees(mock_dir).values()))
