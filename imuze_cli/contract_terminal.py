"""`imuze contract`'s drift report for a terminal (rich): a screen or two, one short block
per deviation.

The curl reproductions stay in the Markdown, JUnit and JSON reports; the terminal says what
deviates, how often, expected vs actual, and the fix.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from imuze_contract.markdown import headline
from imuze_contract.report import Report


def render_terminal(report: Report, console: Console, reports: list[str] | None = None) -> None:
    """Print the summary of `report` on `console`."""
    deviations = report.sorted_deviations()
    console.print(f"[bold]imuze contract[/bold]  {escape(report.base_url)}")
    console.print(
        f"{report.cases} cases over {len(report.operations)} operations in "
        f"{report.duration:.1f} s · seed {report.seed}",
        style="dim",
    )
    console.print()
    if not deviations:
        mark = "[yellow]![/yellow]" if report.interrupted else "[green]✓[/green]"
        console.print(f"{mark} {headline(report)}")
    else:
        console.print(f"[red]✗[/red] [bold]{headline(report)}[/bold]")
    for number, d in enumerate(deviations, 1):
        console.print(
            f"[bold]{number:>2}[/bold]  [cyan]{escape(d.operation_id)}[/cyan]  "
            f"{d.check}  [bold]{d.status or '-'}[/bold]  "
            f"{escape(d.location)}  [dim]{d.count} case(s)[/dim]"
        )
        console.print(f"    {escape(d.line)}", style="dim")
    fixes = report.fixes()
    if fixes:
        console.print()
        console.print("[bold]Suggested fixes[/bold]")
        for fix in fixes:
            console.print(f"  → {escape(fix)}")
    if report.notes:
        console.print()
        for note in report.notes:
            console.print(f"[yellow]note:[/yellow] {escape(note)}")
    console.print()
    written = f"Reports: {escape(', '.join(reports))}. " if reports else ""
    reproduce = "Reproductions (curl): --report-md or --json. " if deviations else ""
    console.print(
        f"{written}{reproduce}Same requests again: imuze contract --seed {report.seed}",
        style="dim",
    )
