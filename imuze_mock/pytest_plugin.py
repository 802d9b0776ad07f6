"""pytest fixtures for testing code against the mock, with no set-up (entry point pytest11).

- ``imuze_mock_server``: a live uvicorn server on a free port; yields a MockServer with
  ``base_url``, ``demo`` and ``other`` accounts (email, password, api_key).
- ``imuze_mock_app``: the in-process Starlette app, for ``httpx.ASGITransport``.

Both use ``MockConfig()`` with a 0.05 s render delay; override the ``imuze_mock_config``
fixture to change it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette

from .app import create_app
from .config import MockConfig
from .server import MockServer, running


@pytest.fixture
def imuze_mock_config() -> MockConfig:
    """The configuration both fixtures use; override it in your conftest.py."""
    return MockConfig(render_delay=0.05)


@pytest.fixture
def imuze_mock_server(imuze_mock_config: MockConfig) -> Iterator[MockServer]:
    """A fresh mock served over real sockets on a free loopback port."""
    with running(imuze_mock_config) as server:
        yield server


@pytest.fixture
def imuze_mock_app(imuze_mock_config: MockConfig) -> Starlette:
    """A fresh in-process mock app."""
    return create_app(imuze_mock_config)
