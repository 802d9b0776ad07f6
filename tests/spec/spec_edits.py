"""The spec-edit corpus: small YAML fixtures, each a JSON-Patch-like edit of the real spec.

A fixture holds `about` (what the edit is), `edit` (applied to a copy of spec/openapi.yaml
to make the new spec), optionally `old_edit` (applied to make the old spec, for cases that
need something the real spec lacks; with `new_from_real: true` the new spec is the real one
with `edit` applied, not the old one), and `expect`: every wire finding, as "LEVEL side id".
Fixtures with `python` also list Python-API findings the full diff must report.

A fixture file may instead hold `cases:`, a list of such fixtures each with a `name` (the
rule fixtures, one file per part of the document); each is a Case named `stem/name`.

Operations: add, replace, remove, move, copy (RFC 6902 semantics over JSON pointers, `-`
appends to a list) and reverse (reverses a mapping's keys or a list: a pure reordering).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
EDITS = Path(__file__).resolve().parent / "edits"


def _keys(pointer: str) -> list[str]:
    return [k.replace("~1", "/").replace("~0", "~") for k in pointer.split("/")[1:]]


def _parent(doc: Any, pointer: str) -> tuple[Any, str]:
    *path, last = _keys(pointer)
    node = doc
    for key in path:
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node, last


def _get(doc: Any, pointer: str) -> Any:
    node, last = _parent(doc, pointer)
    return node[int(last)] if isinstance(node, list) else node[last]


def _add(doc: Any, pointer: str, value: Any) -> None:
    node, last = _parent(doc, pointer)
    if isinstance(node, list):
        node.insert(len(node) if last == "-" else int(last), value)
    else:
        node[last] = value


def _remove(doc: Any, pointer: str) -> Any:
    node, last = _parent(doc, pointer)
    if isinstance(node, list):
        return node.pop(int(last))
    return node.pop(last)


def _flat(edits: list[Any]) -> list[dict[str, Any]]:
    """Edits in order; a nested list (a YAML alias of shared edits) is spliced in."""
    out: list[dict[str, Any]] = []
    for edit in edits:
        out.extend(_flat(edit) if isinstance(edit, list) else [edit])
    return out


def apply(doc: dict[str, Any], edits: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of `doc` with the edits applied in order."""
    doc = copy.deepcopy(doc)
    for edit in _flat(edits):
        op, path = edit["op"], edit["path"]
        if op == "add":
            _add(doc, path, copy.deepcopy(edit["value"]))
        elif op == "replace":
            _get(doc, path)  # must exist
            node, last = _parent(doc, path)
            node[int(last) if isinstance(node, list) else last] = copy.deepcopy(edit["value"])
        elif op == "remove":
            _remove(doc, path)
        elif op == "move":
            _add(doc, path, _remove(doc, edit["from"]))
        elif op == "copy":
            _add(doc, path, copy.deepcopy(_get(doc, edit["from"])))
        elif op == "reverse":
            node, last = _parent(doc, path)
            target = _get(doc, path)
            flipped = target[::-1] if isinstance(target, list) else dict(reversed(target.items()))
            node[int(last) if isinstance(node, list) else last] = flipped
        else:
            raise ValueError(f"unknown edit op {op!r}")
    return doc


@dataclass(frozen=True)
class Case:
    """One fixture: the two specs as documents and the expected findings."""

    name: str
    about: str
    old: dict[str, Any]
    new: dict[str, Any]
    expect: list[tuple[str, str, str]]
    python: list[tuple[str, str, str]] | None


def _triples(lines: list[str]) -> list[tuple[str, str, str]]:
    out = []
    for line in lines:
        level, side, kind = line.split()
        out.append((level, side, kind))
    return sorted(out)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def real_spec() -> dict[str, Any]:
    """spec/openapi.yaml as parsed YAML."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader: ten times faster
    doc: dict[str, Any] = yaml.load(SPEC.read_text(encoding="utf-8"), Loader=loader)
    return doc


def cases() -> list[Case]:
    """Every fixture under edits/, in name order."""
    base = real_spec()
    found = []
    for path in sorted(EDITS.glob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        many = doc.get("cases")
        for name, raw in (
            [(f"{path.stem}/{c['name']}", c) for c in many] if many else [(path.stem, doc)]
        ):
            old = apply(base, raw.get("old_edit") or [])
            new = apply(base if raw.get("new_from_real") else old, raw.get("edit") or [])
            python = raw.get("python")
            found.append(
                Case(
                    name,
                    raw["about"],
                    old,
                    new,
                    _triples(raw.get("expect") or []),
                    None if python is None else _triples(python),
                )
            )
    return found
