"""Summaries and side-by-side runs: the only statistics the benchmarks use.

Each comparison runs its variants interleaved (A B A B ...) after a warm-up, so that a
machine that speeds up or slows down during the run affects every variant alike.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) of `samples`, interpolated between the closest ranks."""
    if not samples:
        raise ValueError("no samples")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be within 0..100, not {q}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(samples: Sequence[float]) -> dict[str, float]:
    """n, median, min, max, p5, p95 and p99 of `samples`."""
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "p5": percentile(samples, 5),
        "p95": percentile(samples, 95),
        "p99": percentile(samples, 99),
    }


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or infinity when the denominator is zero."""
    return numerator / denominator if denominator else math.inf


def interleave(
    variants: Mapping[str, Callable[[], Any]], *, rounds: int, warmup: int = 1
) -> dict[str, list[Any]]:
    """Call each variant `warmup` times (results dropped), then `rounds` times in turn:
    A B A B ... Returns each variant's results in call order."""
    if rounds < 1:
        raise ValueError("rounds must be >= 1")
    for _ in range(warmup):
        for run in variants.values():
            run()
    results: dict[str, list[Any]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, run in variants.items():
            results[name].append(run())
    return results


def flatten(batches: Sequence[Sequence[float]]) -> list[float]:
    """The samples of several batches as one list."""
    return [sample for batch in batches for sample in batch]
