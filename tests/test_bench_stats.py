"""The pure helpers of bench/_stats.py: percentiles, summaries, ratios, interleaving."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

import pytest


def _load_stats() -> ModuleType:
    # bench/ is a folder of scripts, not an installed package: load the module by path.
    path = Path(__file__).resolve().parents[1] / "bench" / "_stats.py"
    spec = importlib.util.spec_from_file_location("bench_stats", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stats = _load_stats()


def test_percentile_interpolates_between_ranks() -> None:
    samples = [4.0, 1.0, 3.0, 2.0]
    assert stats.percentile(samples, 0) == 1.0
    assert stats.percentile(samples, 100) == 4.0
    assert stats.percentile(samples, 50) == 2.5
    assert stats.percentile(samples, 25) == pytest.approx(1.75)
    assert stats.percentile([7.0], 99) == 7.0


def test_percentile_refuses_empty_samples_and_bad_q() -> None:
    with pytest.raises(ValueError):
        stats.percentile([], 50)
    with pytest.raises(ValueError):
        stats.percentile([1.0], 101)


def test_summarize_reports_the_spread() -> None:
    summary = stats.summarize([float(n) for n in range(1, 102)])  # 1 .. 101
    assert summary["n"] == 101
    assert summary["median"] == 51
    assert (summary["min"], summary["max"]) == (1, 101)
    assert (summary["p5"], summary["p95"], summary["p99"]) == (6, 96, 100)


def test_ratio_of_zero_is_infinite() -> None:
    assert stats.ratio(3.0, 2.0) == 1.5
    assert stats.ratio(1.0, 0.0) == math.inf


def test_interleave_warms_up_then_alternates() -> None:
    calls: list[str] = []

    def variant(name: str) -> object:
        def run() -> str:
            calls.append(name)
            return f"{name}{len(calls)}"

        return run

    results = stats.interleave({"a": variant("a"), "b": variant("b")}, rounds=2, warmup=1)
    assert calls == ["a", "b", "a", "b", "a", "b"]
    assert results == {"a": ["a3", "a5"], "b": ["b4", "b6"]}  # the warm-up results are dropped
    with pytest.raises(ValueError):
        stats.interleave({"a": variant("a")}, rounds=0)


def test_flatten_joins_batches_in_order() -> None:
    assert stats.flatten([[1.0, 2.0], [], [3.0]]) == [1.0, 2.0, 3.0]
