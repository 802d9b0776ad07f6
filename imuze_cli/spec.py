"""`imuze-spec`: `diff` two specs, `check` the spec against the released baseline, list the
`rules`, or `bump` the package version the change calls for.

Exit codes: 0 fine, 1 a finding reached --fail-on (or the gate failed), 2 a spec (or the
acknowledgements file, or pyproject.toml) cannot be loaded, or a usage error: an `error:`
and a `hint:` line on stderr (JSON with --format json), rendered as every imuze command line
renders its errors, no traceback.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from imuze_spec import accept, report, rules
from imuze_spec.bump import BumpError, reason
from imuze_spec.bump import bump as write_bump
from imuze_spec.diff import run
from imuze_spec.findings import Level
from imuze_spec.load import SpecLoadError, load
from imuze_spec.regenerate import GenerationError, regenerate

from .errors import UsageProblem
from .root import ImuzeGroup
from .spec_apply import apply, overlay_module

app = typer.Typer(
    cls=ImuzeGroup,
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


def _fail(error: Exception, command: str) -> NoReturn:
    # EXIT_LOAD: a usage error's exit code, reported by the root command (errors.ImuzeGroup).
    hint = getattr(error, "hint", "") or f"see 'imuze-spec {command} --help'"
    raise UsageProblem(str(error), hint=hint, kind=type(error).__name__) from None


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
    bump: Annotated[
        bool,
        typer.Option("--bump", help="Also say the version bump: major, minor or patch."),
    ] = False,
) -> None:
    """Classify every change from OLD to NEW (or to OLD with --overlay applied), for the wire
    and for the generated client."""
    if (new is None) == (overlay is None):
        raise UsageProblem(
            "give the NEW spec, or --overlay FILE to judge adopting an overlay",
            hint="see 'imuze-spec diff --help'",
        )
    try:
        if overlay is not None:
            findings = overlay_module().diff_overlay(old, overlay, python=not no_python)
        else:
            assert new is not None
            findings = run(old, new, python=not no_python)
    except SpecLoadError as exc:
        _fail(exc, "diff")
    label = new if new is not None else f"{old} + {overlay}"
    sys.stdout.write(report.render(findings, fmt.value, old, label, bump=bump))
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
        _fail(exc, "check")
    sides = frozenset({"wire"} if no_python else {"wire", "python"})
    verdict = accept.judge(findings, acknowledgements, sides)
    counts = report.gate_summary(
        len(verdict.unacknowledged), len(verdict.acknowledged), len(verdict.stale), findings
    )
    out = [f"check-spec-compat: {spec} against {baseline}: {counts}"]
    for finding, ack in verdict.acknowledged:
        out.append(f"  accepted {finding.id} at {finding.location} ({ack.date}: {ack.reason})")
    for ack in verdict.not_judged:
        out.append(
            f"  not judged: acknowledgement {ack.fingerprint} ({ack.rule or 'no rule'}) is for "
            "the Python side, which --no-python skips"
        )
    for ack in verdict.stale:
        out.append(
            f"  STALE acknowledgement {ack.fingerprint} ({ack.date}: {ack.reason}): its finding "
            f"no longer occurs; remove it from {accepted}"
        )
    if verdict.unacknowledged:
        out.append("")
        out.append(report.body(verdict.unacknowledged).rstrip("\n"))
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


@app.command("generate")
def generate(
    spec: Annotated[Path, typer.Argument(help="The spec.")] = Path("spec/openapi.yaml"),
    into: Annotated[Path, typer.Option(help="The folder that holds imuze_client.")] = Path(
        "generated"
    ),
) -> None:
    """Regenerate INTO/imuze_client from SPEC; on failure INTO is left as it was."""
    try:
        load(str(spec))  # a missing or broken spec is said in one line, not the generator's box
        seconds = regenerate(spec, into)
    except (SpecLoadError, GenerationError) as exc:
        _fail(exc, "generate")
    print(f"{into / 'imuze_client'} from {spec} in {seconds:.1f} s")


@app.command("rules")
def list_rules(
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """List every rule: id, level, side, direction, description and the keywords it judges."""
    table = sorted(rules.RULES.values(), key=lambda r: (r.side != "wire", r.id))
    if fmt == Format.json:
        sys.stdout.write(rules.as_json(table))
    else:
        sys.stdout.write(rules.as_text(table))


@app.command("bump")
def bump_version(
    old: Annotated[
        str, typer.Argument(help="The released spec (a file or GITREF:path).")
    ] = "spec/released/openapi.yaml",
    new: Annotated[str, typer.Argument(help="The spec to release.")] = "spec/openapi.yaml",
    pyproject: Annotated[
        Path, typer.Option(help=r"Where the package version lives (\[project] version).")
    ] = Path("pyproject.toml"),
    no_python: NoPython = False,
) -> None:
    """Write the version OLD -> NEW calls for (ERR: major, an addition: minor, else patch),
    counted from the released version: a re-run, or identical specs, change nothing."""
    try:
        findings = run(old, new, python=not no_python)
        before, after, _ = write_bump(pyproject, findings)
    except (SpecLoadError, BumpError) as exc:
        _fail(exc, "bump")
    if before == after:
        why = reason(findings) if findings else "no change to the API"
        print(f"{pyproject}: version {before} unchanged ({why})")
        return
    print(f"{pyproject}: version {before} -> {after} ({reason(findings)})")


def main() -> None:
    """The `imuze-spec` console script."""
    app()
