"""What starting the client and the CLI costs, against a bare interpreter in the same run.

Every variant is a fresh interpreter of the project's venv, started from a temporary folder
(the installed packages are imported, not the checkout's), interleaved after a warm-up:

- bare_python_ms: `python -c pass`, wall time: what any Python program pays to start.
- httpx_import_ms / client_import_ms: `import httpx` / `import imuze`, timed inside the
  interpreter (perf_counter around the import statement alone); client_import_over_httpx
  is their ratio (goal ≤ 1.3: the client costs at most 30% more to import than httpx).
- client_import_over_bare: `python -c "import imuze"` over `python -c pass`, wall times.
- cli_version_over_bare: `imuze --version` (the console script) over `python -c pass`,
  wall times (goal < 2.5).

Both sides import compiled bytecode, as after `pip install` (which compiles every module):
the project's packages are compiled first, since an editable checkout has none when
PYTHONDONTWRITEBYTECODE is set (as on the machines here), while httpx's were compiled at
install. Without that, `import imuze` would be timed compiling its source.

httpx imports rich through its own command line (httpx._main) when rich is installed, as it
is with the CLI: the same cost on both sides of client_import_over_httpx.
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
_TIMED_IMPORT = (
    "import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
)
_IMUZE = str(Path(sys.executable).parent / "imuze")
PROJECT_PACKAGES = ("imuze", "imuze_ext", "imuze_client", "imuze_cli")


def _wall_ms(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=tempfile.gettempdir(), capture_output=True, timeout=60, check=True)
    return (time.perf_counter() - started) * 1000


def _import_ms(module: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _TIMED_IMPORT.format(module=module)],
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return float(done.stdout)


def _self_ms_by_package(module: str) -> dict[str, float]:
    """`python -X importtime -c "import MODULE"`: self time per top-level package (ms)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
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


def what_costs() -> dict[str, float]:
    """What `import imuze` imports beyond `import httpx`, by package, the costliest first."""
    client, httpx_alone = _self_ms_by_package("imuze"), _self_ms_by_package("httpx")
    extra = {name: ms for name, ms in client.items() if name not in httpx_alone}
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
    times = interleave(
        {
            "bare": lambda: _wall_ms([sys.executable, "-c", "pass"]),
            "client_wall": lambda: _wall_ms([sys.executable, "-c", "import imuze"]),
            "version": lambda: _wall_ms([_IMUZE, "--version"]),
            "httpx": lambda: _import_ms("httpx"),
            "client": lambda: _import_ms("imuze"),
        },
        rounds=ROUNDS,
        warmup=2,
    )
    stats = {name: summarize(samples) for name, samples in times.items()}
    median = {name: s["median"] for name, s in stats.items()}
    return {
        "figures": {
            "bare_python_ms": median["bare"],
            "httpx_import_ms": median["httpx"],
            "client_import_ms": median["client"],
            "client_import_over_httpx": ratio(median["client"], median["httpx"]),
            "client_import_over_bare": ratio(median["client_wall"], median["bare"]),
            "cli_version_over_bare": ratio(median["version"], median["bare"]),
        },
        "details": {"ms": stats, "rounds": ROUNDS, "beyond_httpx_ms": what_costs()},
    }


if __name__ == "__main__":
    emit(run())
