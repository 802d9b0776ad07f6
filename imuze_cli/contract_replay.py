"""`imuze contract replay N|FINGERPRINT --report FILE.json`: is one row's deviation still there?

Re-sends the row's recorded requests (imuze_contract.replay) with the credentials of the
environment, and exits 0 when the deviation is gone, 1 when it is still there, 2 on a usage
or setup error. With --json, the verdict is a JSON object on stdout. What the replay needs
loads when the command runs (see app.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from .options import BaseUrlOption, JsonOption

if TYPE_CHECKING:  # the replay and the report load when the command runs
    from imuze_contract.replay import Outcome
    from imuze_contract.report import Deviation
    from imuze_contract.target import Target

CONTRACT_PACKAGES = frozenset({"schemathesis", "hypothesis", "requests", "pyrate_limiter"})


def replay_row(
    ctx: typer.Context,
    row: Annotated[str, typer.Argument(metavar="N|FINGERPRINT", help="The row to replay.")],
    report_path: Annotated[
        Path,
        typer.Option(
            "--report", metavar="FILE.json", help="The report (imuze contract --json > FILE)."
        ),
    ],
    base_url: BaseUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-send one row's requests and say whether its deviation still occurs.

    Credentials as for `imuze contract` (IMUZE_TOKEN, IMUZE_API_KEY, or IMUZE_EMAIL +
    IMUZE_PASSWORD; the IMUZE_OTHER_... ones for a second user's requests). The API is the
    report's unless --base-url or IMUZE_BASE_URL says otherwise.

    Exit codes: 0 the deviation is gone, 1 it is still there, 2 usage or setup error.
    """
    from imuze_contract.target import SetupError
    from imuze_ext.errors import requires_extra

    def fail(message: str, cause: BaseException | None = None) -> NoReturn:
        _fail(ctx, message, cause)

    with requires_extra("contract", "imuze contract replay", CONTRACT_PACKAGES):
        import schemathesis  # noqa: F401 - the replay judges with its checks
    from imuze_contract.replay import ReplayError, find_row, replay, spec_of
    from imuze_contract.report import Report

    url = base_url or os.environ.get("IMUZE_BASE_URL")

    def target_at(api: str) -> Target:
        return _target(ctx, api)

    # The base URL and the credentials first, as every command checks them: then the report.
    target = target_at(url) if url else None
    try:
        report = Report.from_dict(json.loads(report_path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        fail(f"cannot read the report {report_path}: {exc}")
    try:
        number, deviation = find_row(report, row)
        outcome = replay(deviation, target or target_at(report.base_url), spec=spec_of(report))
    except (ReplayError, SetupError) as exc:
        fail(str(exc), exc)
    _say(number, deviation, outcome, as_json=as_json)


def _fail(ctx: typer.Context, message: str, cause: BaseException | None = None) -> NoReturn:
    """Reported by the root command as every `imuze` error is (error: and hint: lines, JSON
    with --json)."""
    from .errors import SetupProblem, help_hint

    raise SetupProblem(message, cause=cause, help_of=help_hint(ctx))


def _target(ctx: typer.Context, api: str) -> Target:
    """The API to replay against, with the environment's credentials."""
    from imuze_contract.target import SetupError, target_from_env

    from .session import raise_missing_login

    email = getattr(ctx.obj, "email", None)
    try:
        return target_from_env(api, email)
    except SetupError as exc:
        raise_missing_login(ctx, email, exc)
        _fail(ctx, str(exc), exc)


def _say(number: int, deviation: Deviation, outcome: Outcome, *, as_json: bool) -> NoReturn:
    """Print the row and whether it is still there (or that as JSON); exit with the outcome's
    code."""
    from rich.console import Console
    from rich.markup import escape

    verdict = "still there" if outcome.still else "gone"
    if as_json:
        row = {
            "row": number,
            "fingerprint": deviation.fingerprint,
            "operation_id": deviation.operation_id,
            "check": deviation.check,
            "status": deviation.status,
            "location": deviation.location,
        }
        answer = {"still": outcome.still, "status": outcome.status, "detail": outcome.detail}
        typer.echo(json.dumps({**row, "verdict": verdict, "replay": answer}, indent=2))
        raise typer.Exit(outcome.exit_code)
    out = Console(highlight=False, soft_wrap=True)
    what = f"{number}. {deviation.operation_id} {deviation.check} {deviation.status or '-'} "
    what += f"{deviation.location} [{deviation.fingerprint}]"
    out.print(f"{escape(what)}: {verdict} ({escape(outcome.detail)})")
    raise typer.Exit(outcome.exit_code)
