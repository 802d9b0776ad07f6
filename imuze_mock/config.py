"""The mock's configuration: accounts and behaviour knobs, all with working defaults."""

from __future__ import annotations

from dataclasses import dataclass, field

from .dialects import DIALECTS


@dataclass(frozen=True)
class Account:
    """A user of the mock: credentials, an optional developer key, a suspension flag."""

    email: str
    password: str = field(repr=False)
    api_key: str | None = field(default=None, repr=False)
    # A suspended account still gets tokens but every other call answers 403.
    suspended: bool = False


DEMO = Account("demo@imuze.io", "imuze-demo", "imuze-demo-key")
OTHER = Account("other@imuze.io", "imuze-other", "imuze-other-key")


@dataclass(frozen=True)
class MockConfig:
    """Everything that changes how the mock behaves; the defaults suit a demo and tests."""

    accounts: tuple[Account, ...] = (DEMO, OTHER)
    #: Lifetime of a token from ``POST /tokens``, in seconds.
    token_ttl: float = 3600.0
    #: Minimum time a song stays ``processing``, in seconds.
    render_delay: float = 0.2
    #: Threads that render songs.
    render_workers: int = 2
    #: Requests per second allowed per token (or per client for ``POST /tokens``); None = off.
    rate_limit: float | None = None
    #: While on, every request answers 503 with Retry-After.
    maintenance: bool = False
    #: Fault injection, e.g. ``"503:0.1,429:0.05,reset:0.02,slow:0.05,truncate:0.05"``.
    faults: str = ""
    #: Seed of the fault injector, for reproducible runs.
    seed: int = 0
    #: Validate the mock's own responses against the spec and fail loudly on a mismatch.
    strict: bool = False
    #: Songs kept in memory; the oldest are evicted (and answer 410) beyond this.
    max_songs: int = 1000
    #: Bytes of rendered audio and timelines kept; the oldest songs are evicted beyond this.
    max_audio_bytes: int = 256 * 1024 * 1024
    #: Songs waiting for a render worker; beyond this ``POST /songs`` answers 429.
    max_queue: int = 32
    #: How long a "slow" fault stalls a request, in seconds.
    slow_delay: float = 1.0
    #: Retry-After sent with 503 and 429 answers, in seconds.
    retry_after: int = 1
    #: ``"spec"`` answers exactly as the spec says; ``"rails"`` as a plausible Rails
    #: deployment of the API does (see ``imuze_mock.dialects``).
    dialect: str = "spec"

    @property
    def demo(self) -> Account:
        """The account `imuze-mock` announces and the fixtures log in as: the first one."""
        return (self.accounts or (DEMO, OTHER))[0]

    @property
    def other(self) -> Account:
        """A second user, for scope checks (the first again when there is only one)."""
        accounts = self.accounts or (DEMO, OTHER)
        return accounts[1] if len(accounts) > 1 else accounts[0]

    def __post_init__(self) -> None:
        if self.dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}, not {self.dialect!r}")
        for name in ("token_ttl", "render_delay", "slow_delay"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, not {getattr(self, name)}")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ValueError(f"rate_limit must be > 0 requests per second, not {self.rate_limit}")
        for name in ("render_workers", "max_songs"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, not {getattr(self, name)}")
        for name in ("max_audio_bytes", "max_queue", "retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, not {getattr(self, name)}")
