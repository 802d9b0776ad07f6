"""`imuze contract`'s drift report for a terminal (rich): a screen or two, one short block
per deviation.

The curl reproductions stay in the Markdown, JUnit and JSON reports; the terminal says what
deviates, how often, expected vs actual, and the fix; then what the baseline accepts, its
stale entries, and the command that sends the same requests again.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from imuze_contract.coverage import Coverage
from imuze_contract.markdown import headline
from imuze_contract.report import Deviation, Report


def _row(console: Console, number: int, d: Deviation) -> None:
    console.print(
        f"[bold]{number:>2}[/bold]  [cyan]{escape(d.operation_id)}[/cyan]  "
        f"{d.check}  [bold]{d.status or '-'}[/bold]  "
        f"{escape(d.location)}  [dim]{d.count} case(s) · {d.fingerprint}[/dim]"
    )
    console.print(f"    {escape(d.line)}", style="dim")


def render_terminal(report: Report, console: Console, reports: list[str] | None = None) -> None:
    """Print the summary of `report` on `console`."""
    deviations = report.sorted_deviations()
    console.print(f"[bold]imuze contract[/bold]  {escape(report.base_url)}")
    console.print(
        f"{report.cases} cases over {len(report.operations)} operations in "
        f"{report.duration:.1f} s · seed {report.seed}",
        style="dim",
    )
    for line in report.context.lines() if report.context is not None else ():
        console.print(escape(line), style="dim")
    console.print()
    if not deviations:
        mark = "[yellow]![/yellow]" if report.interrupted else "[green]✓[/green]"
        console.print(f"{mark} {escape(headline(report))}")
    else:
        console.print(f"[red]✗[/red] [bold]{escape(headline(report))}[/bold]")
    for number, d in enumerate(deviations, 1):
        _row(console, number, d)
    fixes = report.fixes()
    if fixes:
        console.print()
        console.print("[bold]Suggested fixes[/bold]")
        for fix in fixes:
            console.print(f"  → {escape(fix)}")
    accepted = report.sorted_accepted()
    if accepted:
        console.print()
        console.print(f"[bold]Accepted by the baseline[/bold] ({len(accepted)}, not failing)")
        for number, item in enumerate(accepted, len(deviations) + 1):
            _row(console, number, item.deviation)
            console.print(f"    accepted {item.date}: {escape(item.reason)}", style="dim")
    if report.stale:
        console.print()
        console.print("[bold]Stale baseline entries[/bold] (tested, not seen: --baseline-prune)")
        for entry in report.stale:
            console.print(f"  - {escape(entry.line)}")
    if report.notes:
        console.print()
        for note in report.notes:
            console.print(f"[yellow]note:[/yellow] {escape(note)}")
    if report.coverage is not None:
        _coverage(console, report.coverage, report.min_coverage)
    console.print()
    written = f"Reports: {escape(', '.join(reports))}. " if reports else ""
    rows = deviations or accepted
    reproduce = (
        "Reproductions (curl): --report-md or --json; one row again: imuze contract replay N "
        "--report FILE.json. "
        if rows
        else ""
    )
    console.print(
        f"{written}{reproduce}Same requests again: {escape(report.rerun_command)}", style="dim"
    )


def _coverage(console: Console, coverage: Coverage, minimum: float | None) -> None:
    """The coverage section: a line per operation, what it did not observe, the checks that
    did not run (grouped by why), the routes not in the spec, the requests added."""
    verdict = coverage.verdict(minimum)
    console.print()
    console.print(
        f"[bold]Coverage[/bold] {escape(coverage.headline)}" + (f" · {verdict}" if verdict else "")
    )
    for op in coverage.operations:
        console.print(f"  [cyan]{escape(op.operation_id)}[/cyan]  {escape(op.line)}")
        missing = [*op.statuses_not_observed, *op.inputs_not_exercised]
        extra = ", ".join(map(str, op.statuses_undocumented))
        if missing or extra:
            line = f"not observed: {', '.join(missing) or 'none'}"
            console.print("    " + escape(line + (f"; undocumented: {extra}" if extra else "")),
                          style="dim")  # fmt: skip
    for check, why, ops in coverage.not_run():
        console.print(f"  not run: {check} on {escape(', '.join(ops))}: {escape(why)}", style="dim")
    for route in coverage.not_in_spec:
        console.print(f"  [yellow]not in the spec:[/yellow] {escape(route.line)}")
    if coverage.added.bound:
        console.print(f"  {escape(coverage.added.line)}", style="dim")
