"""The module rules: no function over 60 lines, and every module says its job in its first
docstring line. Both cover every Python file the repository tracks, tests and benchmarks
included, outside generated/ (which the generator writes). A function that grows past the
limit is split by job, not exempted here."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_FUNCTION_LINES = 60


def tracked_modules() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.py"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    paths = [ROOT / name for name in listed.split("\0") if name]
    return [p for p in paths if p.relative_to(ROOT).parts[0] != "generated" and p.is_file()]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def function_lengths(tree: ast.Module) -> dict[str, int]:
    """Every function and method of a module (nested ones too), by qualified name: its lines
    from `def` to its last statement (decorators excluded)."""
    lengths: dict[str, int] = {}

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                lengths[name] = (child.end_lineno or child.lineno) - child.lineno + 1
                walk(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")
            else:
                walk(child, prefix)

    walk(tree, "")
    return lengths


def test_the_repository_has_modules_to_measure() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in tracked_modules()}
    assert {"imuze_cli/app.py", "tests/test_module_rules.py", "bench/run.py"} <= names
    assert not any(name.startswith("generated/") for name in names)


def test_function_lengths_are_measured_from_def_to_last_line() -> None:
    source = "class A:\n    def f(self):\n        def g():\n            pass\n        return 1\n"
    assert function_lengths(ast.parse(source)) == {"A.f": 4, "A.f.g": 2}


def test_no_function_over_60_lines() -> None:
    too_long = {}
    for path in tracked_modules():
        for name, lines in function_lengths(_tree(path)).items():
            if lines > MAX_FUNCTION_LINES:
                too_long[f"{path.relative_to(ROOT).as_posix()}:{name}"] = lines
    assert too_long == {}, f"split these by job (at most {MAX_FUNCTION_LINES} lines): {too_long}"


def test_every_module_names_its_job_in_its_first_docstring_line() -> None:
    missing = []
    for path in tracked_modules():
        docstring = ast.get_docstring(_tree(path), clean=False)
        first = docstring.lstrip("\n").splitlines()[0].strip() if docstring else ""
        if not docstring or not first or docstring.startswith("\n"):
            missing.append(path.relative_to(ROOT).as_posix())
    assert missing == [], f"say each module's job in its first docstring line: {missing}"
