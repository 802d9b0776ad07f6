"""The arrows run one way: the command lines (imuze_cli) use the libraries, the libraries never
use the command lines, typer or rich, and `imuze` is imuze_ext's face and nothing else.

The imports are read from the source by grimp (function-level and TYPE_CHECKING imports
included), not by importing the packages. Every package the wheel ships has a rule here, so
that a new package cannot join the house without one.
"""

from __future__ import annotations

import copy
import sys
import tomllib
from functools import cache
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("imuze", "imuze_ext", "imuze_cli", "imuze_contract", "imuze_spec", "imuze_mock")
CLI_ONLY = frozenset({"typer", "click", "rich", "mutagen", "miniaudio", "platformdirs"})
"""What only the command lines may import: their toolkit, their media and folder helpers."""

EXT_MAY_USE = frozenset({"imuze_client", "httpx", "anyio", "attrs", "stamina", "jsonschema_rs"})
EXT_MAY_USE |= {"yaml"}
"""imuze_ext's world: the generated client and the client's own dependencies (and the stdlib)."""

ENTRY_SCRIPTS = {("imuze_mock.__main__", "imuze_cli.mock")}
"""`python -m imuze_mock` is the `imuze-mock` command line itself, kept where the README and
the benchmarks run it: it hands over to imuze_cli and holds no library code."""


def allowed(importer: str, imported: str) -> bool:
    """Whether module `importer` may import `imported` (both dotted names)."""
    own, top = importer.partition(".")[0], imported.partition(".")[0]
    if own == top or (importer, imported) in ENTRY_SCRIPTS:
        return True
    if own == "imuze_cli":
        return True
    if own == "imuze":
        return top == "imuze_ext"
    if own == "imuze_ext":
        return top in EXT_MAY_USE or top in sys.stdlib_module_names
    # imuze_contract, imuze_spec, imuze_mock: libraries over imuze_ext at most
    return top not in CLI_ONLY and (top not in PROJECT or top == "imuze_ext")


@cache
def house() -> grimp.ImportGraph:
    return grimp.build_graph(*PROJECT, include_external_packages=True, cache_dir=None)


def violations(graph: grimp.ImportGraph) -> list[str]:
    """Every arrow against the rules, `importer -> imported (file:line)`."""
    found = []
    for package in PROJECT:
        for importer in sorted(graph.find_descendants(package) | {package}):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if not allowed(importer, imported):
                    lines = graph.get_import_details(importer=importer, imported=imported)
                    where = ", ".join(str(d["line_number"]) for d in lines)
                    found.append(f"{importer} -> {imported} (line {where})")
    return found


def test_no_arrow_runs_back_up_a_floor() -> None:
    assert violations(house()) == []


def test_every_shipped_package_has_a_rule() -> None:
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = build["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert {Path(p).name for p in shipped} - {"imuze_client"} == set(PROJECT)


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("imuze_ext.client", "typer"),
        ("imuze_ext._download", "rich.progress"),
        ("imuze_ext.client", "mutagen.mp3"),
        ("imuze_ext.client", "imuze_cli.app"),
        ("imuze_ext.client", "imuze_mock.server"),
        ("imuze_ext.client", "starlette.routing"),
        ("imuze_contract.runner", "imuze_cli.errors"),
        ("imuze_contract.markdown", "rich.console"),
        ("imuze_spec.diff", "typer"),
        ("imuze_spec.diff", "imuze_contract.report"),
        ("imuze_mock.app", "imuze_cli.mock"),
        ("imuze_mock.app", "imuze_spec.load"),
        ("imuze", "imuze_mock"),
        ("imuze", "httpx"),
    ],
)
def test_an_arrow_against_the_rules_is_named(importer: str, imported: str) -> None:
    graph = copy.deepcopy(house())
    graph.add_import(importer=importer, imported=imported, line_number=7, line_contents="x")
    assert violations(graph) == [f"{importer} -> {imported} (line 7)"]
