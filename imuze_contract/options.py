"""How deep, how long and how fast a contract run goes. Defaults are polite to a live API."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

#: Seconds a run may take at most; it ends earlier once every phase has run its examples.
DEFAULT_BUDGET = 300.0
#: Generated examples per operation in the fuzzing phase (and scenarios in the stateful phase).
DEFAULT_MAX_EXAMPLES = 20
#: Requests per second sent to a remote API, logins included. A loopback API (127.0.0.0/8,
#: ::1, localhost: `imuze-mock --`) is not throttled unless a rate is given.
DEFAULT_RATE_LIMIT = 10


def is_loopback(base_url: str) -> bool:
    """Whether the URL's host is this machine (127.0.0.0/8, ::1, localhost)."""
    host = (urlsplit(base_url).hostname or "").strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class RunOptions:
    """The knobs of one run; `seed` makes it reproducible (same seed, same requests).

    `rate_limit` None means the default: DEFAULT_RATE_LIMIT for a remote API, none for a
    loopback one or an app in process (`rate_limit_for`)."""

    budget: float = DEFAULT_BUDGET
    max_examples: int = DEFAULT_MAX_EXAMPLES
    rate_limit: int | None = None
    seed: int | None = None
    # The OpenAPI spec to hold the API to; None is the packaged one (imuze_contract/openapi.yaml).
    spec: Path | None = None
    # The least coverage (percent, coverage.py says of what) a run must reach; None: no floor.
    min_coverage: float | None = None
    # The behavioural checks (check_table.py rows with a family) and their phase; False is the
    # baseline `make bench` measures their cost against.
    behaviour: bool = True

    def __post_init__(self) -> None:
        if self.budget <= 0:
            raise ValueError(f"the budget must be > 0 seconds, not {self.budget}")
        if self.max_examples < 1:
            raise ValueError(f"max examples must be >= 1, not {self.max_examples}")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError(f"the rate limit must be >= 1 request/s, not {self.rate_limit}")
        if self.min_coverage is not None and not 0 <= self.min_coverage <= 100:
            raise ValueError(f"the minimum coverage is a percent (0..100), not {self.min_coverage}")

    def rate_limit_for(self, base_url: str, in_process: bool = False) -> int | None:
        """Requests per second for this target (None: not throttled)."""
        if self.rate_limit is not None:
            return self.rate_limit
        return None if in_process or is_loopback(base_url) else DEFAULT_RATE_LIMIT

    def rerun_args(self, seed: int) -> list[str]:
        """The `imuze contract` options that send the same requests again: every option that
        changes which requests are sent (the seed, the depth, the budget and rate, which
        decide how many of them fit, and the spec they are generated from and judged by)."""
        args = ["--seed", str(seed), "--max-examples", str(self.max_examples)]
        if self.rate_limit is not None:
            args += ["--rate-limit", f"{self.rate_limit}/s"]
        if self.budget != DEFAULT_BUDGET:
            args += ["--budget", f"{self.budget:g}"]
        if self.spec is not None:
            args += ["--spec", str(self.spec)]
        return args
