"""Seeded fault injection, so that clients can be tested against a misbehaving server."""

from __future__ import annotations

import random
import threading

#: Fault kinds: an HTTP error, a dropped connection, a stall, or a cut-off body.
KINDS = frozenset({"429", "500", "503", "reset", "slow", "truncate"})


def parse_faults(spec: str) -> tuple[tuple[str, float], ...]:
    """``"503:0.1,reset:0.02"`` as ``(("503", 0.1), ("reset", 0.02))``; ValueError if bad."""
    faults: list[tuple[str, float]] = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        kind, colon, rate_text = item.partition(":")
        kind = kind.strip().lower()
        if kind not in KINDS or not colon:
            raise ValueError(f"bad fault {item!r}: use KIND:RATE with KIND one of {sorted(KINDS)}")
        try:
            rate = float(rate_text)
        except ValueError:
            raise ValueError(f"bad fault rate {rate_text!r} in {item!r}") from None
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate {rate} in {item!r} is not between 0 and 1")
        faults.append((kind, rate))
    if sum(rate for _, rate in faults) > 1.0 + 1e-9:
        raise ValueError(f"fault rates in {spec!r} add up to more than 1")
    return tuple(faults)


class FaultInjector:
    """Draws at most one fault per request, reproducibly for a given seed and request order."""

    def __init__(self, spec: str, seed: int) -> None:
        self.faults = parse_faults(spec)
        self._random = random.Random(seed)  # noqa: S311 (reproducible, not secret)
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.faults)

    def draw(self) -> str | None:
        """The fault to inject into this request, if any."""
        with self._lock:
            roll = self._random.random()
        for kind, rate in self.faults:
            if roll < rate:
                return kind
            roll -= rate
        return None
