"""The notes column of RESULTS.md, and for each missed goal what its profile shows."""

from __future__ import annotations

from typing import Any

from .report import GOALS


def _get(details: dict[str, Any], *path: str) -> Any:
    node: Any = details
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _client(d: dict[str, Any]) -> str:
    per_call = _get(d, "per_call_seconds")
    layers = _get(d, "imuze_layers_us_per_call_profiled") or {}
    if not per_call:
        return ""
    imuze, raw = per_call["imuze"]["median"] * 1e6, per_call["raw_httpx"]["median"] * 1e6
    spread = _get(d, "imuze_over_raw_per_batch") or {}
    text = f"{imuze:.0f} µs vs {raw:.0f} µs per call"
    if "cookieless_httpx" in per_call:  # httpx without its cookie handling, as ours runs
        text += f" ({per_call['cookieless_httpx']['median'] * 1e6:.0f} µs keeping no cookies)"
    text += "; per-batch ratio p5-p95 "
    text += f"{spread.get('p5', 0):.2f}-{spread.get('p95', 0):.2f}"
    if layers:
        retry = layers.get("retry_transport", 0) - layers.get("network_transport", 0)
        text += (
            f". cProfile, µs/call (inflated alike): whole {layers.get('whole_call')}, retry layer"
            f" {retry:.0f} (it also reads the body), generated parse"
            f" {layers.get('generated_parse')},"
            f" schema validation {layers.get('validate_body')}, JSON decode"
            f" {layers.get('decode_json')}, auth {layers.get('auth_flow')}"
        )
    return text


def _render(d: dict[str, Any]) -> str:
    share = _get(d, "stage_share") or {}
    factor = _get(d, "realtime_factor") or {}
    if not share:
        return ""
    return (
        f"{d.get('renders')} renders over all arrangements, min-max {factor.get('min', 0):.0f}-"
        f"{factor.get('max', 0):.0f}x, slowest style {d.get('slowest_arrangement')}; time: LAME"
        f" encode {share['encode']:.0%}, numpy synthesis {share['synthesize']:.0%}, composition"
        f" {share['compose']:.1%}"
    )


def _wait_all(d: dict[str, Any]) -> str:
    requests = _get(d, "requests") or {}
    if not requests:
        return ""
    return (
        f"{d.get('songs_in_flight')} songs, mock render delay {d.get('render_delay_s')} s, first"
        f" interval {d.get('initial_interval_s')} s growing x1.5 for both; requests per round:"
        f" per-song {requests.get('per_song')}, wait_all {requests.get('wait_all')}. wait_all"
        " returns all songs at once, so early songs wait for the last one"
    )


def _pipeline(d: dict[str, Any]) -> str:
    serial = _get(d, "serial_runs") or []
    concurrent = _get(d, "concurrent_runs") or []
    if not serial or not concurrent:
        return ""
    return (
        f"{d.get('song_seconds')} s songs, mock `--render-delay {d.get('mock_render_delay_s')}`;"
        f" serial: {[r['tcp_connections'] for r in serial]} TCP connections,"
        f" {sum(r['seconds'] for r in serial) / (d.get('composes') or 1):.2f} s per compose (most"
        " of it the first 0.5 s poll interval); concurrent:"
        f" {[r['tcp_connections'] for r in concurrent]} connections for"
        f" {d.get('composes')} composes and"
        f" {[sum(r['requests'].values()) for r in concurrent]} requests per run"
        + (
            "; a run opened more connections than tasks: some pooled connections were"
            " closed and reopened mid-run (the pool keeps up to 100 alive, so not its limit;"
            " cause not established)"
            if max(r["tcp_connections"] for r in concurrent) > (d.get("concurrency") or 0)
            else ""
        )
    )


def _cost(d: dict[str, Any]) -> str:
    runs = _get(d, "runs") or {}
    if not runs:
        return ""
    seconds = {name: [round(r["seconds"], 1) for r in rs] for name, rs in runs.items()}
    cases = {name: [r["cases"] for r in rs] for name, rs in runs.items()}
    return (
        f"the mock in its own process, two users, SEED {d.get('seed')}, {d.get('rounds')} "
        f"rounds interleaved after a warm-up pair: seconds {seconds}, cases {cases}; the "
        f"behavioural phase's bound: {d.get('per_created_bound')} requests per created resource"
    )


def _contract(d: dict[str, Any]) -> str:
    runs = _get(d, "runs") or {}
    if not runs:
        return ""
    cases = {target: [r["cases"] for r in rs] for target, rs in runs.items()}
    failed = d.get("failed_runs_retried") or []
    retried = (
        f". {len(failed)} run(s) failed and were rerun: "
        + "; ".join(f"{', '.join(f['failed']) or f['target']}" for f in failed)
        + " (details in results.json)"
        if failed
        else ""
    )
    return (
        f"both targets on the suite's {d.get('budget')} budget, SEED {d.get('seed')}: cases per"
        f" run {cases}. Most of a case's time is generating it and running the checks, the same"
        " for both; HTTP is the suite's own uvicorn thread in the pytest process" + retried
    )


def _profile_text(profile: dict[str, Any] | None) -> str:
    if not profile:
        return ""
    areas = profile.get("area_share", {})
    top = profile.get("top_own", [])[:3]
    tops = "; ".join(f"{t['function']} {t['own_share']:.0%}" for t in top)
    return (
        f"py-spy, event-loop thread ({profile.get('samples')} samples): request validation"
        f" {areas.get('request_validation', 0):.1%}, handlers {areas.get('handlers', 0):.1%},"
        f" uvicorn's HTTP protocol {areas.get('uvicorn_http', 0):.0%}; most own time: {tops}"
    )


def _http(d: dict[str, Any]) -> dict[str, str]:
    get = _get(d, "get") or {}
    post = _get(d, "post") or {}
    notes: dict[str, str] = {}
    if get:
        mock, prism = get["mock"], get["prism"]
        for name, stats in (("mock", mock), ("prism", prism)):
            notes[f"{name}_get_rps"] = (
                f"p50 {stats['p50_s'] * 1e3:.2f} ms, p99 {stats['p99_s'] * 1e3:.2f} ms; runs"
                f" {[round(r['rps']) for r in stats['runs']]}; non-2xx {stats['non_2xx']};"
                f" {stats.get('cpu_us_per_request', 0):.0f} µs of server CPU per request"
            )
        notes["mock_over_prism_get_ratio"] = _profile_text(_get(d, "profile_get"))
        proposed = get.get("mock_proposed")
        if proposed:
            notes["proposed_mock_over_prism_get_ratio"] = (
                f"{proposed['rps']['median']:,.0f} req/s, {proposed['cpu_us_per_request']:.0f} µs"
                f" of CPU per request (the mock as shipped: {mock['rps']['median']:,.0f} req/s,"
                f" {mock['cpu_us_per_request']:.0f} µs), interleaved in the same rotation"
            )
    if post:
        requests = sum(r["requests"] for r in post["runs"])
        notes["mock_post_rps"] = (
            f"p50 {post['p50_s'] * 1e3:.2f} ms, p99 {post['p99_s'] * 1e3:.2f} ms; non-2xx"
            f" {post['non_2xx']} of {requests} (429: the render queue is full)"
        )
        notes["mock_post_validation_share"] = (
            f"{d.get('validation_us_per_body', 0):.1f} µs per SongCreate check x POST rate; "
            + _profile_text(_get(d, "profile_post"))
        )
    return notes


def _soak(d: dict[str, Any]) -> str:
    series = _get(d, "rss_mb_over_time") or []
    if not series:
        return ""
    points = ", ".join(f"{rss:.0f}" for _, rss in series[::2])
    return (
        f"{d.get('start_rss_mb', 0):.0f} → {d.get('end_rss_mb', 0):.0f} MiB (peak"
        f" {d.get('peak_rss_mb', 0):.0f}) over {d.get('cycles')} create/wait/download/get"
        f" cycles; every 10 s: {points} MiB. The store keeps 1,000 songs, then evicts;"
        f" it was full after {d.get('store_full_at_s')} s of {d.get('soak_seconds')} s"
    )


def _spec_diff(d: dict[str, Any]) -> str:
    wall, wire = _get(d, "wall_seconds") or {}, _get(d, "wire_only_wall_seconds") or {}
    if not wall or not wire:
        return ""
    return (
        f"{d.get('edit')}; min-max {wall['min']:.1f}-{wall['max']:.1f} s. The wire verdict alone"
        f" takes {wire['median']:.2f} s: the rest is the Python verdict's two generations,"
        " griffe and the two package snapshots"
    )


def _footprint(d: dict[str, Any]) -> str:
    largest = _get(d, "client_install", "largest_mb") or {}
    if not largest:
        return ""
    shown = ", ".join(f"{name} {size} MB" for name, size in largest.items())
    absent = "none" if not d.get("mock_only_distributions_present") else "SOME"
    return f"largest: {shown}; of the mock's own dependencies, {absent} installed"


def _imports(details: dict[str, Any]) -> str:
    costs = details.get("beyond_typer_help_ms")
    if not costs:
        return ""
    shown = ", ".join(f"{name} {ms:.0f} ms" for name, ms in costs.items())
    return (
        f"`imuze --help` imports beyond the typer app's (self time, one -X importtime run): {shown}"
    )


def notes(details: dict[str, dict[str, Any]]) -> dict[str, str]:
    """A short note per figure, from its benchmark's details."""
    found = {
        "client_overhead_ratio": _client(details.get("client_overhead", {})),
        "render_realtime_factor": _render(details.get("render", {})),
        "wait_all_request_reduction": _wait_all(details.get("wait_all", {})),
        "pipeline_concurrency_speedup": _pipeline(details.get("pipeline", {})),
        "contract_inprocess_speedup": _contract(details.get("contract", {})),
        "contract_behaviour_cost_ratio": _cost(details.get("contract_cost", {})),
        "mock_rss_growth_mb": _soak(details.get("soak", {})),
        "spec_diff_seconds": _spec_diff(details.get("spec_diff", {})),
        "client_site_packages_mb": _footprint(details.get("install_footprint", {})),
        "cli_help_over_typer_help": _imports(details.get("import_time", {})),
        **_http(details.get("http_load", {})),
    }
    return {key: text for key, text in found.items() if text}


def missed(figures: dict[str, Any]) -> list[str]:
    """The keys of the figures that miss their goal."""
    return [
        goal.key
        for goal in GOALS
        if goal.met is not None
        and isinstance(figures.get(goal.key), (int, float))
        and not goal.met(figures[goal.key])
    ]


def _limit_mock_get(d: dict[str, Any]) -> str:
    profile = _get(d, "profile_get") or {}
    areas = profile.get("area_share", {})
    get = _get(d, "get") or {}
    proposed = get.get("mock_proposed") or {}
    mock = get.get("mock") or {}
    what_if = (
        f" In the same rotation, the mock with that fix (bench/_proposed_mock.py) served"
        f" {proposed['rps']['median']:,.0f} req/s at {proposed['cpu_us_per_request']:.0f} µs of"
        f" CPU per request, against {mock['rps']['median']:,.0f} req/s at"
        f" {mock['cpu_us_per_request']:.0f} µs as shipped"
        if proposed and mock
        else ""
    )
    return (
        "the mock's CPU per GET, not validation. Its event-loop thread under GET load"
        f" (py-spy --native, {profile.get('samples')} samples):"
        f" {areas.get('socket_write_syscall', 0):.0%} inside libc write(), the send syscalls of"
        " uvicorn's httptools protocol, which writes the status line + headers and then the body"
        " as two transport.write calls (two TCP segments per answer on loopback, where the"
        " kernel's send path also does the receiver's work);"
        f" {areas.get('starlette', 0):.0%} of samples under Starlette's middleware and routing;"
        f" {areas.get('handlers', 0):.1%} in the mock's handlers and"
        f" {areas.get('request_validation', 0):.1%} in request validation, which therefore does"
        " not cap it. wrk's 2 threads share the 2 cores with the server, for Prism alike, so"
        " req/s also moves with the CPU left over (see the CPU-per-request ratio). Already applied"
        " (imuze_mock): the scheme comes from the ASGI scope, not Starlette's request.url, and"
        " uvicorn's proxy headers and Server header are off. Not shipped: one write per answer"
        " for headers and body, which needs a proxy of uvicorn's transport that recognises"
        " header blocks by their bytes." + what_if
    )


def _limit_client(d: dict[str, Any]) -> str:
    return _client(d)


def limit(key: str, details: dict[str, dict[str, Any]]) -> str:
    """What limited a missed figure, from its benchmark's profile or details."""
    if key == "mock_over_prism_get_ratio":
        return _limit_mock_get(details.get("http_load", {}))
    if key == "client_overhead_ratio":
        return _limit_client(details.get("client_overhead", {}))
    return notes(details).get(key, "see bench/results.json")
