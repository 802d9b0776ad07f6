"""What `pip install imuze` weighs, and what the pytest plugin costs a session that does not
use it.

- client_site_packages_mb / client_distributions: the built wheel installed without extras in
  a fresh venv (no pip in it), dependencies pinned by constraints.txt: the size of its
  site-packages, bytecode included, and the distributions in it (imuze counted).
- plugin_import_ms: importing the pytest11 entry point (imuze_mock.pytest_plugin) in a fresh
  interpreter that has already imported pytest: what every pytest start pays for the plugin.
- mock_import_ms: importing the mock a fixture loads on first use (imuze_mock.app and
  .server), measured the same way, interleaved with the above: what each pytest start paid
  when the plugin imported the mock eagerly.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from . import _wheel
from ._common import Result, emit
from ._stats import interleave, summarize

ROUNDS = 21
_PROBE = """
import time, pytest
started = time.perf_counter()
import {modules}
print((time.perf_counter() - started) * 1000)
"""


def _import_ms(modules: str) -> float:
    """Milliseconds to import `modules` in a fresh interpreter, after pytest."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(modules=modules)],
        cwd=tempfile.gettempdir(),  # not the repository: the installed packages are imported
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return float(done.stdout)


def _client_install() -> tuple[int, list[str], dict[str, float]]:
    """site-packages' bytes, its distributions and its largest entries (MB)."""
    with tempfile.TemporaryDirectory(prefix="imuze-footprint-") as tmp:
        wheel = _wheel.build_wheel(Path(tmp) / "dist")
        python = _wheel.make_venv(Path(tmp) / "venv")
        _wheel.pip_install(python, str(wheel))
        size = _wheel.tree_bytes(_wheel.site_packages(python))
        return size, _wheel.distributions(python), _wheel.largest(python)


def run() -> Result:
    """Install the client alone once; time the two imports interleaved, after a warm-up."""
    size, distributions, largest = _client_install()
    times = interleave(
        {
            "plugin": lambda: _import_ms("imuze_mock.pytest_plugin"),
            "mock": lambda: _import_ms(
                "imuze_mock.pytest_plugin, imuze_mock.app, imuze_mock.server"
            ),
        },
        rounds=ROUNDS,
        warmup=2,
    )
    plugin, mock = summarize(times["plugin"]), summarize(times["mock"])
    return {
        "figures": {
            "client_site_packages_mb": size / 1e6,
            "client_distributions": len(distributions),
            "plugin_import_ms": plugin["median"],
            "mock_import_ms": mock["median"],
        },
        "details": {
            "client_install": {"distributions": distributions, "largest_mb": largest},
            "plugin_import_ms": plugin,
            "mock_import_ms": mock,
            "mock_only_distributions_present": sorted(set(distributions) & set(_wheel.MOCK_ONLY)),
        },
    }


if __name__ == "__main__":
    emit(run())
