"""The public API is precisely typed: a correct consumer passes mypy --strict, misuse fails."""

from __future__ import annotations

import re
from pathlib import Path

import mypy.api

CASES = Path(__file__).parent / "typing_cases"
ROOT = Path(__file__).parents[2]


def test_consumer_passes_and_misuse_fails_mypy_strict() -> None:
    ok, bad = CASES / "consumer_ok.py", CASES / "consumer_bad.py"
    stdout, stderr, _ = mypy.api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--strict",
            "--no-error-summary",
            "--show-column-numbers",
            str(ok),
            str(bad),
        ]
    )
    assert not stderr, stderr
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if "consumer_ok.py" in e], stdout
    reported = {int(m.group(1)) for e in errors if (m := re.search(r"consumer_bad\.py:(\d+):", e))}
    marked = {
        number
        for number, line in enumerate(bad.read_text().splitlines(), start=1)
        if "# E:" in line
    }
    assert marked <= reported, f"mypy missed lines {sorted(marked - reported)}:\n{stdout}"
    assert reported <= marked, f"unexpected errors on lines {sorted(reported - marked)}:\n{stdout}"
