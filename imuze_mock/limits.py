"""Per-client rate limiting with token buckets."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

_MAX_CLIENTS = 10_000


class RateLimiter:
    """Allows ``rate`` requests per second per key, with bursts of up to ``max(1, rate)``."""

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._burst = max(1.0, rate)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int | None:
        """None if the request may go ahead, else whole seconds to wait."""
        now = time.monotonic()
        with self._lock:
            level, then = self._buckets.pop(key, (self._burst, now))
            level = min(self._burst, level + (now - then) * self._rate)
            if level >= 1.0:
                self._buckets[key] = (level - 1.0, now)
                allowed = True
            else:
                self._buckets[key] = (level, now)
                allowed = False
            while len(self._buckets) > _MAX_CLIENTS:
                self._buckets.popitem(last=False)
        if allowed:
            return None
        return max(1, math.ceil((1.0 - level) / self._rate))
