"""The `imuze` console script: `imuze --version` answers before anything heavy loads.

Every other command line loads the app (typer, rich, the client) and runs it. The version is
imuze_ext's one literal (`imuze_ext/_version.py`, which hatch builds the wheel from), loaded
here as a file: importing any imuze_ext module imports the whole client.
"""

from __future__ import annotations

import importlib.util
import sys


def main() -> None:
    """The `imuze` console script."""
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"imuze {version()}\n")
        return
    from .app import main as run_app

    run_app()


def version() -> str:
    """`imuze_ext.__version__`, read from its module without importing the package."""
    package = importlib.util.find_spec("imuze_ext")
    assert package is not None and package.submodule_search_locations is not None
    path = f"{next(iter(package.submodule_search_locations))}/_version.py"
    spec = importlib.util.spec_from_file_location("_imuze_version", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    version: str = module.__version__
    return version
