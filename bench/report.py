"""bench/RESULTS.md from the figures: machine, goal, measured value, verdict, what limited it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Goal:
    """One row of the table: a figure, what it measures and what it should reach."""

    key: str
    what: str
    goal: str
    met: Callable[[float], bool] | None = None  # None: reported, no goal
    unit: str = ""


GOALS = (
    Goal(
        "client_overhead_ratio",
        "`api.songs.get(id)` ÷ raw `httpx.Client.get().json()`, median per call,"
        " mock in its own process",
        "≤ 1.05",
        lambda v: v <= 1.05,
        "x",
    ),
    Goal(
        "generated_overhead_ratio", "bare generated `get_song.sync` ÷ raw httpx", "report", unit="x"
    ),
    Goal(
        "client_overhead_over_cookieless_httpx",
        "like for like: `api.songs.get(id)` ÷ an httpx client that keeps no cookies either",
        "report",
        unit="x",
    ),
    Goal(
        "wait_all_request_reduction",
        "200 songs in flight: requests of per-song `wait` ÷ requests of `wait_all`, same schedule",
        "≥ 50",
        lambda v: v >= 50,
        "x",
    ),
    Goal(
        "per_song_detection_lag_s",
        "per-song `wait`: median lag ready → returned",
        "report",
        unit="s",
    ),
    Goal(
        "per_song_last_song_lag_s",
        "per-song `wait`: lag last song ready → all returned",
        "report",
        unit="s",
    ),
    Goal(
        "wait_all_detection_lag_s", "`wait_all`: lag last song ready → returned", "report", unit="s"
    ),
    Goal(
        "render_realtime_factor",
        "60 s song rendered + MP3-encoded on one core: audio s ÷ wall s (median)",
        "≥ 100",
        lambda v: v >= 100,
        "x",
    ),
    Goal(
        "pipeline_concurrency_speedup",
        "100 x compose serially (`Imuze`) ÷ through `AsyncImuze`, concurrency 32",
        "≥ 8",
        lambda v: v >= 8,
        "x",
    ),
    Goal(
        "pipeline_concurrent_tcp_connections",
        "TCP connections `AsyncImuze` opened for 100 composes (pool reuse)",
        "report",
    ),
    Goal(
        "contract_inprocess_speedup",
        "contract cases/s in process (ASGI) ÷ over HTTP",
        "≥ 1",
        lambda v: v >= 1,
        "x",
    ),
    Goal(
        "contract_behaviour_cost_ratio",
        "a default `imuze contract` run on the mock, with the behavioural checks ÷ without"
        " (median wall time, interleaved)",
        "≤ 1.5",
        lambda v: v <= 1.5,
        "x",
    ),
    Goal(
        "contract_without_behaviour_s",
        "that run without the behavioural checks (median)",
        "report",
        unit="s",
    ),
    Goal("contract_with_behaviour_s", "that run with them (median)", "report", unit="s"),
    Goal(
        "contract_requests_per_created_resource",
        "requests the behavioural phase adds per created resource (bounded: behave.PER_CREATE)",
        "report",
    ),
    Goal(
        "zoo_recall_imuze_contract",
        "bug zoo (35 classes): share `imuze contract` finds at its (operation, check), fixed seed",
        "= 1",
        lambda v: v >= 1,
    ),
    Goal(
        "zoo_recall_st_run",
        "bug zoo: share plain `st run --checks all` (a token, same seed and depth) shows",
        "< imuze contract's",
    ),
    Goal(
        "zoo_imuze_contract_seconds",
        "bug zoo: `imuze contract` wall time, every group",
        "report",
        unit="s",
    ),
    Goal("zoo_st_run_seconds", "bug zoo: `st run` wall time, every group", "report", unit="s"),
    Goal(
        "mock_get_rps",
        "mock `GET /songs/{id}`, wrk 2 threads x 16 connections",
        "report",
        unit="req/s",
    ),
    Goal("prism_get_rps", "Prism 5 `GET /songs/{id}`, same wrk settings", "report", unit="req/s"),
    Goal(
        "mock_over_prism_get_ratio",
        "mock GET rps ÷ Prism GET rps (issue 3)",
        "≥ 3",
        lambda v: v >= 3,
        "x",
    ),
    Goal(
        "mock_over_prism_get_cpu_efficiency",
        "Prism's CPU per GET ÷ the mock's (from /proc; less sensitive to CPU contention)",
        "report",
        unit="x",
    ),
    Goal(
        "proposed_mock_over_prism_get_ratio",
        "what-if: the mock with the proposed GET-path fixes (bench/_proposed_mock.py) ÷ Prism",
        "report (≥ 3 once applied)",
        unit="x",
    ),
    Goal(
        "mock_post_rps",
        "mock `POST /songs` (JSON body validated), same wrk settings",
        "report",
        unit="req/s",
    ),
    Goal(
        "mock_post_validation_share",
        "share of one core the SongCreate body validation takes at the measured POST rate",
        "≤ 0.05 (validation does not cap it)",
        lambda v: v <= 0.05,
    ),
    Goal(
        "mock_rss_growth_mb",
        "mock VmRSS after a 60 s create/get/download soak - at start",
        "report",
        unit="MiB",
    ),
    Goal(
        "mock_rss_growth_last_15s_mb",
        "mock VmRSS growth over the soak's last 15 s (bounded: levels off)",
        "≤ 2",
        lambda v: v <= 2,
        "MiB",
    ),
    Goal("generate_seconds", "`make generate` wall time (median of 3)", "report", unit="s"),
    Goal(
        "spec_diff_seconds",
        "`imuze-spec diff` wall time, both verdicts, a typical edit (median of 5)",
        "≤ 10",
        lambda v: v <= 10,
        "s",
    ),
    Goal(
        "spec_diff_wire_seconds",
        "`imuze-spec diff --no-python` (the wire verdict alone), same edit",
        "report",
        unit="s",
    ),
    Goal(
        "client_site_packages_mb",
        "`pip install imuze` (the built wheel, no extras) in a fresh venv: site-packages",
        "≤ 84",
        lambda v: v <= 84,
        "MB",
    ),
    Goal("client_distributions", "distributions that install brings, imuze counted", "report"),
    Goal(
        "plugin_import_ms",
        "importing the pytest plugin after pytest, fresh interpreter (every pytest start)",
        "≤ 20",
        lambda v: v <= 20,
        "ms",
    ),
    Goal(
        "mock_import_ms",
        "the same with the mock a fixture loads on first use (the plugin's old eager cost)",
        "report",
        unit="ms",
    ),
    Goal(
        "cli_help_over_typer_help",
        "`imuze --help` over the `--help` of a two-command typer app, wall times (interleaved)",
        "≤ 1.5",
        lambda v: v <= 1.5,
        "x",
    ),
    Goal(
        "cli_version_over_bare",
        "`imuze --version` over a bare `python -c pass`, wall times (interleaved)",
        "< 2.5",
        lambda v: v < 2.5,
        "x",
    ),
    Goal(
        "client_import_over_bare",
        "`python -c 'import imuze'` over `python -c pass`, wall times",
        "report",
        unit="x",
    ),
    Goal("cli_help_ms", "`imuze --help`, wall time", "report", unit="ms"),
    Goal("typer_help_ms", "a two-command typer app's `--help`, wall time", "report", unit="ms"),
    Goal("bare_python_ms", "`python -c pass`, wall time", "report", unit="ms"),
)


def _fmt(value: float, unit: str = "") -> str:
    if isinstance(value, int) or unit == "req/s" or abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}" if value else "0"
    return f"{text} {unit}".strip()


def verdict(goal: Goal, value: float | None) -> str:
    """met / MISSED / reported / failed to run."""
    if value is None:
        return "failed to run"
    if goal.met is None:
        return "reported"
    return "met" if goal.met(value) else "**MISSED**"


def _table(figures: dict[str, Any], notes: dict[str, str]) -> list[str]:
    lines = [
        "| figure | what | goal | measured | verdict | notes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for goal in GOALS:
        value = figures.get(goal.key)
        shown = _fmt(value, goal.unit) if isinstance(value, (int, float)) else "—"
        note = notes.get(goal.key, "").replace("|", "\\|")
        cells = [f"`{goal.key}`", goal.what, goal.goal, shown, verdict(goal, value), note]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _machine(machine: dict[str, Any], wall: float | None) -> list[str]:
    rows = [
        ("date", machine.get("date_utc")),
        ("CPU", machine.get("cpu_model")),
        ("cores", machine.get("cores")),
        ("memory", f"{machine.get('memory_gib')} GiB"),
        ("Python", machine.get("python")),
        ("OS", machine.get("os")),
        ("load average at start (1, 5, 15 min)", machine.get("load_average_at_start")),
        ("wrk", machine.get("wrk")),
        ("Prism", machine.get("prism")),
        ("`make bench` wall time", f"{wall:.0f} s" if wall else "—"),
    ]
    return ["| machine | |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in rows)]


def render(results: dict[str, Any], notes: dict[str, str], failures: dict[str, str]) -> str:
    """The whole RESULTS.md."""
    figures = {k: v for k, v in results.items() if isinstance(v, (int, float))}
    parts = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); the raw numbers and per-run details are in",
        "bench/results.json. Compared variants run interleaved (A B A B …) after a warm-up; a",
        "figure is a median, a ratio is of medians. All load stays on loopback. Absolute numbers",
        "depend on the machine and on what else ran on it (see the load average): read the ratios.",
        "",
        *_machine(results.get("machine", {}), results.get("bench_wall_seconds")),
        "",
        *_table(figures, notes),
        "",
    ]
    if failures:
        parts += ["## Benchmarks that failed to run", ""]
        parts += [f"- `{name}`: {reason}" for name, reason in failures.items()]
        parts.append("")
    extra = results.get("findings", [])
    if extra:
        parts += ["## What limited the figures that miss their goal", ""]
        parts += [f"- {finding}" for finding in extra]
        parts.append("")
    return "\n".join(parts)
