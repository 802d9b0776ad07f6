"""`imuze contract`: the command, registered on the `imuze` app by imuze_cli/app.py.

schemathesis is imported only when the command runs, so `imuze --help` stays fast and a
client-only install (without the `contract` extra) still has a working CLI.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import os
import re
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from imuze_contract.baseline import BaselineError, Gate
from imuze_contract.baseline import apply as baseline_apply
from imuze_contract.junit import render_junit
from imuze_contract.markdown import render_markdown
from imuze_contract.options import (
    DEFAULT_BUDGET,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_RATE_LIMIT,
    RunOptions,
)
from imuze_contract.redact import Secrets
from imuze_contract.report import Report
from imuze_contract.target import SetupError, target_from_env
from imuze_ext._extras import requires_extra
from imuze_ext.errors import MissingCredentialsError

from .contract_terminal import render_terminal
from .errors import EXIT_INTERRUPTED, SetupProblem, UsageProblem, help_hint
from .options import BaseUrlOption
from .session import login_problem

EXIT_DEVIATIONS = 1
EXIT_SETUP = 2
# The top-level modules the `contract` extra installs (schemathesis and what it brings).
CONTRACT_PACKAGES = frozenset({"schemathesis", "hypothesis", "requests", "pyrate_limiter"})

_RATE = re.compile(r"\s*([0-9]+)\s*(?:/\s*s)?\s*")


def _rate(value: str) -> int:
    match = _RATE.fullmatch(value)
    if not match or int(match.group(1)) < 1:
        raise typer.BadParameter(f"expected requests per second, e.g. 10 or 10/s, not {value!r}")
    return int(match.group(1))


def _sigterm_too(command: Callable[..., None]) -> Callable[..., None]:
    """`command`, stopped by SIGTERM (a CI job cancelled) as by Ctrl+C: exit 130 with the
    partial report."""

    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> None:
        with _sigterm_interrupts():
            command(*args, **kwargs)

    return wrapped


@_sigterm_too
def contract(
    ctx: typer.Context,
    base_url: BaseUrlOption = None,
    budget: Annotated[
        float,
        typer.Option(
            "--budget",
            min=1,
            metavar="SECONDS",
            help="Stop after this many seconds at most; the run ends sooner once every phase "
            "has run its examples.",
        ),
    ] = DEFAULT_BUDGET,
    max_examples: Annotated[
        int,
        typer.Option(
            "--max-examples",
            min=1,
            metavar="N",
            help="Generated examples per operation (and stateful scenarios).",
        ),
    ] = DEFAULT_MAX_EXAMPLES,
    rate_limit: Annotated[
        str | None,
        typer.Option(
            "--rate-limit",
            metavar="R/s",
            help=f"Requests per second at most, logins included. Default: {DEFAULT_RATE_LIMIT}/s "
            "for a remote API (polite to a live one); a loopback API (127.0.0.0/8, ::1, "
            "localhost, as `imuze-mock --` gives) is not throttled unless this is set.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Reproduce a run: the same seed sends the same requests.",
            show_default=False,
        ),
    ] = None,
    report_md: Annotated[
        Path | None,
        typer.Option(
            "--report-md",
            metavar="PATH",
            help="Write the report as Markdown (e.g. for $GITHUB_STEP_SUMMARY).",
            show_default=False,
        ),
    ] = None,
    junit: Annotated[
        Path | None,
        typer.Option("--junit", metavar="PATH", help="Write JUnit XML.", show_default=False),
    ] = None,
    report_json: Annotated[
        Path | None,
        typer.Option(
            "--report-json",
            metavar="PATH",
            help="Write the report as JSON (for `imuze contract replay --report`).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON on stdout.")
    ] = False,
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            metavar="PATH",
            help="Hold the API to this OpenAPI spec instead of the packaged one (a proposal "
            "applied, a branch's spec).",
            show_default=False,
        ),
    ] = None,
    propose: Annotated[
        Path | None,
        typer.Option(
            "--propose",
            metavar="FILE",
            help="Write an OpenAPI Overlay 1.0 document: the spec edits that match the server, "
            "for each deviation whose fix is mechanical (review it, then imuze-spec diff SPEC "
            "--overlay FILE).",
            show_default=False,
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Accepted deviations (YAML): listed apart, and only new ones exit 1.",
            show_default=False,
        ),
    ] = None,
    baseline_update: Annotated[
        bool,
        typer.Option("--baseline-update", help="Add this run's new deviations to --baseline."),
    ] = False,
    baseline_prune: Annotated[
        bool,
        typer.Option(
            "--baseline-prune",
            help="Drop the --baseline entries this run tested and did not see (stale).",
        ),
    ] = False,
) -> None:
    """Check a live API against the iMuze spec and report every distinct deviation.

    Every schemathesis phase (examples, coverage, fuzzing, stateful links)
    and every check, then boundary probes: the integer, length, array and
    Unicode limits the spec leaves open.

    Credentials: IMUZE_API_KEY, or IMUZE_EMAIL + IMUZE_PASSWORD. A second
    user (IMUZE_OTHER_EMAIL + IMUZE_OTHER_PASSWORD, or IMUZE_OTHER_API_KEY)
    enables the object-level authorization checks.

    Rate: 10 requests/s to a remote API; a loopback API (127.0.0.0/8, ::1,
    localhost, as `imuze-mock --` gives) is not throttled unless
    --rate-limit is set.

    Exit codes: 0 no new deviation, 1 new deviations (also when the budget
    ended the run), 2 usage or setup error, 130 interrupted (Ctrl+C, SIGTERM).
    """
    if ctx.invoked_subcommand is not None:
        return
    err = Console(stderr=True, highlight=False)
    secrets = Secrets()

    def fail(message: str, cause: BaseException | None = None) -> NoReturn:
        # Reported by the root command as every `imuze` error is (error: and hint: lines, JSON
        # with --json), and never with a secret.
        raise SetupProblem(secrets.scrub(message), cause=cause, help_of=help_hint(ctx))

    with requires_extra("contract", "imuze contract", CONTRACT_PACKAGES):
        from imuze_contract.runner import (
            run,  # the heavy import: schemathesis, hypothesis, requests
        )
    email = getattr(ctx.obj, "email", None)
    try:
        target = target_from_env(base_url, email)
        rate = _rate(rate_limit) if rate_limit is not None else None
        options = RunOptions(budget, max_examples, rate, seed, _readable(spec))
        _writable(report_md)
        _writable(junit)
        _writable(report_json)
        _writable(propose)
        gate = _gate(baseline, baseline_update, baseline_prune)
        accepted = gate.load() if gate is not None else None
    except SetupError as exc:
        if isinstance(exc.__cause__, MissingCredentialsError):  # in the CLI's words
            problem = login_problem(email)
            raise UsageProblem(
                str(problem), hint=help_hint(ctx), kind=type(problem).__name__
            ) from None
        fail(str(exc), exc)
    except (ValueError, typer.BadParameter, BaselineError) as exc:
        fail(str(exc), exc)
    secrets.add(*target.secrets)

    from hypothesis.configuration import set_hypothesis_home_dir

    try:
        # Hypothesis keeps a cache under ./.hypothesis: not in the user's working directory.
        with (
            tempfile.TemporaryDirectory(prefix="imuze-contract-") as scratch,
            err.status("Checking the contract…", spinner="dots") as status,
        ):

            def progress(cases: int, deviations: int) -> None:
                status.update(f"Checking the contract… {cases} cases, {deviations} deviations")

            set_hypothesis_home_dir(scratch)
            try:
                report = run(target, options, secrets, progress)
            finally:
                set_hypothesis_home_dir(None)
        if gate is not None and accepted is not None and not report.interrupted:
            gate.settle(report, accepted, datetime.date.today())
        elif gate is not None and accepted is not None:
            baseline_apply(report, accepted, ())
    except SetupError as exc:
        fail(str(exc), exc)
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None  # the root command says "Interrupted"
    except Exception as exc:  # never a traceback
        fail(f"the contract run failed: {type(exc).__name__}: {exc}", exc)

    written: list[str] = []
    proposed = ""
    try:
        if report_md is not None:
            _write(report_md, render_markdown(report), secrets)
            written.append(str(report_md))
        if junit is not None:
            _write(junit, render_junit(report), secrets)
            written.append(str(junit))
        if report_json is not None:
            _write(report_json, json.dumps(report.to_dict(), indent=2), secrets)
            written.append(str(report_json))
        if propose is not None:
            overlay, proposed = _proposal(report, spec, propose)
            _write(propose, overlay, secrets)
    except OSError as exc:
        fail(f"cannot write the report: {exc.strerror or exc}: {exc.filename}", exc)
    except Exception as exc:  # a proposal that cannot be made: one line, never a traceback
        fail(f"cannot propose spec edits: {type(exc).__name__}: {exc}", exc)
    if as_json:
        typer.echo(secrets.scrub(json.dumps(report.to_dict(), indent=2)))
    else:
        _summary(report, written)
    if proposed:
        print(proposed, file=sys.stderr)
    raise typer.Exit(report.exit_code)


def _readable(path: Path | None) -> Path | None:
    """Refuse a spec that cannot be read before the run."""
    if path is not None and not path.is_file():
        raise SetupError(f"cannot read the spec {path}: no such file")
    return path


def _proposal(report: Report, spec: Path | None, path: Path) -> tuple[str, str]:
    """The Overlay for the run's mechanical deviations, against the spec the run used, and
    the line that says what it holds and what to do next."""
    from imuze_contract.config import spec_path
    from imuze_contract.propose import propose_file, render

    proposal = propose_file(report, spec or spec_path(), str(spec or "the packaged spec"))
    left = len(proposal.fix_the_server)
    if not proposal.answered:
        line = f"Nothing to propose in {path}: no deviation has a mechanical spec edit"
        return render(proposal), line + (f" ({left} are the server's to fix)." if left else ".")
    line = (
        f"Proposed {len(proposal.overlay['actions'])} spec edit(s) for "
        f"{len(proposal.answered)} deviation(s) in {path}; {left} are the server's to fix. "
        f"Next: imuze-spec diff {spec or 'spec/openapi.yaml'} --overlay {path}"
    )
    return render(proposal), line


def _gate(path: Path | None, update: bool, prune: bool) -> Gate | None:
    if path is None:
        if update or prune:
            raise SetupError("--baseline-update and --baseline-prune need --baseline FILE")
        return None
    if path.is_dir():
        raise SetupError(f"--baseline {path}: a directory, not a baseline file")
    return Gate(path, update=update, prune=prune)


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a CI job cancelled) stops the run as Ctrl+C does: a partial report, exit 130."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (an embedding caller): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _writable(path: Path | None) -> None:
    """Refuse a report path that cannot be written before the run, not after it."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SetupError(f"cannot write {path}: {exc.strerror or exc}") from None
    if path.is_dir() or not os.access(path.parent, os.W_OK):
        raise SetupError(f"cannot write {path}: not a writable file path")


def _write(path: Path, text: str, secrets: Secrets) -> None:
    path.write_text(secrets.scrub(text), encoding="utf-8")


def _summary(report: Report, written: list[str]) -> None:
    # The report's texts were scrubbed by the runner; the files above are scrubbed again.
    # Soft wrap: one deviation, one line, however narrow the terminal or CI log.
    render_terminal(report, Console(highlight=False, soft_wrap=True), written)
