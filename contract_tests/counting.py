"""The number of generated cases the contract suite executed, printed at the end of the run."""

from __future__ import annotations

import threading


class CaseCounter:
    """A count that any thread may bump."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def add(self, n: int = 1) -> None:
        with self._lock:
            self._count += n

    @property
    def count(self) -> int:
        return self._count


# One per pytest process; under xdist the controller sums the workers' (conftest.py).
CASES = CaseCounter()
