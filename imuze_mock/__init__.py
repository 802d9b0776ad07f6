"""A stateful reference mock of the iMuze API: real sessions, scopes, songs and MP3s."""

from .app import create_app
from .config import DEMO, OTHER, Account, MockConfig
from .server import MockServer, running

__all__ = ["DEMO", "OTHER", "Account", "MockConfig", "MockServer", "create_app", "running"]
