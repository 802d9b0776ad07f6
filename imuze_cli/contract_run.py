"""`imuze contract`'s run: the target, the baseline gate, the run, the reports and the exit.

Loaded by the command (contract.py) when it runs; schemathesis only once the `contract` extra
is known to be installed, so that a client-only install still has a working CLI.
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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

from imuze_contract.options import RunOptions
from imuze_contract.redact import Secrets
from imuze_contract.target import SetupError, target_from_env
from imuze_ext._config import ENV_BASE_URL
from imuze_ext.errors import requires_extra

from .errors import EXIT_INTERRUPTED, SetupProblem, UsageProblem, help_hint
from .session import raise_missing_login

if TYPE_CHECKING:  # the report, the baseline and the renderers load when a run needs them
    from imuze_contract.baseline import Baseline, Gate
    from imuze_contract.report import Report

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
def run_contract(
    ctx: typer.Context,
    *,
    base_url: str | None,
    budget: float,
    max_examples: int,
    rate_limit: str | None,
    seed: int | None,
    report_md: Path | None,
    junit: Path | None,
    report_json: Path | None,
    as_json: bool,
    spec: Path | None,
    propose: Path | None,
    baseline: Path | None,
    baseline_update: bool,
    baseline_prune: bool,
    min_coverage: float | None = None,
) -> None:
    """`imuze contract`'s run, with the options the command was given."""
    secrets = Secrets()
    outputs = _Outputs(report_md, junit, report_json, propose, spec)
    email = getattr(ctx.obj, "email", None)
    fail = functools.partial(_fail, ctx, secrets)
    _require_target(ctx, base_url)
    with requires_extra("contract", "imuze contract", CONTRACT_PACKAGES):
        from imuze_contract.runner import (
            run,  # the heavy import: schemathesis, hypothesis, requests
        )
    with _setup_problems(ctx, email, fail):
        target = target_from_env(base_url, email)
        rate = _rate(rate_limit) if rate_limit is not None else None
        options = RunOptions(budget, max_examples, rate, seed, _readable(spec), min_coverage)
        outputs.check_writable()
        gate = _gate(baseline, baseline_update, baseline_prune)
    secrets.add(*target.secrets)
    report = _checked(lambda progress: run(target, options, secrets, progress), fail, as_json)
    if gate is not None:
        _settle(gate, report, fail)
    _finish(report, outputs, secrets, fail, as_json)


def _require_target(ctx: typer.Context, base_url: str | None) -> None:
    """No --base-url and no IMUZE_BASE_URL: a usage error, never the public API by default."""
    if base_url is None and ENV_BASE_URL not in os.environ:
        raise UsageProblem(
            f"no API to check: pass --base-url or set {ENV_BASE_URL} (imuze contract never "
            "checks the public API unless told to)",
            hint=help_hint(ctx),
        )


def _finish(report: Report, outputs: _Outputs, secrets: Secrets, fail: Fail, as_json: bool) -> None:
    """Write the files asked for, print the report (or its JSON), and exit with its code."""
    written, proposed = outputs.write(report, secrets, fail)
    if as_json:
        typer.echo(secrets.scrub(json.dumps(report.to_dict(), indent=2)))
    else:
        _summary(report, written)
    if proposed:
        print(proposed, file=sys.stderr)
    raise typer.Exit(report.exit_code)


def _fail(
    ctx: typer.Context, secrets: Secrets, message: str, cause: BaseException | None = None
) -> NoReturn:
    """Reported by the root command as every `imuze` error is (error: and hint: lines, JSON
    with --json), and never with a secret."""
    raise SetupProblem(secrets.scrub(message), cause=cause, help_of=help_hint(ctx))


Fail = Callable[[str, BaseException], NoReturn]


@contextlib.contextmanager
def _setup_problems(ctx: typer.Context, email: str | None, fail: Fail) -> Iterator[None]:
    """Before the run: a problem of the set-up (credentials, options, files) as one line."""
    from imuze_contract.baseline import BaselineError

    try:
        yield
    except SetupError as exc:
        raise_missing_login(ctx, email, exc)
        fail(str(exc), exc)
    except (ValueError, typer.BadParameter, BaselineError) as exc:
        fail(str(exc), exc)


def _settle(gate: _BaselineGate, report: Report, fail: Fail) -> None:
    """Hold the report to the baseline: accepted deviations apart, stale entries listed (not
    after an interrupted run, which did not test them), the file updated or pruned."""
    from imuze_contract.baseline import apply as baseline_apply

    try:
        if not report.interrupted:
            gate.gate.settle(report, gate.accepted, datetime.date.today())
        else:
            baseline_apply(report, gate.accepted, ())
    except SetupError as exc:
        fail(str(exc), exc)
    except Exception as exc:  # never a traceback
        fail(f"the contract run failed: {type(exc).__name__}: {exc}", exc)


STARTED = (
    "Checking the contract: the run has started (Ctrl+C or SIGTERM stops it, with a partial report)"
)
"""Printed on stderr once the first scenario has run, where no spinner shows (stderr is not a
terminal, and without --json): a CI log says that the run is under way, and a script knows
that a signal now stops it with a partial report."""


def _checked(
    run: Callable[[Callable[[int, int], None]], Report], fail: Fail, as_json: bool
) -> Report:
    """The run, with a spinner that counts cases and deviations; a failure is one line."""
    from hypothesis.configuration import set_hypothesis_home_dir

    err = Console(stderr=True, highlight=False)
    started = False
    try:
        # Hypothesis keeps a cache under ./.hypothesis: not in the user's working directory.
        with (
            tempfile.TemporaryDirectory(prefix="imuze-contract-") as scratch,
            err.status("Checking the contract…", spinner="dots") as status,
        ):

            def progress(cases: int, deviations: int) -> None:
                nonlocal started
                status.update(f"Checking the contract… {cases} cases, {deviations} deviations")
                if not started and not as_json and not err.is_terminal:
                    err.print(STARTED, markup=False, soft_wrap=True)
                started = True

            set_hypothesis_home_dir(scratch)
            try:
                return run(progress)
            finally:
                set_hypothesis_home_dir(None)
    except SetupError as exc:
        fail(str(exc), exc)
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None  # the root command says "Interrupted"
    except Exception as exc:  # never a traceback
        fail(f"the contract run failed: {type(exc).__name__}: {exc}", exc)


@dataclass(frozen=True)
class _Outputs:
    """The files a run writes: the report formats and the proposed overlay."""

    report_md: Path | None
    junit: Path | None
    report_json: Path | None
    propose: Path | None
    spec: Path | None

    def check_writable(self) -> None:
        """Refuse a path that cannot be written before the run, not after it."""
        for path in (self.report_md, self.junit, self.report_json, self.propose):
            _writable(path)

    def write(self, report: Report, secrets: Secrets, fail: Fail) -> tuple[list[str], str]:
        """Write every file asked for: (the reports written, the proposal's line or "")."""
        from imuze_contract.junit import render_junit
        from imuze_contract.markdown import render_markdown

        renderers: list[tuple[Path | None, Callable[[Report], str]]] = [
            (self.report_md, render_markdown),
            (self.junit, render_junit),
            (self.report_json, lambda r: json.dumps(r.to_dict(), indent=2)),
        ]
        written: list[str] = []
        proposed = ""
        try:
            for path, render in renderers:
                if path is not None:
                    _write(path, render(report), secrets)
                    written.append(str(path))
            if self.propose is not None:
                overlay, proposed = _proposal(report, self.spec, self.propose)
                _write(self.propose, overlay, secrets)
        except OSError as exc:
            fail(f"cannot write the report: {exc.strerror or exc}: {exc.filename}", exc)
        except Exception as exc:  # a proposal that cannot be made: one line, never a traceback
            fail(f"cannot propose spec edits: {type(exc).__name__}: {exc}", exc)
        return written, proposed


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


@dataclass(frozen=True)
class _BaselineGate:
    """The --baseline gate and the baseline it loaded before the run."""

    gate: Gate
    accepted: Baseline


def _gate(path: Path | None, update: bool, prune: bool) -> _BaselineGate | None:
    """The gate, its baseline read (and checked) before the run."""
    if path is None:
        if update or prune:
            raise SetupError("--baseline-update and --baseline-prune need --baseline FILE")
        return None
    if path.is_dir():
        raise SetupError(f"--baseline {path}: a directory, not a baseline file")
    from imuze_contract.baseline import Gate

    gate = Gate(path, update=update, prune=prune)
    return _BaselineGate(gate, gate.load())


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
    from .contract_terminal import render_terminal

    render_terminal(report, Console(highlight=False, soft_wrap=True), written)
