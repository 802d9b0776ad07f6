"""ARCHITECTURE.md stays true: every file, folder and name it cites exists in the checkout.

A citation is a backticked path (`imuze_ext/client.py`, `spec/`), or a path with a name
(`imuze_spec/rules.py::RULES`), which must be defined at the top level of that module or one
of its classes. Make targets cited as `make NAME` must exist in the Makefile.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "ARCHITECTURE.md"
TICKED = re.compile(r"`([^`\n]+)`")
PATHLIKE = re.compile(r"^[\w.-]+(/[\w.-]*)+(::[\w.]+)?$|^[\w-]+\.(py|md|yaml|toml|txt)(::[\w.]+)?$")
MAKE = re.compile(r"^make ([\w-]+)")


def citations() -> list[str]:
    return [t for t in TICKED.findall(DOC.read_text(encoding="utf-8")) if PATHLIKE.match(t)]


def make_targets() -> list[str]:
    return [m.group(1) for t in TICKED.findall(DOC.read_text(encoding="utf-8"))
            if (m := MAKE.match(t))]  # fmt: skip


def defined_names(path: Path) -> set[str]:
    """Top-level functions, classes and assignments, and the members of each class."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            if isinstance(node, ast.ClassDef):
                names |= {f"{node.name}.{n}" for n in defined_names_of(node.body)}
        names |= defined_names_of([node])
    return names


def defined_names_of(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_the_document_cites_the_house() -> None:
    cited = citations()
    assert len(cited) >= 30
    assert {"imuze_ext/", "imuze_contract/", "imuze_spec/", "imuze_mock/", "imuze_cli/"} <= set(
        cited
    )


@pytest.mark.parametrize("citation", sorted(set(citations())))
def test_every_cited_path_and_name_exists(citation: str) -> None:
    path, _, name = citation.partition("::")
    assert (ROOT / path).exists(), f"ARCHITECTURE.md cites {path}, which is not in the checkout"
    if name:
        assert name in defined_names(ROOT / path), f"{path} defines no {name}"


@pytest.mark.parametrize("target", sorted(set(make_targets())))
def test_every_cited_make_target_exists(target: str) -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), target


def test_names_are_read_from_the_module_and_its_classes() -> None:
    names = defined_names(ROOT / "imuze_spec/rules.py")
    assert {"RULES", "Rule", "get"} <= names
    assert "nothing_here" not in names
    assert "Report.from_dict" in defined_names(ROOT / "imuze_contract/report.py")
