"""The public layer's reach: which imuze_ext resource methods send an operation, and what they take.

The resources module (imuze_ext/resources.py) lists its operations in `OPERATIONS`, keyed by the
generated module that sends each; its methods (some on a base that a plain and a raw resource
share) send one with `self._send(<module>, ...)`. So the
methods that send an operation are read from the source, and whether one takes a parameter from
its signature: a new optional parameter of the generated operation that no method takes is one
the public layer (`imuze.Imuze.songs.list()`) needs an edit to expose.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ._introspect import first_arguments

# The client classes whose attributes are resources, and how a user reaches them.
_FACES = {
    "Imuze": "imuze.Imuze",
    "AsyncImuze": "imuze.AsyncImuze",
    "ImuzeWithRawResponse": "imuze.Imuze.with_raw_response",
    "AsyncImuzeWithRawResponse": "imuze.AsyncImuze.with_raw_response",
}


@dataclass(frozen=True)
class Sender:
    """One public method that sends an operation."""

    name: str  # as a user calls it: "imuze.Imuze.songs.list"
    place: str  # "imuze_ext/resources.py:344"
    parameters: frozenset[str]
    takes_any: bool  # **kwargs


def missing(operation: str, parameter: str) -> list[Sender]:
    """The public methods that send `operation` and cannot pass `parameter` on."""
    return [s for s in senders(operation) if parameter not in s.parameters and not s.takes_any]


def senders(operation: str) -> list[Sender]:
    """The public methods of imuze_ext's resources that send the operation `operation`."""
    return [s for op, s in _all_senders() if op == operation]


@cache
def _all_senders() -> tuple[tuple[str, Sender], ...]:
    import imuze_ext.resources as module

    faces = _faces()
    found = []
    table = getattr(module, "OPERATIONS", {})
    ids = {generated.__name__.rsplit(".", 1)[1]: op.id for generated, op in table.items()}
    path = Path(str(module.__file__))
    rel = f"imuze_ext/{path.name}"
    for cls, method, sent in _sends(ast.parse(path.read_text(encoding="utf-8")), ids):
        owner = getattr(module, cls)
        signature = inspect.signature(getattr(owner, method.name))
        kinds = {p.kind for p in signature.parameters.values()}
        for face in _reached(module, owner, faces):
            sender = Sender(
                f"{face}.{method.name}",
                f"{rel}:{method.lineno}",
                frozenset(signature.parameters),
                inspect.Parameter.VAR_KEYWORD in kinds,
            )
            found.append((sent, sender))
    return tuple(found)


def _reached(module: Any, owner: type, faces: dict[str, list[str]]) -> list[str]:
    """How a user reaches the methods of `owner`: through it or a subclass (a shared base of
    a plain and a raw resource); `imuze_ext.<name>` when no client attribute holds one."""
    found = [
        face
        for name, cls in vars(module).items()
        if isinstance(cls, type) and issubclass(cls, owner)
        for face in faces.get(name, [])
    ]
    return found or [f"imuze_ext.{owner.__name__}"]


def _sends(tree: ast.Module, ids: dict[str, str]) -> list[tuple[str, Any, str]]:
    """(class, public method, operationId) for each `self._send(<module>` in a method."""
    out = []
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if method.name.startswith("_"):
                continue
            for arg in first_arguments(method, "_send"):
                if isinstance(arg, ast.Name) and arg.id in ids:
                    out.append((cls.name, method, ids[arg.id]))
    return list({(c, m.name, o): (c, m, o) for c, m, o in out}.values())


def _faces() -> dict[str, list[str]]:
    """Resource class name -> how a user reaches an instance (`imuze.Imuze.songs`)."""
    import imuze_ext.client as client

    faces: dict[str, list[str]] = {}
    for owner, reached in _FACES.items():
        for attribute, annotation in getattr(client, owner).__annotations__.items():
            faces.setdefault(str(annotation), []).append(f"{reached}.{attribute}")
    return faces
