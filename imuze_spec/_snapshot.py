"""The public API of a generated `imuze_client`, as plain data, taken in child processes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._generation import GenerationError


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool
    type: str


@dataclass(frozen=True)
class Function:
    params: tuple[Param, ...]
    returns: str

    def param(self, name: str) -> Param | None:
        return next((param for param in self.params if param.name == name), None)


@dataclass(frozen=True)
class Field:
    name: str
    alias: str
    type: str
    required: bool
    wire: str = ""  # the property's name in JSON
    init: bool = True  # False: an attribute the constructor does not take (additional_properties)

    @property
    def key(self) -> str:
        """The blast-radius key of a use of the JSON name as a string (`d["mp3_url"]`)."""
        return f"wire:{self.wire or self.name}"


@dataclass(frozen=True)
class Enum:
    members: dict[str, str]
    closed: bool


@dataclass
class Snapshot:
    """Dotted names of one generation's public modules, functions, attrs models and enums.

    `operations` maps an api module to its (METHOD, path); `sent` and `received` are the
    models and enums the client serialises or parses; `reach` maps each model or enum to the
    api modules whose signatures reach it.
    """

    modules: set[str] = field(default_factory=set)
    operations: dict[str, tuple[str, str]] = field(default_factory=dict)
    functions: dict[str, Function] = field(default_factory=dict)
    models: dict[str, tuple[Field, ...]] = field(default_factory=dict)
    enums: dict[str, Enum] = field(default_factory=dict)
    classes: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)
    sent: set[str] = field(default_factory=set)
    received: set[str] = field(default_factory=set)
    reach: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        snap = cls()
        for name, module in data["modules"].items():
            snap.modules.add(name)
            if module["operation"]:
                op = module["operation"]
                snap.operations[name] = (op["method"].upper(), op["path"])
        for name, func in data["functions"].items():
            params = tuple(Param(**param) for param in func["params"])
            snap.functions[name] = Function(params, func["returns"])
        for name, model in data["models"].items():
            snap.models[name] = tuple(Field(**spec) for spec in model["fields"])
        for name, enum in data["enums"].items():
            snap.enums[name] = Enum(dict(enum["members"]), bool(enum["closed"]))
        snap.classes = set(data["classes"])
        snap.aliases = dict(data["aliases"])
        snap.sent = set(data["sent"])
        snap.received = set(data["received"])
        snap.reach = {name: tuple(mods) for name, mods in data["reach"].items()}
        return snap

    def canonical(self, dotted: str) -> str:
        """The defining name of a re-export (`imuze_client.models.Song` -> `...song.Song`)."""
        for alias, target in self.aliases.items():
            if dotted == alias or dotted.startswith(alias + "."):
                return target + dotted[len(alias) :]
        return dotted


def split_union(type_: str) -> set[str]:
    """The top-level members of a `A | B[C | D]` spelling."""
    parts, depth, current = [], 0, ""
    for char in type_:
        depth += char == "["
        depth -= char == "]"
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return {part for part in parts if part}


def take_snapshots(roots: Sequence[Path]) -> list[Snapshot]:
    """Import each root's `imuze_client` in its own child process, all in parallel."""
    processes = [
        subprocess.Popen(  # noqa: S603 - a fixed argv, this interpreter, no shell
            [sys.executable, "-m", "imuze_spec._introspect", str(root.resolve())],
            cwd=root.resolve(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for root in roots
    ]
    snapshots = []
    for root, process in zip(roots, processes, strict=True):
        out, err = process.communicate()
        if process.returncode != 0:
            last = (err.strip().splitlines() or ["no output"])[-1]
            raise GenerationError(f"cannot import the client generated in {root}: {last}")
        snapshots.append(Snapshot.from_json(json.loads(out)))
    return snapshots
