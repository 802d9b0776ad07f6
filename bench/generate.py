"""generate_seconds: the wall time of `make generate`.

Runs the Makefile's own GENERATE command (read from `make -p`, so it cannot drift) into a
temporary folder, as `make check-generated` does, so the committed tree is never touched.
The output is checked against generated/imuze_client, so a timing of a broken run is refused.
"""

from __future__ import annotations

import filecmp
import os
import re
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

from ._common import Result, emit
from ._stats import summarize

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3


def generate_command() -> list[str]:
    """The Makefile's GENERATE command, without its output folder."""
    database = subprocess.run(
        ["make", "-pnq", "-C", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # -q exits 1 when the default goal is out of date
    ).stdout
    found = re.search(r"^GENERATE :?= (.+)$", database, re.MULTILINE)
    if found is None:
        raise RuntimeError("no GENERATE variable in the Makefile")
    return shlex.split(found.group(1))


def _same_tree(left: Path, right: Path) -> bool:
    compared = filecmp.dircmp(left, right, ignore=["__pycache__"])
    if compared.left_only or compared.right_only or compared.diff_files or compared.funny_files:
        return False
    return all(_same_tree(left / sub, right / sub) for sub in compared.common_dirs)


def _generate_once(command: list[str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "imuze_client"
        env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}"}
        start = time.perf_counter()
        subprocess.run(
            [*command, str(out)], cwd=ROOT, env=env, capture_output=True, timeout=300, check=True
        )
        seconds = time.perf_counter() - start
        if not _same_tree(ROOT / "generated" / "imuze_client", out):
            raise RuntimeError("the generated client differs from generated/imuze_client")
    return seconds


def run() -> Result:
    """Time the generation a few times (after one warm-up run) and report the median."""
    command = generate_command()
    _generate_once(command)
    times = [_generate_once(command) for _ in range(ROUNDS)]
    wall = summarize(times)
    return {
        "figures": {"generate_seconds": wall["median"]},
        "details": {"command": " ".join(command) + " <tmp>", "wall_seconds": wall},
    }


if __name__ == "__main__":
    emit(run())
