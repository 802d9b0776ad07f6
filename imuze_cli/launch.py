"""The `imuze` console script: `imuze --version` answers before anything heavy loads.

Every other command line loads the app (typer, rich, the client) and runs it. The version
comes from the installed metadata, as `imuze_ext.__version__` does; it is read here, not
imported from imuze_ext, because importing any imuze_ext module imports the whole client.
"""

from __future__ import annotations

import os
import sys

DISTRIBUTION = "imuze"


def main() -> None:
    """The `imuze` console script."""
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"imuze {_version()}\n")
        return
    from .app import main as run_app

    run_app()


def _version() -> str:
    """The installed distribution's version, from its dist-info METADATA on sys.path.

    What importlib.metadata.version("imuze") answers, without importing importlib.metadata
    (and email, zipfile, csv...), which alone costs more than a bare interpreter's start.
    """
    prefix = f"{DISTRIBUTION}-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith(prefix) and name.endswith(".dist-info"):
                version = _metadata_version(os.path.join(entry or ".", name, "METADATA"))
                if version:
                    return version
    return "0+unknown"  # imuze_ext._version.UNKNOWN_VERSION: a source tree without metadata


def _metadata_version(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as metadata:
            for line in metadata:
                if line.startswith("Version:"):
                    return line.partition(":")[2].strip()
                if not line.strip():  # the headers end here
                    break
    except OSError:
        return None
    return None
