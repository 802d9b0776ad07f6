"""The Python verdict of `imuze-spec diff`: what regenerating the client changes in its API.

Both specs are generated into temporary folders with the pinned generator (in parallel),
then compared three ways: griffe checks the functions' signatures statically; a snapshot
taken by importing each package in a child process fills griffe's gaps on generated code
(attrs fields, resolved annotations, enum members, which models the client sends or
receives); `ast` finds where imuze_ext, the CLI and the mock use each changed name. The
caller's own `imuze_client` is never touched: nothing is imported into this process.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import griffe
import yaml

from . import _public_layer
from ._behaviour import Behaviour, read_all
from ._compare import compare
from ._generation import (
    GENERATOR_CONFIG,
    PACKAGE,
    TEMPLATES,
    GenerationError,
    generate_clients,
)
from ._snapshot import Snapshot, take_snapshots
from ._usage import scan
from .findings import Finding

__all__ = ["GenerationError", "python_findings"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _load(spec: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(spec.read_bytes(), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise GenerationError(f"cannot read {spec}: {exc}") from exc


def operation_ids(document: Any) -> dict[tuple[str, str], str]:
    """(METHOD, path) -> operationId, from a loaded spec."""
    ids: dict[tuple[str, str], str] = {}
    paths = document.get("paths") if isinstance(document, dict) else None
    for path, item in (paths or {}).items():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and operation.get("operationId"):
                ids[(method.upper(), str(path))] = str(operation["operationId"])
    return ids


def _refs(root: Any) -> Iterator[str]:
    """Every $ref of a document, iteratively (a document may nest deeper than the stack)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    yield value
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


@dataclass(frozen=True)
class _Generated:
    """One spec's generated client, as the comparison needs it (its files may be gone)."""

    snapshot: Snapshot
    api: griffe.Module
    operations: dict[str, str]  # api module -> operationId
    behaviour: dict[str, Behaviour]  # api module -> what it sends and parses


# Generations are pure functions of the spec's bytes, the config and the pinned generator, so
# a process that compares against the same baseline again (the test suite, a watch loop)
# generates it once. Specs that $ref other files are not cached: their bytes are not all here.
_CACHE: OrderedDict[str, _Generated] = OrderedDict()
_CACHE_SIZE = 4


def _cache_key(spec: Path, document: Any) -> str | None:
    if any(not ref.startswith("#") for ref in _refs(document)):
        return None
    digest = hashlib.sha256()
    for part in (
        spec.read_bytes(),
        GENERATOR_CONFIG.read_bytes(),
        *(template.read_bytes() for template in sorted(TEMPLATES.glob("*.jinja"))),
        version("openapi-python-client").encode(),
        version("ruff").encode(),
    ):
        digest.update(part + b"\0")
    return digest.hexdigest()


def _griffe_load(root: Path) -> griffe.Module:
    # Static loading: griffe reads the files, it imports nothing.
    module = griffe.load(PACKAGE, search_paths=[root], allow_inspection=False)
    assert isinstance(module, griffe.Module)
    return module


def _generate(specs: list[Path], documents: list[Any]) -> list[_Generated]:
    """Generate, snapshot and griffe-load each spec; both steps run in parallel."""
    with tempfile.TemporaryDirectory(prefix="imuze-spec-") as tmp:
        roots = [Path(tmp, str(index)) for index in range(len(specs))]
        for root in roots:
            root.mkdir()
        generate_clients(specs, roots)
        with ThreadPoolExecutor(max_workers=1) as pool:
            apis = pool.map(_griffe_load, roots)
            snapshots = take_snapshots(roots)
            modules = list(apis)
        behaviours = [read_all(root) for root in roots]
    out = []
    for snapshot, api, document, does in zip(
        snapshots, modules, documents, behaviours, strict=True
    ):
        ids = operation_ids(document)
        operations = {module: ids.get(route, "") for module, route in snapshot.operations.items()}
        out.append(_Generated(snapshot, api, operations, does))
    return out


def _generated(specs: list[Path]) -> list[_Generated]:
    documents = [_load(spec) for spec in specs]
    keys = [_cache_key(spec, document) for spec, document in zip(specs, documents, strict=True)]
    todo: dict[str, tuple[Path, Any]] = {}
    for index, (spec, document, key) in enumerate(zip(specs, documents, keys, strict=True)):
        if key is None or key not in _CACHE:
            todo.setdefault(key or f"uncached-{index}", (spec, document))
    fresh = dict(
        zip(
            todo,
            _generate([s for s, _ in todo.values()], [d for _, d in todo.values()]),
            strict=True,
        )
    )
    results = []
    for index, key in enumerate(keys):
        if key is None:
            results.append(fresh[f"uncached-{index}"])
            continue
        if key in fresh:
            _CACHE[key] = fresh[key]
        _CACHE.move_to_end(key)
        results.append(_CACHE[key])
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return results


def _with_uses(finding: Finding, used_by: tuple[str, ...]) -> Finding:
    """The finding with the places our code uses what changed; a new optional parameter of an
    operation that a public method sending it does not take says that the public layer needs
    an edit to expose it (`imuze.Imuze.songs.list()` does not gain it by regeneration)."""
    if finding.id == "python-parameter-added" and finding.operation:
        parameter = finding.location.rsplit(".", 1)[-1]
        unexposed = _public_layer.missing(finding.operation, parameter)
        if unexposed:
            names = ", ".join(f"{s.name}()" for s in unexposed)
            message = (
                f"{finding.message}; the public layer does not take `{parameter}` ({names}): "
                "edit it to expose the new parameter"
            )
            places = tuple(dict.fromkeys([*used_by, *(s.place for s in unexposed)]))
            return replace(finding, used_by=places, message=message)
    return replace(finding, used_by=used_by)


def python_findings(old_spec: Path, new_spec: Path) -> list[Finding]:
    """The changes to the generated client's public API from `old_spec` to `new_spec`.

    Each finding has side "python", a dotted location, the operationId its api module
    belongs to (else ""), the operations a model or enum change reaches, and `used_by`: the
    `file:line` places in imuze_ext (CLI included), imuze_mock and imuze_contract that use the
    changed name. Most severe first. Raises GenerationError (one readable line) when a spec
    cannot be read or generated.
    """
    old, new = _generated([Path(old_spec), Path(new_spec)])
    changes = compare(
        old.snapshot,
        new.snapshot,
        griffe.find_breaking_changes(old.api, new.api),
        old.operations,
        new.operations,
        (old.behaviour, new.behaviour),
    )
    uses = scan(old.snapshot)
    findings = {_with_uses(change.finding, uses.of(change.keys)) for change in changes}
    return sorted(findings, key=lambda f: (-f.level, f.operation, f.location, f.id))
