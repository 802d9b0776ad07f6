"""The CLI tests' fixtures: no real backoff sleeps, a fast mock, no strict mode by accident."""

from __future__ import annotations

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
