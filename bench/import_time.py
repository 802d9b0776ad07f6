"""What starting the CLI and the client costs, against the floors they are measured by.

Every variant is a fresh interpreter of the project's venv, started from a temporary folder
(the installed packages are imported, not the checkout's), interleaved after a warm-up, timed
by wall clock:

- cli_help_over_typer_help: `imuze --help` over the `--help` of a two-command typer app (the
  floor of the framework the CLI is built on; goal <= 1.5).
- cli_version_over_bare: `imuze --version` (the console script) over `python -c pass`, what
  any Python program pays to start (goal < 2.5).
- client_import_over_bare: `python -c "import imuze"` over `python -c pass` (reported).

Both sides import compiled bytecode, as after `pip install` (which compiles every module):
the project's packages are compiled first, since an editable checkout has none when
PYTHONDONTWRITEBYTECODE is set (as on the machines here), while typer's were compiled at
install. Without that, the CLI would be timed compiling its source.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._common import Result, emit
from ._stats import interleave, ratio, summarize

ROUNDS = 21
_IMUZE = str(Path(sys.executable).parent / "imuze")
PROJECT_PACKAGES = ("imuze", "imuze_ext", "imuze_client", "imuze_cli")
#: The floor: a two-command typer app, as small as a CLI on typer can be.
TYPER_APP = """import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    \"\"\"Say hello.\"\"\"
    print(f"hello {name}")


@app.command()
def bye(name: str) -> None:
    \"\"\"Say goodbye.\"\"\"
    print(f"bye {name}")


if __name__ == "__main__":
    app()
"""


def _wall_ms(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=tempfile.gettempdir(), capture_output=True, timeout=60, check=True)
    return (time.perf_counter() - started) * 1000


def _self_ms_by_package(command: list[str]) -> dict[str, float]:
    """`python -X importtime ...`: self time per top-level package (ms)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header line
        package = fields[2].strip().split(".")[0]
        totals[package] = totals.get(package, 0.0) + int(fields[0]) / 1000
    return totals


def what_costs(typer_app: str) -> dict[str, float]:
    """What `imuze --help` imports beyond the typer app's `--help`, by package, the costliest
    first."""
    cli = _self_ms_by_package([_IMUZE, "--help"])
    floor = _self_ms_by_package([typer_app, "--help"])
    extra = {name: ms for name, ms in cli.items() if name not in floor}
    return dict(sorted(extra.items(), key=lambda item: -item[1])[:8])


def _compile_like_pip() -> None:
    """Write the bytecode of the project's packages, as pip does when it installs a wheel."""
    folders = []
    for name in PROJECT_PACKAGES:
        spec = importlib.util.find_spec(name)  # a top-level package: found, not imported
        if spec is not None and spec.submodule_search_locations:
            folders += list(spec.submodule_search_locations)
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], check=True, timeout=300)


def run() -> Result:
    """The five variants, interleaved; medians and their ratios."""
    _compile_like_pip()
    with tempfile.TemporaryDirectory(prefix="bench-typer-") as folder:
        typer_app = str(Path(folder) / "two_commands.py")
        Path(typer_app).write_text(TYPER_APP, encoding="utf-8")
        _wall_ms([sys.executable, typer_app, "--help"])  # once before the warm-up, as the CLI
        times = interleave(
            {
                "bare": lambda: _wall_ms([sys.executable, "-c", "pass"]),
                "client_wall": lambda: _wall_ms([sys.executable, "-c", "import imuze"]),
                "version": lambda: _wall_ms([_IMUZE, "--version"]),
                "help": lambda: _wall_ms([_IMUZE, "--help"]),
                "typer_help": lambda: _wall_ms([sys.executable, typer_app, "--help"]),
            },
            rounds=ROUNDS,
            warmup=2,
        )
        beyond = what_costs(typer_app)
    stats = {name: summarize(samples) for name, samples in times.items()}
    median = {name: s["median"] for name, s in stats.items()}
    return {
        "figures": {
            "bare_python_ms": median["bare"],
            "cli_help_ms": median["help"],
            "typer_help_ms": median["typer_help"],
            "cli_help_over_typer_help": ratio(median["help"], median["typer_help"]),
            "cli_version_over_bare": ratio(median["version"], median["bare"]),
            "client_import_over_bare": ratio(median["client_wall"], median["bare"]),
        },
        "details": {"ms": stats, "rounds": ROUNDS, "beyond_typer_help_ms": beyond},
    }


if __name__ == "__main__":
    emit(run())
