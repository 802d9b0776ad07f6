"""What the install matrix runs in each venv, and the record that tests/test_wheel_install.py
judges: the steps' commands, the folders they run in, and the concurrent run of them all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import install_matrix as matrix
import pytest
import yaml
from install_matrix import PLANS, Plan, Venv

SONG = (
    'imuze compose --title "Night Drive" --length 2 --out composed --json > composed.json && '
    "imuze songs download 1 --out downloaded --json > downloaded.json"
)
PLAY = (
    "import sys, miniaudio; from pathlib import Path; from imuze_cli import playback\n"
    "(song,) = Path('composed').glob('*.mp3')\n"
    "null = lambda: playback.open_device([miniaudio.Backend.NULL])\n"
    "print(playback.probe(song).duration, playback.play(song, device_factory=null))\n"
)
THREE_LINE_TEST = (
    "def test_song(imuze_api, tmp_path):\n"
    "    song = imuze_api.songs.create(title='My Song', tags=['rock'], desired_length=2)\n"
    "    ready = imuze_api.songs.wait(song, timeout=30)\n"
    "    assert imuze_api.songs.download(ready, tmp_path).read_bytes()[:2] == b'\\xff\\xf3'\n"
)
EXTRA_TEST = (
    "def test_plain():\n    assert True\n\n\ndef test_with_the_mock(imuze_api):\n    pass\n"
)
Ran = subprocess.CompletedProcess[str]


@dataclass
class Matrix:
    """The built dists, the venvs, and what each step printed in each venv."""

    sdist: Path
    wheel: Path
    venvs: dict[str, Venv]
    spec: tuple[Path, Path]  # the spec, and the spec less GET /songs
    client_size: int = 0
    client_distributions: list[str] = field(default_factory=list)
    ran: dict[tuple[str, str], Ran] = field(default_factory=dict)
    seconds: dict[tuple[str, str], float] = field(default_factory=dict)

    def venv(self, name: str) -> Venv:
        """The venv, or the test fails (skips, outside CI, for a missing interpreter)."""
        venv = self.venvs[name]
        if venv.problem is not None:
            if venv.interpreter is None and not os.environ.get("CI"):
                pytest.skip(venv.problem)
            pytest.fail(venv.problem, pytrace=False)
        return venv

    def step(self, name: str, step: str) -> tuple[Ran, str]:
        """What `step` printed in venv `name`, and the venv's description for messages."""
        venv = self.venv(name)
        direct = [r.name for r in matrix.direct_requirements(self.wheel, venv.plan.extras)]
        return self.ran[name, step], venv.describe(direct)


def steps(plan: Plan, mock_bin: Path) -> list[list[tuple[str, list[str], str]]]:
    """The venv's tasks: each a sequence of (step, command, folder under its home)."""
    mock = [str(mock_bin / "imuze-mock"), "--port", "0", "--"]
    extras = bool(plan.extras)
    spec = ["imuze-spec", "diff", "old.yaml", "new.yaml", "--fail-on", "err"]
    tasks = [
        [("help", ["imuze", "--help"], ".")],
        [("usage", ["imuze", "--no-such-option"], ".")],
        [
            ("song", [*mock, "sh", "-c", SONG], "song"),
            *([("play", ["python", "-c", PLAY], "song")] if extras else []),
        ],
        [("spec-diff", spec if extras else [*spec, "--no-python"], "spec")],
        [("private-api", ["python", str(matrix.ROOT / "tests" / "private_api.py")], ".")],
        [("plugin", ["python", "-m", "pytest", "-p", "no:cacheprovider", "-q"], "project")],
    ]
    if extras:
        contract = ["imuze", "contract", "--max-examples", "1", "--budget", "300"]
        tasks.insert(0, [("contract", [*mock, *contract], ".")])
    else:
        tasks.append([("spec-python", spec, "spec")])
        tasks.append([("contract", ["imuze", "contract", "--base-url", "http://127.0.0.1:9"], ".")])
    return tasks


def prepare(venv: Venv, spec: tuple[Path, Path]) -> None:
    for folder in ("song", "spec", "project"):
        (venv.home / folder).mkdir(exist_ok=True)
    shutil.copy(spec[0], venv.home / "spec" / "old.yaml")
    shutil.copy(spec[1], venv.home / "spec" / "new.yaml")
    test = THREE_LINE_TEST if venv.plan.extras else EXTRA_TEST
    (venv.home / "project" / "test_mine.py").write_text(test, encoding="utf-8")


def run_tasks(built: Matrix) -> None:
    """Every step of every made venv, two to three at a time (longest tasks first)."""
    host = built.venvs[matrix.MOCK_HOST]
    jobs = []
    for venv in built.venvs.values():
        if venv.problem is None:
            prepare(venv, built.spec)
            mock_bin = venv.bin if venv.plan.extras else host.bin
            jobs += [(venv, task) for task in steps(venv.plan, mock_bin)]

    def run(job: tuple[Venv, list[tuple[str, list[str], str]]]) -> None:
        venv, task = job
        for step, command, folder in task:
            started = time.monotonic()
            built.ran[venv.plan.name, step] = venv.run(*command, cwd=venv.home / folder)
            built.seconds[venv.plan.name, step] = time.monotonic() - started

    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) + 1) as pool:
        list(pool.map(run, jobs))


def breaking_edit(out: Path) -> tuple[Path, Path]:
    """The committed spec, and a copy without GET /songs (an operation removed)."""
    old, new = out / "old.yaml", out / "new.yaml"
    shutil.copy(matrix.ROOT / "spec" / "openapi.yaml", old)
    document = yaml.safe_load(old.read_text(encoding="utf-8"))
    del document["paths"]["/songs"]["get"]
    new.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return old, new


def run_matrix(root: Path, report: Callable[[str], None]) -> Matrix:
    """Build the dists, make every venv, run every step; `report` gets where the time went."""
    sdist, wheel = matrix.build_dists(root / "dist")
    spec = breaking_edit(root)

    def make(plan: Plan) -> Venv:
        return matrix.make_venv(plan, root / plan.name, wheel, compile=not plan.extras)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=3) as pool:
        venvs = {venv.plan.name: venv for venv in pool.map(make, PLANS)}
    made = time.monotonic() - started
    result = Matrix(sdist, wheel, venvs, spec)
    client = venvs["client-3.11"]
    if client.problem is None:  # measured before pytest joins it, for the plugin step
        result.client_size = matrix.tree_bytes(matrix.site_packages(client))
        result.client_distributions = sorted(set(client.versions) - {"python"})
        matrix.add(client, "pytest")
    run_tasks(result)
    steps_took = time.monotonic() - started - made
    slowest = sorted(result.seconds.items(), key=lambda item: -item[1])[:6]
    report(
        f"matrix: venvs made in {made:.0f} s, steps run in {steps_took:.0f} s; slowest: "
        + ", ".join(f"{venv} {step} {took:.0f} s" for (venv, step), took in slowest)
    )
    return result
