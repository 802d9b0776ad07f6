"""The installed distribution's version, for `imuze_ext.__version__` and the User-Agent."""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "imuze"
UNKNOWN_VERSION = "0+unknown"
"""What a source tree imported without installed metadata reports (a valid PEP 440 version)."""


def installed_version(distribution: str = DISTRIBUTION) -> str:
    """The version recorded in the package metadata, or UNKNOWN_VERSION without metadata."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


__version__: str = installed_version()
