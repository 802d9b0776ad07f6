"""The drift report as Markdown, for a CI job summary ($GITHUB_STEP_SUMMARY) or a PR comment."""

from __future__ import annotations

from .report import Deviation, Report


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text else text


def headline(report: Report) -> str:
    """`2 deviations from the spec` / `no deviation from the spec`."""
    count = len(report.deviations)
    found = f"{count} deviation{'s' if count != 1 else ''}" if count else "no deviation"
    return f"{found} from the spec" + (" so far (interrupted)" if report.interrupted else "")


def render_markdown(report: Report) -> str:
    """The whole report: summary table, suggested fixes, then one reproduction per deviation."""
    deviations = report.sorted_deviations()
    mark = "❌" if deviations else ("⚠️" if report.interrupted else "✅")
    lines = [
        f"## {mark} imuze contract: {headline(report)}",
        "",
        f"API `{report.base_url}` · {report.cases} cases over {len(report.operations)} "
        f"operations · {report.duration:.1f} s · seed {report.seed} "
        f"(`imuze contract --seed {report.seed}` reruns the same requests)",
        "",
    ]
    if deviations:
        lines += [
            "| # | Operation | Check | Status | Location | Cases | Expected vs actual |",
            "|---|---|---|---|---|---|---|",
        ]
        for number, d in enumerate(deviations, 1):
            lines.append(
                f"| {number} | {_cell(d.operation_id)} ({_cell(d.operation)}) | {d.check} "
                f"| {d.status or '-'} | {_cell(_code(d.location))} | {d.count} | {_cell(d.line)} |"
            )
        fixes = report.fixes()
        if fixes:
            lines += ["", "### Suggested fixes", ""]
            lines += [f"- {fix}" for fix in fixes]
        lines += ["", "### Reproductions", ""]
        for number, d in enumerate(deviations, 1):
            lines += _reproduction(number, d)
    if report.notes:
        lines += ["", "### Notes", ""]
        lines += [f"- {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def _reproduction(number: int, d: Deviation) -> list[str]:
    summary = f"{number}. {d.operation_id} · {d.check} · {d.status or '-'} · {d.location}"
    if not d.curl:
        return [f"<details><summary>{summary}</summary>\n\n{d.actual}\n</details>", ""]
    return [f"<details><summary>{summary}</summary>", "", "```sh", d.curl, "```", "</details>", ""]
