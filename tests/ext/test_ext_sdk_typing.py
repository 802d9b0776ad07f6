"""The SDK conveniences are precisely typed for both mypy --strict and pyright, and the
generated models reject item access (`song["title"]`) at type-check time."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import mypy.api

CASES = Path(__file__).parent / "typing_cases"
ROOT = Path(__file__).parents[2]
PYRIGHT = ROOT / "tools" / "node_modules" / ".bin" / "pyright"
OK, BAD = CASES / "sdk_ok.py", CASES / "sdk_bad.py"


def _marked(path: Path) -> set[int]:
    lines = path.read_text().splitlines()
    return {number for number, line in enumerate(lines, start=1) if "# E:" in line}


def _check(tool: str, reported: dict[Path, set[int]], output: str) -> None:
    assert not reported[OK], (
        f"{tool} rejected correct use on lines {sorted(reported[OK])}:\n{output}"
    )
    missed = _marked(BAD) - reported[BAD]
    extra = reported[BAD] - _marked(BAD)
    assert not missed, f"{tool} missed lines {sorted(missed)}:\n{output}"
    assert not extra, f"{tool} reported unexpected lines {sorted(extra)}:\n{output}"


def test_mypy_strict_accepts_the_right_use_and_rejects_each_misuse() -> None:
    stdout, stderr, _ = mypy.api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--strict",
            "--no-error-summary",
            str(OK),
            str(BAD),
        ]
    )
    assert not stderr, stderr
    reported: dict[Path, set[int]] = {OK: set(), BAD: set()}
    for line in stdout.splitlines():
        if (m := re.search(r"(sdk_ok|sdk_bad)\.py:(\d+): error:", line)) is not None:
            reported[OK if m.group(1) == "sdk_ok" else BAD].add(int(m.group(2)))
    _check("mypy", reported, stdout)


def test_pyright_accepts_the_right_use_and_rejects_each_misuse() -> None:
    assert PYRIGHT.exists(), "pyright is pinned in tools/package.json: run `make setup`"
    result = subprocess.run(
        [str(PYRIGHT), "--outputjson", "--pythonpath", sys.executable, str(OK), str(BAD)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    report = json.loads(result.stdout)
    reported: dict[Path, set[int]] = {OK: set(), BAD: set()}
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            path = Path(diagnostic["file"])
            reported[path].add(diagnostic["range"]["start"]["line"] + 1)
    _check("pyright", reported, result.stdout)
