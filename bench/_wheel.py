"""The built wheel in a fresh venv, pinned by constraints.txt, for the install benchmark (the
install matrix, tests/test_wheel_install.py, resolves with uv and no constraints instead).

The venvs are made without pip (this interpreter's pip installs into them with --python), so
that their site-packages hold exactly what `pip install imuze` brings.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
MOCK_ONLY = ("numpy", "starlette", "uvicorn", "lameenc", "httptools", "uvloop")
"""Distributions that `imuze[mock]` adds and a plain `pip install imuze` must not have."""


def build_wheel(out: Path) -> Path:
    """`pip wheel . --no-deps` into `out`; the path of the wheel."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("imuze-*.whl")
    return wheel


def make_venv(path: Path) -> Path:
    """A fresh venv without pip at `path`; its python."""
    venv.EnvBuilder(with_pip=False, clear=True).create(path)
    return path / "bin" / "python"


def pip_install(python: Path, *requirements: str, compile: bool = True) -> None:
    """Install into the venv of `python`, pinned by constraints.txt, from the package index.

    compile=False skips writing bytecode (faster; the first imports compile what they use),
    for a venv whose size is not measured.
    """
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    options = ["-q", "-c", str(CONSTRAINTS), *([] if compile else ["--no-compile"])]
    done = subprocess.run(
        [*pip, "install", *options, *requirements],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip install {' '.join(requirements)} failed:\n{done.stderr[-2000:]}")


def site_packages(python: Path) -> Path:
    """The venv's site-packages folder."""
    (found,) = (python.parent.parent / "lib").glob("python3*/site-packages")
    return found


def distributions(python: Path) -> list[str]:
    """The names of the distributions installed in the venv, lower-case, sorted."""
    names = (
        path.name.partition("-")[0].lower().replace("_", "-")
        for path in site_packages(python).glob("*.dist-info")
    )
    return sorted(names)


def tree_bytes(folder: Path) -> int:
    """The bytes of every file under `folder` (bytecode included: what the disk holds)."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def largest(python: Path, count: int = 5) -> dict[str, float]:
    """The `count` largest top-level entries of site-packages, in MB."""
    sizes = {
        entry.name: tree_bytes(entry) if entry.is_dir() else entry.stat().st_size
        for entry in site_packages(python).iterdir()
    }
    ranked = sorted(sizes.items(), key=lambda item: item[1], reverse=True)[:count]
    return {name: round(size / 1e6, 1) for name, size in ranked}
