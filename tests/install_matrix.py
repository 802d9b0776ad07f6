"""The install matrix's machinery: the built wheel in fresh venvs, resolved by uv from the
package index with no constraints file, as a user's `pip install` resolves it.

A plan names a venv: its Python (found on this machine: pyenv's versions, else uv's search of
the system's interpreters; never downloaded), its extras, and its resolution: the newest
versions pyproject's ranges allow, or the lowest (every direct dependency at the lower bound
the wheel's own metadata states). tests/test_wheel_install.py runs the steps and judges them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12", "3.13")
"""The interpreters requires-python and the classifiers promise."""
USER_EXTRAS = ("mock", "play", "contract", "spec")
"""Every extra a user installs (test and dev are the repository's own)."""
INSTALL_TIMEOUT = 600


@dataclass(frozen=True)
class Plan:
    """One venv of the matrix."""

    name: str
    python: str
    extras: tuple[str, ...]
    lowest: bool = False

    @property
    def requirement_extras(self) -> str:
        return f"[{','.join(self.extras)}]" if self.extras else ""


PLANS = (
    Plan("client-3.11", "3.11", ()),
    *(Plan(f"newest-{version}", version, USER_EXTRAS) for version in PYTHONS),
    Plan("lowest-3.11", "3.11", USER_EXTRAS, lowest=True),
)
MOCK_HOST = "newest-3.11"
"""The venv whose `imuze-mock` serves the client-only venv (which has no mock extra)."""


def uv() -> str:
    """The uv of the dev venv (pinned in the dev extra and constraints.txt)."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        raise RuntimeError("uv is not installed: run `make setup` (the dev extra pins it)")
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment less what would steer a resolution (a constraints file, an
    index or a config of pip's or uv's) and the project's own IMUZE_ settings."""
    steering = ("PIP_", "UV_", "IMUZE_", "VIRTUAL_ENV", "PYTHONPATH", "CONDA")
    env = {k: v for k, v in os.environ.items() if not k.startswith(steering)}
    if "UV_CACHE_DIR" in os.environ:  # one download cache for every venv
        env["UV_CACHE_DIR"] = os.environ["UV_CACHE_DIR"]
    return {**env, **extra}


def _patch(path: Path) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", path.parents[1].name)
    return tuple(int(n) for n in numbers)


def pyenv_root() -> Path:
    """`pyenv root`, else $PYENV_ROOT, else ~/.pyenv."""
    pyenv = shutil.which("pyenv") or str(Path.home() / ".pyenv" / "bin" / "pyenv")
    try:
        done = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=30)
    except OSError:
        done = None
    if done is not None and done.returncode == 0 and done.stdout.strip():
        return Path(done.stdout.strip())
    return Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))


def find_python(version: str) -> Path | None:
    """The newest installed CPython `version` (e.g. "3.12"): pyenv's first, else the system's
    as uv finds it (only-system: uv never downloads one here). None when there is none."""
    pattern = f"versions/{version}.*/bin/python{version}"
    found = [p for p in pyenv_root().glob(pattern) if re.fullmatch(r"[\d.]+", p.parents[1].name)]
    if found:
        return max(found, key=_patch)
    done = _uv(
        "python", "find", "--no-python-downloads", "--python-preference", "only-system", version
    )
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def where_pythons_are_looked_for() -> str:
    return f"{pyenv_root()}/versions/3.1x.*, then `uv python find` (system interpreters only)"


def build_dists(out: Path) -> tuple[Path, Path]:
    """`uv build` of the repository into `out`: the sdist, and the wheel built from it."""
    here = ("--no-python-downloads", "--python", sys.executable)  # the build's interpreter
    done = _uv("build", *here, "--out-dir", str(out), str(ROOT))
    if done.returncode != 0:
        raise RuntimeError(f"uv build failed:\n{done.stderr[-3000:]}")
    (sdist,) = out.glob("imuze-*.tar.gz")
    (wheel,) = out.glob("imuze-*.whl")
    return sdist, wheel


def wheel_metadata(wheel: Path) -> Mapping[str, list[str]]:
    """The wheel's METADATA fields, each with every value it has."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(archive.read(name).decode("utf-8"))
    fields: dict[str, list[str]] = {}
    for key, value in message.items():
        fields.setdefault(key, []).append(value)
    return fields


def direct_requirements(wheel: Path, extras: Iterable[str]) -> list[Requirement]:
    """The wheel's Requires-Dist that apply with `extras` on this platform, markers dropped."""
    environment = dict(default_environment())
    chosen = []
    for line in wheel_metadata(wheel).get("Requires-Dist", []):
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or any(
            marker.evaluate({**environment, "extra": extra}) for extra in ("", *extras)
        ):
            requirement.marker = None
            chosen.append(requirement)
    return chosen


def lower_bound(requirement: Requirement) -> Version | None:
    """The lowest version `requirement` allows by its >=, == or ~= (None: it states none)."""
    bounds = [
        Version(spec.version)
        for spec in requirement.specifier
        if spec.operator in (">=", "==", "~=", "===")
    ]
    return max(bounds, default=None)


@dataclass
class Venv:
    """A venv of the matrix once made: where it is, and what it holds (or why it is not)."""

    plan: Plan
    root: Path
    interpreter: Path | None = None
    versions: dict[str, str] = field(default_factory=dict)
    problem: str | None = None

    @property
    def python(self) -> Path:
        return self.root / "venv" / "bin" / "python"

    @property
    def bin(self) -> Path:
        return self.python.parent

    @property
    def home(self) -> Path:
        return self.root / "home"

    def describe(self, names: Iterable[str] = ()) -> str:
        """The venv's name, its Python and the versions of `names` (its direct dependencies)."""
        shown = [f"{n} {self.versions.get(canonicalize_name(n), '-')}" for n in names]
        python = self.versions.get("python", self.plan.python)
        return f"{self.plan.name} (Python {python}; {', '.join(shown) or 'nothing installed'})"

    def run(
        self, *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a command of the venv (a name in its bin/, or a path) in its home folder."""
        command = [str(self.bin / args[0]) if "/" not in args[0] else args[0], *args[1:]]
        base = {"PATH": f"{self.bin}:/usr/bin:/bin", "HOME": str(self.home), "LANG": "C.UTF-8"}
        return subprocess.run(
            command,
            cwd=cwd or self.home,
            env={**base, **(env or {})},
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )


def make_venv(plan: Plan, root: Path, wheel: Path, *, compile: bool = False) -> Venv:
    """The plan's venv under `root`, with the wheel installed; `problem` says what failed."""
    venv = Venv(plan, root)
    venv.home.mkdir(parents=True, exist_ok=True)
    venv.interpreter = find_python(plan.python)
    if venv.interpreter is None:
        venv.problem = (
            f"{plan.name}: no Python {plan.python} on this machine, so it could not run "
            f"(looked in {where_pythons_are_looked_for()})"
        )
        return venv
    target = str(venv.python.parents[1])
    made = _uv("venv", "--no-python-downloads", "--python", str(venv.interpreter), target)
    requirements = [f"{wheel}{plan.requirement_extras}"]
    options = ["--python", str(venv.python), *(["--compile-bytecode"] if compile else [])]
    if plan.lowest:
        options += ["--resolution", "lowest-direct"]
        requirements += [str(r) for r in direct_requirements(wheel, plan.extras)]
    installed = made if made.returncode != 0 else _uv("pip", "install", *options, *requirements)
    if installed.returncode != 0:
        failed = (made if made.returncode != 0 else installed).stderr[-3000:]
        venv.problem = f"{plan.name}: uv could not install {requirements[0]}:\n{failed}"
        return venv
    venv.versions = installed_versions(venv)
    return venv


def _uv(*args: str) -> subprocess.CompletedProcess[str]:
    """uv with no configuration file read (`uv pip install`, `uv venv`, ...)."""
    verb = 2 if args[0] in ("pip", "python") else 1
    command = [uv(), *args[:verb], "--no-config", *args[verb:]]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, env=clean_env()
    )


def installed_versions(venv: Venv) -> dict[str, str]:
    """{canonical name: version} of every distribution in the venv, and "python"."""
    listed = _uv("pip", "list", "--python", str(venv.python), "--format", "json")
    versions = {canonicalize_name(d["name"]): d["version"] for d in json.loads(listed.stdout)}
    done = venv.run("python", "-c", "import platform; print(platform.python_version())")
    versions["python"] = done.stdout.strip()
    return versions


def add(venv: Venv, *requirements: str) -> None:
    """Install more into a made venv (newest versions), e.g. pytest after measuring."""
    done = _uv("pip", "install", "--python", str(venv.python), *requirements)
    if done.returncode != 0:
        raise RuntimeError(f"{venv.plan.name}: uv could not add {requirements}:\n{done.stderr}")
    venv.versions = installed_versions(venv)


def tree_bytes(folder: Path) -> int:
    """The bytes of every file under `folder` (bytecode included: what the disk holds)."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def site_packages(venv: Venv) -> Path:
    (found,) = (venv.root / "venv" / "lib").glob("python3*/site-packages")
    return found
