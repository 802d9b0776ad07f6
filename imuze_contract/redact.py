"""Secrets out of every output: passwords, keys and every token the run saw.

schemathesis already masks the `Authorization` header and sensitive keys (`password`,
`token`, ...) in the curl lines it writes. This is the second net: every rendered text goes
through `Secrets.scrub`, which knows the configured passwords and keys and learns each token
the API issued or the run sent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

FILTERED = "[Filtered]"
# Shorter values would mask ordinary words; real secrets are longer.
MIN_SECRET_LENGTH = 4


class Secrets:
    """A growing set of secret strings, and the scrubber that hides them."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self.add(*values)

    def add(self, *values: str | None) -> None:
        """Remember secrets (None and too-short values are ignored)."""
        with self._lock:
            self._values.update(v for v in values if v and len(v) >= MIN_SECRET_LENGTH)

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def __len__(self) -> int:
        return len(self._values)

    def scrub(self, text: str) -> str:
        """`text` with every known secret replaced by `[Filtered]`, longest first."""
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, FILTERED)
        return text
