"""The installed distribution's version, for `imuze_ext.__version__` and the User-Agent."""

from __future__ import annotations

import os
import re
import sys

DISTRIBUTION = "imuze"
UNKNOWN_VERSION = "0+unknown"
"""What a source tree imported without installed metadata reports (a valid PEP 440 version)."""


def installed_version(distribution: str = DISTRIBUTION) -> str:
    """The version recorded in the package metadata, or UNKNOWN_VERSION without metadata.

    The dist-info METADATA on sys.path is read directly, as importlib.metadata finds it:
    importing importlib.metadata (zipfile, csv, importlib.resources...) would cost `import
    imuze` more than the rest of its own code. Any other layout is left to importlib.metadata.
    """
    return _dist_info_version(distribution) or _metadata_version(distribution)


def _dist_info_version(distribution: str) -> str | None:
    prefix = re.sub(r"[-_.]+", "_", distribution).lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.lower().startswith(prefix) and name.endswith(".dist-info"):
                version = _version_header(os.path.join(entry or ".", name, "METADATA"))
                if version:
                    return version
    return None


def _version_header(path: str) -> str | None:
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


def _metadata_version(distribution: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


__version__: str = installed_version()
