"""The Python verdict of `imuze-spec diff`: what regenerating the client changes in its API.

Both specs are generated into temporary folders with the pinned generator (in parallel),
then compared three ways: griffe checks the functions' signatures statically; a snapshot
taken by importing each package in a child process fills griffe's gaps on generated code
(attrs fields, resolved annotations, enum members, which models the client sends or
receives); `ast` finds where imuze_ext, the CLI and the mock use each changed name. The
caller's own `imuze_client` is never touched: nothing is imported into this process.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import griffe
import yaml

from ._compare import compare
from ._generation import PACKAGE, GenerationError, generate_clients
from ._snapshot import Snapshot, take_snapshots
from ._usage import scan
from .findings import Finding

__all__ = ["GenerationError", "python_findings"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operation_ids(spec: Path) -> dict[tuple[str, str], str]:
    """(METHOD, path) -> operationId, from the spec file."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document: Any = yaml.load(spec.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise GenerationError(f"cannot read {spec}: {exc}") from exc
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


def _module_operations(snapshot: Snapshot, ids: Mapping[tuple[str, str], str]) -> dict[str, str]:
    return {module: ids.get(route, "") for module, route in snapshot.operations.items()}


def _griffe_breakages(old_root: Path, new_root: Path) -> list[griffe.Breakage]:
    # Static loading: griffe reads the files, it imports nothing.
    old = griffe.load(PACKAGE, search_paths=[old_root], allow_inspection=False)
    new = griffe.load(PACKAGE, search_paths=[new_root], allow_inspection=False)
    return list(griffe.find_breaking_changes(old, new))


def python_findings(old_spec: Path, new_spec: Path) -> list[Finding]:
    """The changes to the generated client's public API from `old_spec` to `new_spec`.

    Each finding has side "python", a dotted location, the operationId its api module
    belongs to (else ""), the operations a model or enum change reaches, and `used_by`: the
    `file:line` places in imuze_ext (CLI included), imuze_mock and imuze_contract that use the
    changed name. Raises GenerationError (one readable line) when a spec cannot be generated.
    """
    with tempfile.TemporaryDirectory(prefix="imuze-spec-") as tmp:
        roots = [Path(tmp, "old"), Path(tmp, "new")]
        for root in roots:
            root.mkdir()
        with ThreadPoolExecutor(max_workers=2) as pool:
            ids_future = pool.submit(lambda: (operation_ids(old_spec), operation_ids(new_spec)))
            generate_clients([old_spec, new_spec], roots)
            breakages_future = pool.submit(_griffe_breakages, *roots)
            old, new = take_snapshots(roots)
            old_ids, new_ids = ids_future.result()
            breakages = breakages_future.result()
        changes = compare(
            old,
            new,
            breakages,
            _module_operations(old, old_ids),
            _module_operations(new, new_ids),
        )
    uses = scan(old)
    findings = [replace(change.finding, used_by=uses.of(change.keys)) for change in changes]
    return sorted(set(findings))
