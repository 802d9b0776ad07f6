"""Blast radius: where imuze_ext, the CLI (imuze_cli), the mock and the contract runner use names of
the generated client, found with `ast` (imports resolved, no substring matching).

A use is recorded under the defining dotted name (re-exports resolved through the snapshot):
- a reference to a module, function, class or enum member: `imuze_client.api.songs.get_song`,
  `...song_status.SongStatus.READY`;
- a call: `NAME()` (and `NAME(*)` when it passes positional arguments), and each keyword or
  positional argument of it: `NAME.arg` (for a model, the field it sets);
- an attribute read on a variable whose annotation (or constructor) names a model:
  `...song.Song.mp3_url`. Untyped variables are not followed, so a use may be missed; a
  reported use is always a real one;
- a JSON property used by name, as a string key (a subscript, a dict literal's key, the
  first argument of `.get`/`.pop`/`.setdefault`, or an item of a tuple, list or set of
  strings only, the names a lookup table keeps): `wire:mp3_url`. Every string key counts,
  whatever the dict, so these uses may include other properties of the same name.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ._snapshot import Snapshot, split_union

PACKAGE = "imuze_client"
_KEYED = ("get", "pop", "setdefault")  # methods of a dict whose first argument is a key
USERS = ("imuze_ext", "imuze_cli", "imuze_mock", "imuze_contract")


@dataclass
class Uses:
    """Each used dotted name (or `NAME()` for a call) with its `file:line` places."""

    places: dict[str, set[str]] = field(default_factory=dict)

    def add(self, key: str, place: str) -> None:
        self.places.setdefault(key, set()).add(place)

    def of(self, keys: Iterable[str]) -> tuple[str, ...]:
        """The places of the uses that equal a key or lie under one."""
        found: set[str] = set()
        for key in keys:
            for used, places in self.places.items():
                if used == key or (not key.endswith(")") and used.startswith(key + ".")):
                    found |= places
        return tuple(sorted(found, key=place_order))


def place_order(place: str) -> tuple[str, int]:
    path, _, line = place.rpartition(":")
    return path, int(line) if line.isdigit() else 0


def package_dirs(names: Iterable[str] = USERS) -> list[Path]:
    """The source folders of the packages that use the client, found without importing them."""
    dirs = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            dirs.append(Path(next(iter(spec.submodule_search_locations))))
    return dirs


class _FileScanner(ast.NodeVisitor):
    def __init__(self, snapshot: Snapshot, uses: Uses, relpath: str) -> None:
        self.snapshot = snapshot
        self.uses = uses
        self.relpath = relpath
        self.bindings: dict[str, str] = {}  # local name -> dotted generated name
        self.typed: list[dict[str, set[str]]] = [{}]  # variable -> models, per scope
        self.returns: dict[str, set[str]] = {}  # local function -> the models it returns
        self.short = {name.rsplit(".", 1)[1]: name for name in snapshot.models}

    # names ----------------------------------------------------------------------------------

    def resolve(self, node: ast.expr) -> str | None:
        """The dotted generated name an expression denotes (`create_song.sync`), if any."""
        if isinstance(node, ast.Name):
            return self.bindings.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def canonical(self, dotted: str) -> str:
        return self.snapshot.canonical(dotted)

    def place(self, node: ast.AST) -> str:
        return f"{self.relpath}:{getattr(node, 'lineno', 0)}"

    def models_in(self, annotation: ast.expr | None) -> set[str]:
        """The models an annotation names: `Song`, `Song | None`, `Optional[Song]`, aliases."""
        if annotation is None:
            return set()
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            return self.models_in(annotation.left) | self.models_in(annotation.right)
        if isinstance(annotation, ast.Subscript):
            outer = annotation.value
            outer_name = outer.id if isinstance(outer, ast.Name) else getattr(outer, "attr", "")
            if outer_name in ("Optional", "Union"):
                inner = annotation.slice
                elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                return set().union(*(self.models_in(elt) for elt in elts))
            return set()
        if isinstance(annotation, ast.Name) and annotation.id in self.typed[0]:
            return set(self.typed[0][annotation.id])  # a module-level alias: SongRef = ...
        dotted = self.resolve(annotation)
        if dotted is None:
            return set()
        dotted = self.canonical(dotted)
        return {dotted} if dotted in self.snapshot.models else set()

    def prepare(self, tree: ast.Module) -> None:
        """Bind the module's imports, type aliases and functions' return annotations first,
        so that a use above a definition is typed too."""
        for node in tree.body:
            if isinstance(node, ast.ImportFrom | ast.Import):
                self.visit(node)
        for node in tree.body:
            if isinstance(node, ast.Assign):
                models = self.models_in(node.value)
                for target in node.targets:
                    if isinstance(target, ast.Name) and models:
                        self.typed[0].setdefault(target.id, set()).update(models)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                returned = self.models_in(node.returns)
                if returned:
                    self.returns[node.name] = returned

    # imports --------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                local = alias.asname or alias.name.split(".")[0]
                self.bindings[local] = alias.name if alias.asname else PACKAGE
                self.uses.add(self.canonical(alias.name), self.place(node))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or not (module == PACKAGE or module.startswith(PACKAGE + ".")):
            return
        for alias in node.names:
            dotted = self.canonical(f"{module}.{alias.name}")
            self.bindings[alias.asname or alias.name] = dotted
            self.uses.add(dotted, self.place(node))

    # scopes and typed variables --------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        models = self.models_of_value(node.value)
        if not models and len(self.typed) == 1:
            models = self.models_in(node.value)  # a module-level type alias
        for target in node.targets:
            if isinstance(target, ast.Name) and models:
                self.typed[-1].setdefault(target.id, set()).update(models)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name):
            models = self.models_in(node.annotation)
            if models:
                self.typed[-1].setdefault(node.target.id, set()).update(models)
        self.generic_visit(node)

    def models_of_value(self, value: ast.expr) -> set[str]:
        """The models an expression evaluates to, from declared types only: a constructor
        (`Song(...)`, `Song.from_dict(...)`), an annotated variable, a field of a typed
        variable (`listed.response`), or a call of a local function annotated `-> Song`."""
        if isinstance(value, ast.Name):
            return set(self.lookup(value.id))
        if isinstance(value, ast.BoolOp):  # `a or b`: either one
            return set().union(*(self.models_of_value(part) for part in value.values))
        if isinstance(value, ast.IfExp):
            return self.models_of_value(value.body) | self.models_of_value(value.orelse)
        if isinstance(value, ast.Await):
            return self.models_of_value(value.value)
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            return self._field_models(value, element=False)
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Name) and func.id in self.returns:
                return set(self.returns[func.id])
            if isinstance(func, ast.Attribute) and func.attr == "from_dict":
                func = func.value
            dotted = self.resolve(func)
            if dotted and self.canonical(dotted) in self.snapshot.models:
                return {self.canonical(dotted)}
        return set()

    def _field_models(self, node: ast.Attribute, *, element: bool) -> set[str]:
        """The models a typed variable's field holds (its items, with `element`)."""
        found: set[str] = set()
        if not isinstance(node.value, ast.Name):
            return found
        for model in self.lookup(node.value.id):
            for field_ in self.snapshot.models.get(model, ()):
                if field_.name != node.attr:
                    continue
                for member in split_union(field_.type):
                    if element and member.startswith("list[") and member.endswith("]"):
                        member = member[len("list[") : -1]
                    elif element:
                        continue
                    found |= {self.short[m] for m in split_union(member) if m in self.short}
        return found

    def _bind_loop(self, target: ast.expr, iterable: ast.expr) -> None:
        if isinstance(target, ast.Name) and isinstance(iterable, ast.Attribute):
            models = self._field_models(iterable, element=True)
            if models:
                self.typed[-1].setdefault(target.id, set()).update(models)

    def visit_For(self, node: ast.For) -> None:
        self._bind_loop(node.target, node.iter)
        self.generic_visit(node)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        self._bind_loop(node.target, node.iter)
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._bind_loop(node.target, node.iter)
        self.generic_visit(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        scope: dict[str, set[str]] = {}
        args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        for arg in args:
            models = self.models_in(arg.annotation)
            if models:
                scope[arg.arg] = models
        for outer in [*node.decorator_list, *(arg.annotation for arg in args), node.returns]:
            if outer is not None:
                self.visit(outer)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        self.typed.append(scope)
        for statement in node.body:
            self.visit(statement)
        self.typed.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node)

    def lookup(self, name: str) -> set[str]:
        for scope in reversed(self.typed):
            if name in scope:
                return scope[name]
        return set()

    # uses -----------------------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and node.id in self.bindings:
            self.uses.add(self.bindings[node.id], self.place(node))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = self.resolve(node)
        if dotted is not None:
            self.uses.add(self.canonical(dotted), self.place(node))
            return
        if isinstance(node.value, ast.Name):
            for model in self.lookup(node.value.id):
                if any(f.name == node.attr for f in self.snapshot.models.get(model, ())):
                    self.uses.add(f"{model}.{node.attr}", self.place(node))
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self._string_key(node.slice)
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if key is not None:
                self._string_key(key)
        self.generic_visit(node)

    def visit_Tuple(self, node: ast.Tuple) -> None:
        self._names(node.elts)
        self.generic_visit(node)

    def visit_List(self, node: ast.List) -> None:
        self._names(node.elts)
        self.generic_visit(node)

    def visit_Set(self, node: ast.Set) -> None:
        self._names(node.elts)
        self.generic_visit(node)

    def _names(self, elements: list[ast.expr]) -> None:
        """A literal collection of strings only is a list of names kept for lookups
        (`MEDIA_FIELDS = ("mp3_url", "mp3")`): each is a use of the property by name."""
        if elements and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements
        ):
            for element in elements:
                self._string_key(element)

    def _string_key(self, node: ast.expr) -> None:
        """A JSON property used by name: `d["mp3_url"]`, `{"mp3_url": ...}`, `d.get(...)`."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.uses.add(f"wire:{node.value}", self.place(node))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _KEYED and node.args:
            self._string_key(node.args[0])
        dotted = self.resolve(node.func)
        if dotted is not None:
            target = self.canonical(dotted)
            place = self.place(node)
            self.uses.add(f"{target}()", place)
            if node.args:
                self.uses.add(f"{target}(*)", place)  # positional arguments: order matters
            for name, argument in self._arguments(target, node):
                self.uses.add(f"{target}.{name}", self.place(argument))
        self.generic_visit(node)

    def _arguments(self, target: str, node: ast.Call) -> Iterator[tuple[str, ast.AST]]:
        """(parameter or field name, the argument node) for each argument of a call."""
        if target in self.snapshot.models:
            fields = self.snapshot.models[target]
            by_alias = {f.alias: f.name for f in fields}
            for keyword in node.keywords:
                if keyword.arg in by_alias:
                    yield by_alias[keyword.arg], keyword
            for field_, argument in zip(fields, node.args, strict=False):
                yield field_.name, argument
            return
        function = self.snapshot.functions.get(target)
        for keyword in node.keywords:
            if keyword.arg:
                yield keyword.arg, keyword
        if function is not None:
            positional = [p for p in function.params if p.kind.startswith("POSITIONAL")]
            for param, argument in zip(positional, node.args, strict=False):
                yield param.name, argument


def scan(snapshot: Snapshot, dirs: Iterable[Path] | None = None) -> Uses:
    """Every use of the generated client (as `snapshot` describes it) in the user packages."""
    uses = Uses()
    for folder in package_dirs() if dirs is None else dirs:
        for path in sorted(folder.rglob("*.py")):
            try:
                tree = ast.parse(path.read_bytes(), filename=str(path))
            except (SyntaxError, ValueError, OSError):
                continue
            relpath = path.relative_to(folder.parent).as_posix()
            scanner = _FileScanner(snapshot, uses, relpath)
            scanner.prepare(tree)
            scanner.visit(tree)
    return uses
