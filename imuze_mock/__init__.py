"""A stateful reference mock of the iMuze API: real sessions, scopes, songs and MP3s.

Needs the `mock` extra (`pip install 'imuze[mock]'`). Importing this package stays light
(the configuration only), so that the pytest plugin costs nothing until a fixture is used;
the server, the app and the in-process transport load on first access, and without the extra
that access raises one readable MissingExtraError naming it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .config import DEMO, OTHER, Account, MockConfig

if TYPE_CHECKING:
    from .app import create_app
    from .inprocess import InProcessTransport
    from .server import MockServer, running

__all__ = [
    "DEMO",
    "OTHER",
    "Account",
    "InProcessTransport",
    "MockConfig",
    "MockServer",
    "create_app",
    "running",
]

_LAZY = {
    "create_app": "app",
    "InProcessTransport": "inprocess",
    "MockServer": "server",
    "running": "server",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'imuze_mock' has no attribute {name!r}")
    from imuze_ext.errors import MOCK_PACKAGES, requires_extra

    with requires_extra("mock", "the imuze mock", MOCK_PACKAGES):
        value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
