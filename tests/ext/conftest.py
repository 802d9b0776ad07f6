"""Shared fixtures: no real backoff sleeps, a scripted in-process API, a live mock, the
client's logger put back as it was."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import stamina

from imuze_mock import MockConfig


@pytest.fixture(autouse=True)
def _no_backoff_sleeps() -> Iterator[None]:
    """stamina's test mode: no backoff waits, and our own attempt counts are kept."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


@pytest.fixture
def imuze_mock_config() -> MockConfig:
    """The live mock renders fast so that waits stay short."""
    return MockConfig(render_delay=0.05)


@pytest.fixture(autouse=True)
def _not_strict_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's IMUZE_STRICT=1 must not change what the tests expect."""
    monkeypatch.delenv("IMUZE_STRICT", raising=False)


@pytest.fixture
def imuze_logger_kept() -> Iterator[logging.Logger]:
    """The `imuze_ext` logger, put back as the test found it: its level, handlers and
    propagation. The level goes back through setLevel, which also empties the logging
    module's cache of enabled levels (assigning `level` leaves stale answers in it)."""
    logger = logging.getLogger("imuze_ext")
    level, handlers, propagate = logger.level, list(logger.handlers), logger.propagate
    try:
        yield logger
    finally:
        logger.handlers[:] = handlers
        logger.propagate = propagate
        logger.setLevel(level)
