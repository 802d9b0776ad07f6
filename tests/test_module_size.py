"""No module over 400 lines: every Python file the repository tracks, tests and benchmarks
included, outside generated/ (which the generator writes). A module that grows past it is
split by job, not exempted here."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400


def tracked_modules() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.py"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    paths = [ROOT / name for name in listed.split("\0") if name]
    return [p for p in paths if p.relative_to(ROOT).parts[0] != "generated" and p.is_file()]


def test_the_repository_has_modules_to_measure() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in tracked_modules()}
    assert {"imuze_cli/app.py", "tests/test_module_size.py"} <= names
    assert not any(name.startswith("generated/") for name in names)


def test_no_module_over_400_lines() -> None:
    too_long = {}
    for path in tracked_modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long[path.relative_to(ROOT).as_posix()] = lines
    assert too_long == {}, f"split these by job (at most {MAX_LINES} lines each): {too_long}"
