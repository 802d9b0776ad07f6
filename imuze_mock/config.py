"""The mock's configuration: accounts and behaviour knobs, all with working defaults."""

from __future__ import annotations

import math
from collections.abc import Callable
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


#: The request limits' defaults (see MockConfig).
MAX_BODY_BYTES = 256 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32
MAX_JSON_DEPTH_CEILING = 200
MAX_JSON_KEYS = 1_000
MAX_JSON_VALUES = 20_000
MAX_TOKENS = 100_000
#: Exec mode (``imuze-mock -- CMD``): seconds CMD has to exit after a forwarded signal.
EXEC_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class MockConfig:
    """Everything that changes how the mock behaves; the defaults suit a demo and tests.

    Every value is checked when the config is made: one that cannot work (a NaN or negative
    time or rate, no account, a limit below 1) raises ValueError with a one-line message.
    """

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
    #: Bytes of rendered audio, timelines and titles kept; the oldest songs are evicted beyond.
    max_audio_bytes: int = 256 * 1024 * 1024
    #: Songs waiting for a render worker; beyond this ``POST /songs`` answers 429.
    max_queue: int = 32
    #: Live tokens kept; the oldest is forgotten (and answers 401) beyond this.
    max_tokens: int = MAX_TOKENS
    #: How long a "slow" fault stalls a request, in seconds.
    slow_delay: float = 1.0
    #: Retry-After sent with 503 and 429 answers, in seconds.
    retry_after: int = 1
    #: ``"spec"`` answers exactly as the spec says; ``"rails"`` as a plausible Rails
    #: deployment of the API does (see ``imuze_mock.dialects``).
    dialect: str = "spec"
    #: A request body larger than this is refused unread: 413.
    max_body_bytes: int = MAX_BODY_BYTES
    #: A request line and headers larger than this (in bytes) are refused unread: 400.
    max_header_bytes: int = MAX_HEADER_BYTES
    #: JSON nested deeper than this (arrays and objects) is refused before parsing: 400.
    max_json_depth: int = MAX_JSON_DEPTH
    #: JSON with more object keys than this is refused before parsing: 400.
    max_json_keys: int = MAX_JSON_KEYS
    #: JSON with more values (array items, members, scalars) than this is refused before
    #: parsing: 400. Parsing and validating cost per value, on the GIL the server shares.
    max_json_values: int = MAX_JSON_VALUES
    #: Test-only: makes each session token ``POST /tokens`` issues, in place of random hex
    #: (a secrets test plants known tokens and looks for them in what a client writes).
    issue_token: Callable[[], str] | None = field(default=None, repr=False)
    #: Test-only: a query string every media URL carries (no ``?``), as a presigned URL's
    #: signature does; the media routes ignore it.
    media_query: str = field(default="", repr=False)

    @property
    def demo(self) -> Account:
        """The account `imuze-mock` announces and the fixtures log in as: the first one."""
        return self.accounts[0]

    @property
    def other(self) -> Account:
        """A second user, for scope checks (the first again when there is only one)."""
        return self.accounts[1] if len(self.accounts) > 1 else self.accounts[0]

    def __post_init__(self) -> None:
        _check(self)


# Each number field and the least value that works; a float must also be finite.
_AT_LEAST: dict[str, tuple[type, float, bool]] = {
    # name: (type, least value, whether the least value itself is refused)
    "token_ttl": (float, 0, False),
    "render_delay": (float, 0, False),
    "slow_delay": (float, 0, False),
    "rate_limit": (float, 0, True),
    "render_workers": (int, 1, False),
    "max_songs": (int, 1, False),
    "max_audio_bytes": (int, 0, False),
    "max_queue": (int, 0, False),
    "max_tokens": (int, 1, False),
    "retry_after": (int, 0, False),
    "seed": (int, -(2**63), False),
    "max_body_bytes": (int, 1, False),
    "max_header_bytes": (int, 1024, False),
    "max_json_depth": (int, 1, False),
    "max_json_keys": (int, 1, False),
    "max_json_values": (int, 1, False),
}


def _check_number(name: str, value: object) -> None:
    kind, least, strictly = _AT_LEAST[name]
    unit = " requests per second" if name == "rate_limit" else ""
    bound = f"> {least}{unit}" if strictly else f">= {least}"
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        raise ValueError(f"{name} must be {'a number' if kind is float else 'an integer'} {bound}")
    if not math.isfinite(value) or value < least or (strictly and value == least):
        raise ValueError(f"{name} must be {bound}, not {value}")


def _check(config: MockConfig) -> None:
    """Refuse a config that cannot work, with a one-line ValueError."""
    if config.dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}, not {config.dialect!r}")
    for name in _AT_LEAST:
        value = getattr(config, name)
        if value is not None or name != "rate_limit":
            _check_number(name, value)
    if not isinstance(config.accounts, tuple) or not config.accounts:
        raise ValueError(
            "accounts must be a non-empty tuple of Account: the first is the demo account"
        )
    if not all(isinstance(account, Account) for account in config.accounts):
        raise ValueError("accounts must hold Account values only")
    emails = [account.email for account in config.accounts]
    if len(set(emails)) != len(emails):
        raise ValueError("accounts must have distinct emails")
    if config.max_json_depth > MAX_JSON_DEPTH_CEILING:
        raise ValueError(
            f"max_json_depth must be <= {MAX_JSON_DEPTH_CEILING} (the schema validator's own "
            f"recursion limit is 256), not {config.max_json_depth}"
        )
    keys = [account.api_key for account in config.accounts if account.api_key]
    if len(set(keys)) != len(keys):
        raise ValueError("accounts must have distinct developer keys")
