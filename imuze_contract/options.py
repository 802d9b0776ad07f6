"""How deep, how long and how fast a contract run goes. Defaults are polite to a live API."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Seconds a run may take at most; it ends earlier once every phase has run its examples.
DEFAULT_BUDGET = 300.0
#: Generated examples per operation in the fuzzing phase (and scenarios in the stateful phase).
DEFAULT_MAX_EXAMPLES = 20
#: Requests per second sent to the API, logins included.
DEFAULT_RATE_LIMIT = 10


@dataclass(frozen=True)
class RunOptions:
    """The knobs of one run; `seed` makes it reproducible (same seed, same requests)."""

    budget: float = DEFAULT_BUDGET
    max_examples: int = DEFAULT_MAX_EXAMPLES
    rate_limit: int | None = DEFAULT_RATE_LIMIT
    seed: int | None = None
    # The OpenAPI spec to hold the API to; None is the packaged one (imuze_contract/openapi.yaml).
    spec: Path | None = None

    def __post_init__(self) -> None:
        if self.budget <= 0:
            raise ValueError(f"the budget must be > 0 seconds, not {self.budget}")
        if self.max_examples < 1:
            raise ValueError(f"max examples must be >= 1, not {self.max_examples}")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError(f"the rate limit must be >= 1 request/s, not {self.rate_limit}")
