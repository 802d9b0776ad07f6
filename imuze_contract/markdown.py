"""The drift report as Markdown, for a CI job summary ($GITHUB_STEP_SUMMARY) or a PR comment."""

from __future__ import annotations

from .coverage import Coverage
from .report import Deviation, Report


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text else text


def headline(report: Report) -> str:
    """`2 new deviations from the spec (3 accepted)` / `no deviation from the spec`."""
    count = len(report.deviations)
    new = "new " if report.accepted or report.stale else ""
    found = f"{count} {new}deviation{'s' if count != 1 else ''}" if count else f"no {new}deviation"
    text = f"{found} from the spec"
    if report.accepted:
        text += f" ({len(report.accepted)} accepted by the baseline)"
    if report.interrupted:
        text += " so far (interrupted)"
    elif report.budget_spent:
        text += " (the budget ended the run)"
    return text


def _table(rows: list[Deviation], start: int, extra: dict[str, str] | None = None) -> list[str]:
    header = "| # | Operation | Check | Status | Location | Cases | Expected vs actual |"
    rule = "|---|---|---|---|---|---|---|"
    if extra is not None:
        header, rule = header + " Accepted because |", rule + "---|"
    lines = [header, rule]
    for number, d in enumerate(rows, start):
        line = (
            f"| {number} | {_cell(d.operation_id)} ({_cell(d.operation)}) | {d.check} "
            f"| {d.status or '-'} | {_cell(_code(d.location))} | {d.count} | {_cell(d.line)} |"
        )
        if extra is not None:
            line += f" {_cell(extra.get(d.fingerprint, ''))} |"
        lines.append(line)
    return lines


def render_markdown(report: Report) -> str:
    """The whole report: summary table, suggested fixes, the accepted and stale baseline
    entries, then one reproduction per row."""
    deviations = report.sorted_deviations()
    accepted = report.sorted_accepted()
    mark = "❌" if deviations else ("⚠️" if report.interrupted else "✅")
    lines = [
        f"## {mark} imuze contract: {headline(report)}",
        "",
        f"API `{report.base_url}` · {report.cases} cases over {len(report.operations)} "
        f"operations · {report.duration:.1f} s · seed {report.seed} "
        f"(`{report.rerun_command}` sends the same requests again)",
        "",
    ]
    if report.context is not None:
        lines += [f"Context: {_cell(line)}  " for line in report.context.lines()] + [""]
    if deviations:
        lines += _table(deviations, 1)
        fixes = report.fixes()
        if fixes:
            lines += ["", "### Suggested fixes", ""]
            lines += [f"- {fix}" for fix in fixes]
    if accepted:
        reasons = {item.deviation.fingerprint: f"{item.reason} ({item.date})" for item in accepted}
        lines += ["", "### Accepted by the baseline", ""]
        lines += _table([item.deviation for item in accepted], len(deviations) + 1, reasons)
    if report.stale:
        lines += ["", "### Stale baseline entries (tested, not seen: --baseline-prune drops them)"]
        lines += [""] + [f"- {_cell(entry.line)}" for entry in report.stale]
    rows = report.all_rows()
    if rows:
        lines += ["", "### Reproductions", ""]
        lines += ["Export IMUZE_TOKEN, or IMUZE_EMAIL and IMUZE_PASSWORD, then paste.", ""]
        for number, d in enumerate(rows, 1):
            lines += _reproduction(number, d)
    if report.notes:
        lines += ["", "### Notes", ""]
        lines += [f"- {note}" for note in report.notes]
    if report.coverage is not None:
        lines += _coverage(report.coverage, report.min_coverage)
    return "\n".join(lines) + "\n"


def _list(items: list[str] | list[int]) -> str:
    return _cell(", ".join(str(item) for item in items)) or "-"


def _coverage(coverage: Coverage, minimum: float | None) -> list[str]:
    """The coverage section: a row per operation of the spec, the checks that did not run
    and why, the routes not in the spec, the requests the runner added."""
    verdict = coverage.verdict(minimum)
    headline = f"Coverage {coverage.headline}" + (f" · {verdict}" if verdict else "")
    lines = ["", "### Coverage", "", headline, ""]
    lines += [
        "| Operation | Requests | Statuses observed | Not observed | Inputs exercised "
        "| Not exercised | Checks ran | Links followed | Lifecycle states |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for op in coverage.operations:
        undocumented = f" (undocumented: {_list(op.statuses_undocumented)})" if (
            op.statuses_undocumented) else ""  # fmt: skip
        lines.append(
            f"| {_cell(op.operation_id)} ({_cell(op.label)}) | {op.requests} "
            f"| {_list(op.statuses_observed)}{undocumented} | {_list(op.statuses_not_observed)} "
            f"| {_list(op.inputs_exercised)} | {_list(op.inputs_not_exercised)} "
            f"| {len(op.checks_ran)} of {len(op.checks_ran) + len(op.checks_not_run)} "
            f"| {_list(op.links_followed)} | {_list(op.states_reached)} |"
        )
    not_run = coverage.not_run()
    if not_run:
        lines += ["", "Checks that did not run:", ""]
        lines += [f"- `{check}` on {', '.join(ops)}: {why}" for check, why, ops in not_run]
    if coverage.not_in_spec:
        lines += ["", "Not in the spec (answered, not documented):", ""]
        lines += [f"- {_cell(route.line)}" for route in coverage.not_in_spec]
    if coverage.added.bound:
        lines += ["", coverage.added.line[0].upper() + coverage.added.line[1:] + "."]
    return lines


def _reproduction(number: int, d: Deviation) -> list[str]:
    summary = (
        f"{number}. {d.operation_id} · {d.check} · {d.status or '-'} · {d.location} "
        f"· {d.fingerprint}"
    )
    if not d.curl:
        return [f"<details><summary>{summary}</summary>\n\n{d.actual}\n</details>", ""]
    return [f"<details><summary>{summary}</summary>", "", "```sh", d.curl, "```", "</details>", ""]
