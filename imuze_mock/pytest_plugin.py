"""pytest fixtures for testing code against the mock, with no set-up (entry point pytest11).

Ready clients, on a fresh in-process mock (no sockets), logged in as the demo account:

- ``imuze_api``: an ``imuze_ext.Imuze``.
- ``imuze_async_api``: an ``imuze_ext.AsyncImuze``. A plain fixture, so it works with any
  async test runner; the test itself needs its runner's marker when the project is not in
  auto mode: ``@pytest.mark.asyncio`` (pytest-asyncio) or ``@pytest.mark.anyio``.

While either is in use, retries keep their count but do not wait: stamina's testing mode
(``stamina.set_testing``) is on for the test and restored after it.

The mock itself:

- ``imuze_mock_server``: a live uvicorn server on a free loopback port; a MockServer with
  ``base_url``, ``demo`` and ``other`` accounts (email, password, api_key).
- ``imuze_mock_app``: the in-process Starlette app, for ``httpx.ASGITransport`` or
  ``imuze_mock.InProcessTransport``; ``app.state.demo`` and ``app.state.other`` are its
  accounts.
- ``imuze_mock_config``: the MockConfig all of them use (a 0.05 s render delay); override it
  in your conftest.py to change any knob, faults included.

This module imports only pytest and the standard library, so the plugin costs nothing in a
session that uses none of its fixtures. The mock (Starlette, numpy, LAME) loads when a test
first asks for one, and without the ``mock`` extra that test fails with one line naming it.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from .config import MockConfig

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from imuze_ext import AsyncImuze, Imuze

    from .server import MockServer

IN_PROCESS_URL = "http://mock.test/api/4"
"""The base URL of the in-process clients: any host works, none is ever resolved."""

_ATTEMPTS_CAP = 100
"""stamina's testing mode caps the attempts: high, so each client keeps its own count."""


def _require_mock(module: str) -> None:
    """Import a part of the mock, or fail the test with one line naming the missing extra."""
    from imuze_ext.errors import MOCK_PACKAGES, MissingExtraError, requires_extra

    try:
        with requires_extra("mock", "this imuze_mock fixture", MOCK_PACKAGES):
            importlib.import_module(module, __package__)
    except MissingExtraError as exc:
        message = str(exc)
    else:
        return
    pytest.fail(message, pytrace=False)  # outside the except: no chained traceback


@contextlib.contextmanager
def _retries_without_waits() -> Iterator[None]:
    import stamina

    with stamina.set_testing(True, attempts=_ATTEMPTS_CAP, cap=True):
        yield


@pytest.fixture
def imuze_mock_config() -> MockConfig:
    """The configuration every imuze fixture uses; override it in your conftest.py."""
    return MockConfig(render_delay=0.05)


@pytest.fixture
def imuze_mock_server(imuze_mock_config: MockConfig) -> Iterator[MockServer]:
    """A fresh mock served over real sockets on a free loopback port."""
    _require_mock(".server")
    from .server import running

    with running(imuze_mock_config) as server:
        yield server


@pytest.fixture
def imuze_mock_app(imuze_mock_config: MockConfig) -> Iterator[Starlette]:
    """A fresh in-process mock app; ``app.state.demo`` holds the demo credentials."""
    _require_mock(".app")
    from .app import create_app

    app = create_app(imuze_mock_config)
    try:
        yield app
    finally:
        app.state.mock.pool.shutdown()  # what the app's lifespan does on shutdown


@pytest.fixture
def imuze_api(imuze_mock_app: Starlette) -> Iterator[Imuze]:
    """An `Imuze` logged in as the demo account, on the in-process mock."""
    from imuze_ext import Imuze

    from .inprocess import InProcessTransport  # its dependencies came with imuze_mock_app

    demo = imuze_mock_app.state.demo
    transport = InProcessTransport(imuze_mock_app)
    with (
        _retries_without_waits(),
        Imuze(
            email=demo.email,
            password=demo.password,
            base_url=IN_PROCESS_URL,
            transport=transport,
        ) as api,
    ):
        yield api


@pytest.fixture
def imuze_async_api(imuze_mock_app: Starlette) -> Iterator[AsyncImuze]:
    """An `AsyncImuze` logged in as the demo account, on the in-process mock.

    A sync fixture, so that no particular async plugin or mode is needed. The client is not
    closed afterwards: that would need the test's event loop, and httpx.ASGITransport holds
    no connection to release.
    """
    import httpx

    from imuze_ext import AsyncImuze

    demo = imuze_mock_app.state.demo
    with _retries_without_waits():
        yield AsyncImuze(
            email=demo.email,
            password=demo.password,
            base_url=IN_PROCESS_URL,
            transport=httpx.ASGITransport(app=imuze_mock_app),
        )
