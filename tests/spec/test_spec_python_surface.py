"""The Python side sees everything the generator changes: the generated package's public
surface, enumerated by construction from each generation's snapshot (every module, class,
function with its signature, model field with its type, requiredness, wire name and whether
the constructor takes it, enum member, and what each operation module sends and parses), is
diffed for each mutation, and every difference must be covered by a finding.

Each mutation regenerates the client (about 3 s on a quiet machine; the baseline is cached).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from spec_edits import real_spec
from spec_mutations import MUTATIONS, Mutation, mutation_applies

from imuze_spec.python_api import _generated, python_findings

BASE: dict[str, Any] = real_spec()
# The Python mutations, and wire mutations whose regeneration changes the package.
CHOSEN = [m for m in MUTATIONS if m.side == "python"] + [
    m
    for m in MUTATIONS
    if m.name
    in (
        "response-required-property-removed",
        "request-property-required-added",
        "response-type-changed",
        "operation-removed",
        "request-became-not-nullable",
    )
]


def surface(generated: Any) -> dict[str, str]:
    """Every public name of one generation, with what a caller can observe of it."""
    snap, out = generated.snapshot, {}
    out.update({module: "module" for module in snap.modules})
    out.update({name: "class" for name in snap.classes})
    for name, func in snap.functions.items():
        out[name] = repr(func)
    for name, fields in snap.models.items():
        out[name] = "model"
        for position, field in enumerate(fields):
            out[f"{name}.{field.name}"] = repr((field, position if field.init else None))
    for name, enum in snap.enums.items():
        out[name] = "enum"
        out.update({f"{name}.{member}": value for member, value in enum.members.items()})
    for module, does in generated.behaviour.items():
        out[f"{module}.<behaviour>"] = repr(does)
    return out


def _covered(name: str, findings: list[Any]) -> bool:
    """A finding at the name, under it, or at or naming an owner of it (a model for its
    field, a module for its functions, `imuze_client.api.tag.op` at the shortest)."""
    parts = name.replace(".<behaviour>", "").split(".")
    owners = {name} | {".".join(parts[:n]) for n in range(4, len(parts) + 1)}
    return any(
        any(f.location == o or f.location.startswith(o + ".") or o in f.message for o in owners)
        for f in findings
    )


@pytest.mark.parametrize("mutation", CHOSEN, ids=lambda m: m.name)
def test_every_surface_difference_has_a_finding(tmp_path: Path, mutation: Mutation) -> None:
    paths = []
    for name, doc in (("old", BASE), ("new", mutation_applies(mutation, BASE))):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        paths.append(path)
    old, new = (surface(g) for g in _generated(paths))
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    findings = [f for f in python_findings(paths[0], paths[1]) if f.side == "python"]
    assert changed, f"{mutation.name} changed nothing in the generated package"
    assert [name for name in changed if not _covered(name, findings)] == []
