"""No operation is left behind: every spec operation is exposed by imuze_ext and the CLI and
implemented by the mock, and none of them binds an operation the spec does not have."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from spec_bindings import ROOT, Bindings, SpecOperation, bindings
from starlette.routing import Match

from imuze_mock.app import PREFIX, create_app
from imuze_spec.load import load

EXT, MOCK = ROOT / "imuze_ext", ROOT / "imuze_mock"


def spec_operations() -> list[SpecOperation]:
    spec = load(str(ROOT / "spec" / "openapi.yaml"))
    return sorted(
        SpecOperation(str(entry["op"]["operationId"]), entry["method"], entry["path"])
        for entry in spec.operations().values()
    )


OPS = spec_operations()
IDS = {op.operation_id for op in OPS}


def problems(ops: list[SpecOperation], found: Bindings) -> list[str]:
    """What is missing or stale, one readable line each."""
    ids = {op.operation_id for op in ops}
    out = []
    for op in ops:
        where = f"{op.operation_id} ({op.method.upper()} {op.path})"
        if op.operation_id not in found.ext:
            out.append(f"{where} is not exposed by imuze_ext (no import of module {op.module})")
        if op.operation_id not in found.cli:
            out.append(f"{where} is not reachable from the imuze CLI")
        if op.operation_id not in found.mock:
            out.append(f"{where} is not implemented by the mock (imuze_mock/app.py routes)")
    modules = {op.module for op in ops}
    out += [
        f"imuze_ext imports {m}, an operation the spec does not have"
        for m in sorted(found.ext_modules - modules)
    ]
    out += [
        f"the mock implements {name}, an operation the spec does not have"
        for name in sorted(found.mock - ids)
    ]
    return out


def test_every_operation_is_bound_and_no_binding_is_stale() -> None:
    assert len(OPS) >= 6
    assert problems(OPS, bindings(OPS, EXT, MOCK)) == []


@pytest.mark.parametrize("op", OPS, ids=[op.operation_id for op in OPS])
def test_the_mock_routes_each_operation(op: SpecOperation) -> None:
    """The route table's name is backed by a route for the spec's method and path."""
    app = create_app()
    path = PREFIX + op.path.replace("{id}", "1")
    scope = {"type": "http", "method": op.method.upper(), "path": path, "root_path": ""}
    assert any(route.matches(scope)[0] == Match.FULL for route in app.routes), path


# The check must fail when a binding goes: each of these deletes one, in a copy of the source.


_NO_CACHE = shutil.ignore_patterns("__pycache__")


def copy_sources(tmp_path: Path) -> tuple[Path, Path]:
    ext, mock = tmp_path / "imuze_ext", tmp_path / "imuze_mock"
    shutil.copytree(EXT, ext, ignore=shutil.ignore_patterns("__pycache__", "*.yaml"))
    shutil.copytree(EXT.parent / "imuze_cli", tmp_path / "imuze_cli", ignore=_NO_CACHE)
    shutil.copytree(MOCK, mock, ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "music"))
    return ext, mock


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_mock_route_deleted_is_named(tmp_path: Path) -> None:
    ext, mock = copy_sources(tmp_path)
    edit(mock / "app.py", '"GET": Operation("listSongs", handlers.list_songs),', "")
    assert problems(OPS, bindings(OPS, ext, mock)) == [
        "listSongs (GET /songs) is not implemented by the mock (imuze_mock/app.py routes)"
    ]


def test_a_resource_method_deleted_is_named(tmp_path: Path) -> None:
    ext, mock = copy_sources(tmp_path)
    edit(
        ext / "resources.py",
        "from imuze_client.api.arrangements import get_arrangement, list_arrangements",
        "from imuze_client.api.arrangements import list_arrangements",
    )
    found = problems(OPS, bindings(OPS, ext, mock))
    assert (
        "getArrangement (GET /arrangements/{id}) is not exposed by imuze_ext "
        "(no import of module get_arrangement)" in found
    )
    assert "getArrangement (GET /arrangements/{id}) is not reachable from the imuze CLI" in found


def test_a_cli_command_deleted_is_named(tmp_path: Path) -> None:
    ext, mock = copy_sources(tmp_path)
    cli = ext.parent / "imuze_cli"
    edit(
        cli / "listing.py",
        "output.print_arrangement(api.arrangements.get(id), as_json)",
        "pass",
    )
    assert problems(OPS, bindings(OPS, ext, mock)) == [
        "getArrangement (GET /arrangements/{id}) is not reachable from the imuze CLI"
    ]


def test_the_login_flow_deleted_is_named(tmp_path: Path) -> None:
    ext, mock = copy_sources(tmp_path)
    edit(ext / "_auth.py", '"/tokens"', '"/sessions"')
    found = problems(OPS, bindings(OPS, ext, mock))
    # api.authentication.post() still exposes createToken; the CLI reached it by the login
    assert found == ["createToken (POST /tokens) is not reachable from the imuze CLI"]
    edit(
        ext / "resources.py",
        "from imuze_client.api.authentication import create_token",
        "",
    )
    assert problems(OPS, bindings(OPS, ext, mock)) == [
        "createToken (POST /tokens) is not exposed by imuze_ext (no import of module create_token)",
        "createToken (POST /tokens) is not reachable from the imuze CLI",
    ]


def test_an_operation_removed_from_the_spec_but_still_bound_is_named() -> None:
    fewer = [op for op in OPS if op.operation_id != "getSong"]
    assert problems(fewer, bindings(fewer, EXT, MOCK)) == [
        "imuze_ext imports get_song, an operation the spec does not have",
        "the mock implements getSong, an operation the spec does not have",
    ]


def test_an_operation_added_to_the_spec_and_bound_nowhere_is_named() -> None:
    more = [*OPS, SpecOperation("deleteSong", "delete", "/songs/{id}")]
    assert problems(more, bindings(more, EXT, MOCK)) == [
        "deleteSong (DELETE /songs/{id}) is not exposed by imuze_ext "
        "(no import of module delete_song)",
        "deleteSong (DELETE /songs/{id}) is not reachable from the imuze CLI",
        "deleteSong (DELETE /songs/{id}) is not implemented by the mock (imuze_mock/app.py routes)",
    ]
