"""`imuze-spec`: `diff` two specs, or `check` the spec against the released baseline.

Exit codes: 0 fine, 1 a finding reached --fail-on (or the gate failed), 2 a spec (or the
acknowledgements file) cannot be loaded: one readable line on stderr, no traceback.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from imuze_spec import accept, report
from imuze_spec.diff import run
from imuze_spec.findings import Level
from imuze_spec.load import SpecLoadError

from .spec_apply import apply, overlay_module

app = typer.Typer(
    name="imuze-spec",
    help="What a spec edit means for clients: on the wire and in the generated Python API.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_FAIL = 1
EXIT_LOAD = 2


class Format(enum.StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class FailOn(enum.StrEnum):
    ERR = "ERR"
    WARN = "WARN"
    INFO = "INFO"


NoPython = Annotated[
    bool,
    typer.Option("--no-python", help="Wire verdict only: skip generating and diffing clients."),
]


def _fail(message: str, code: int) -> NoReturn:
    print(f"imuze-spec: {message}", file=sys.stderr)
    raise typer.Exit(code)


@app.callback()
def _main() -> None:
    """Classify spec changes (ERR breaks clients, WARN may, INFO is compatible)."""


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The old spec: a file, or GITREF:path.")],
    new: Annotated[
        str | None, typer.Argument(help="The new spec: a file, or GITREF:path (or give --overlay).")
    ] = None,
    overlay: Annotated[
        Path | None,
        typer.Option(
            "--overlay",
            metavar="FILE",
            help="Judge adopting this OpenAPI Overlay (e.g. imuze contract --propose FILE) "
            "into OLD, instead of a NEW spec.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on", case_sensitive=False, help="Exit 1 when a finding reaches this level."
        ),
    ] = None,
    no_python: NoPython = False,
) -> None:
    """Classify every change from OLD to NEW (or to OLD with --overlay applied), for the wire
    and for the generated client."""
    if (new is None) == (overlay is None):
        _fail("give the NEW spec, or --overlay FILE to judge adopting an overlay", EXIT_LOAD)
    try:
        if overlay is not None:
            findings = overlay_module().diff_overlay(old, overlay, python=not no_python)
        else:
            assert new is not None
            findings = run(old, new, python=not no_python)
    except SpecLoadError as exc:
        _fail(str(exc), EXIT_LOAD)
    label = new if new is not None else f"{old} + {overlay}"
    sys.stdout.write(report.render(findings, fmt.value, old, label))
    if fail_on is not None and any(f.level >= Level[fail_on.value] for f in findings):
        raise typer.Exit(EXIT_FAIL)


app.command()(apply)


@app.command()
def check(
    spec: Annotated[str, typer.Argument(help="The spec to check.")] = "spec/openapi.yaml",
    baseline: Annotated[
        str, typer.Option(help="The released spec (a file or GITREF:path).")
    ] = "spec/released/openapi.yaml",
    accepted: Annotated[Path, typer.Option(help="The acknowledged breaking changes.")] = Path(
        "spec/accepted-changes.yaml"
    ),
    no_python: NoPython = False,
) -> None:
    """Fail on a breaking change since the baseline unless acknowledged; fail on stale entries."""
    try:
        acknowledgements = accept.read(accepted)
        findings = run(baseline, spec, python=not no_python)
    except SpecLoadError as exc:
        _fail(str(exc), EXIT_LOAD)
    verdict = accept.judge(findings, acknowledgements)
    out = [f"check-spec-compat: {spec} against {baseline}: {report.summary(findings)}"]
    for finding, ack in verdict.acknowledged:
        out.append(f"  accepted {finding.id} at {finding.location} ({ack.date}: {ack.reason})")
    for ack in verdict.stale:
        out.append(
            f"  STALE acknowledgement {ack.fingerprint} ({ack.date}: {ack.reason}): its finding "
            f"no longer occurs; remove it from {accepted}"
        )
    if verdict.unacknowledged:
        out.append("")
        out.append(report.text(verdict.unacknowledged, baseline, spec).rstrip("\n"))
        out.append("")
        out.append(
            f"{len(verdict.unacknowledged)} breaking change(s) not acknowledged. Fix the spec, "
            f"or accept them in {accepted}:"
        )
        out.append("accepted:")
        today = dt.date.today()
        out.extend(accept.entry_for(f, today).rstrip("\n") for f in verdict.unacknowledged)
    print("\n".join(out))
    if not verdict.ok:
        raise typer.Exit(EXIT_FAIL)


def main() -> None:
    """The `imuze-spec` console script."""
    app()
