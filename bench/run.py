"""`make bench`: run every benchmark in its own process, then write results.json and RESULTS.md.

Exits non-zero only when a benchmark fails to run, never for a missed goal.
    python -m bench.run                 # all of them
    python -m bench.run render contract # some of them, merged into the last results
    python -m bench.run --report        # rewrite RESULTS.md from results.json
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import _machine, findings, report

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# In this order: the quiet ones first, the soak (which loads both cores for a minute) last.
BENCHMARKS = (
    "generate",
    "spec_diff",
    "install_footprint",
    "import_time",
    "render",
    "client_overhead",
    "wait_all",
    "pipeline",
    "contract",
    "contract_cost",
    "zoo_recall",
    "http_load",
    "soak",
)
TIMEOUT = 300  # seconds per benchmark
#: Benchmarks that need longer: eight default contract runs, interleaved.
TIMEOUTS = {"contract_cost": 600}


def _run_one(name: str, workdir: Path) -> dict[str, Any]:
    out = workdir / f"{name}.json"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUTS.get(name, TIMEOUT),
        check=False,
    )
    if done.returncode != 0 or not out.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"exit code {done.returncode}: {tail[0][:300]}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    result["details"]["bench_seconds"] = round(time.monotonic() - started, 1)
    return result


def _findings(figures: dict[str, Any], details: dict[str, Any]) -> list[str]:
    """For each missed goal, what limited it (from the benchmark's profile)."""
    texts = []
    for key in findings.missed(figures):
        texts.append(f"`{key}`: " + findings.limit(key, details))
    return texts


def _rerender() -> int:
    """Rewrite RESULTS.md from results.json (after a change to the report's wording)."""
    results = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
    figures = {k: v for k, v in results.items() if isinstance(v, (int, float))}
    results["findings"] = _findings(figures, results["details"])
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    markdown = report.render(results, findings.notes(results["details"]), results["failures"])
    (BENCH / "RESULTS.md").write_text(markdown, encoding="utf-8")
    return 0


def _merged(
    figures: dict[str, Any], details: dict[str, Any], failures: dict[str, str], wall: float
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str], float]:
    """This run's benchmarks over the last full run's results (results.json)."""
    path = BENCH / "results.json"
    if not path.exists():
        return figures, details, failures, wall
    last = json.loads(path.read_text(encoding="utf-8"))
    kept = {
        k: v for k, v in last.items() if isinstance(v, (int, float)) and k != "bench_wall_seconds"
    }
    old_failures = {k: v for k, v in last.get("failures", {}).items() if k not in details}
    return (
        kept | figures,
        last.get("details", {}) | details,
        old_failures | failures,
        last.get("bench_wall_seconds", wall),
    )


def main(argv: list[str]) -> int:
    """Run the named benchmarks (default: all) and write both result files."""
    if argv == ["--report"]:
        return _rerender()
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"bench: unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
        return 2
    started = time.monotonic()
    machine = _machine.describe()
    figures: dict[str, Any] = {}
    details: dict[str, Any] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="imuze-bench-") as tmp:
        for name in names:
            print(f"bench: {name} ...", flush=True)
            try:
                result = _run_one(name, Path(tmp))
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                failures[name] = str(error)
                print(f"bench: {name} FAILED: {error}", flush=True)
                continue
            figures.update(result["figures"])
            details[name] = result["details"]
            shown = ", ".join(f"{k}={v:.4g}" for k, v in result["figures"].items())
            print(f"bench: {name}: {shown} ({result['details']['bench_seconds']} s)", flush=True)
    wall = round(time.monotonic() - started, 1)
    if argv:  # some of them: the others keep their last figures
        figures, details, failures, wall = _merged(figures, details, failures, wall)
    machine["prism"] = details.get("http_load", {}).get("prism_version", "—")
    results: dict[str, Any] = {
        **{key: round(value, 4) for key, value in figures.items()},
        "bench_wall_seconds": wall,
        "machine": machine,
        "findings": _findings(figures, details),
        "failures": failures,
        "details": details,
    }
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    markdown = report.render(results, findings.notes(details), failures)
    (BENCH / "RESULTS.md").write_text(markdown, encoding="utf-8")
    print(
        f"bench: wrote bench/results.json and bench/RESULTS.md in {results['bench_wall_seconds']} s"
    )
    for line in results["findings"]:
        print(f"bench: missed {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
