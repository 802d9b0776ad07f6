"""Everything one mock instance holds, built once from its config."""

from __future__ import annotations

from dataclasses import dataclass

from .config import MockConfig
from .faults import FaultInjector
from .limits import RateLimiter
from .store import Store
from .validation import ResponseChecker
from .worker import RenderPool


@dataclass
class MockState:
    """The live parts of a mock: its store, render pool and policies."""

    config: MockConfig
    store: Store
    pool: RenderPool
    faults: FaultInjector
    limiter: RateLimiter | None
    checker: ResponseChecker | None

    @classmethod
    def build(cls, config: MockConfig) -> MockState:
        """A fresh state for ``config``; raises ValueError on a bad fault spec."""
        return cls(
            config=config,
            store=Store(
                config.accounts,
                config.token_ttl,
                config.max_songs,
                config.max_audio_bytes,
                config.max_tokens,
                config.issue_token,
            ),
            pool=RenderPool(config.render_workers, config.max_queue),
            faults=FaultInjector(config.faults, config.seed),
            limiter=RateLimiter(config.rate_limit) if config.rate_limit else None,
            checker=ResponseChecker() if config.strict else None,
        )
