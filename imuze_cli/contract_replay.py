"""`imuze contract replay N|FINGERPRINT --report FILE.json`: is one row's deviation still there?

Re-sends the row's recorded requests (imuze_contract.replay) with the credentials of the
environment, and exits 0 when the deviation is gone, 1 when it is still there, 2 on a usage
or setup error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from imuze_contract.replay import ReplayError, find_row, replay
from imuze_contract.report import Report
from imuze_contract.target import SetupError, target_from_env
from imuze_ext._extras import MissingExtraError, requires_extra

from .errors import Failure as CliFailure
from .errors import report as report_failure
from .options import BaseUrlOption

EXIT_SETUP = 2
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
) -> None:
    """Re-send one row's requests and say whether its deviation still occurs.

    Credentials as for `imuze contract` (IMUZE_TOKEN, IMUZE_API_KEY, or IMUZE_EMAIL +
    IMUZE_PASSWORD; the IMUZE_OTHER_... ones for a second user's requests). The API is the
    report's unless --base-url or IMUZE_BASE_URL says otherwise.

    Exit codes: 0 the deviation is gone, 1 it is still there, 2 usage or setup error.
    """

    def fail(message: str, kind: str = "UsageError") -> NoReturn:
        report_failure(CliFailure(kind, None, message, EXIT_SETUP), as_json=False)
        raise typer.Exit(EXIT_SETUP)

    try:
        with requires_extra("contract", "imuze contract replay", CONTRACT_PACKAGES):
            import schemathesis  # noqa: F401 - the replay judges with its checks
    except MissingExtraError as exc:
        fail(str(exc), type(exc).__name__)
    try:
        report = Report.from_dict(json.loads(report_path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        fail(f"cannot read the report {report_path}: {exc}")
    try:
        number, deviation = find_row(report, row)
        url = base_url or getattr(ctx.obj, "base_url", None) or os.environ.get("IMUZE_BASE_URL")
        target = target_from_env(url or report.base_url, getattr(ctx.obj, "email", None))
        outcome = replay(deviation, target)
    except (ReplayError, SetupError) as exc:
        fail(str(exc), type(exc).__name__)
    out = Console(highlight=False, soft_wrap=True)
    what = f"{number}. {deviation.operation_id} {deviation.check} {deviation.status or '-'} "
    what += f"{deviation.location} [{deviation.fingerprint}]"
    verdict = "still there" if outcome.still else "gone"
    out.print(f"{escape(what)}: {verdict} ({escape(outcome.detail)})")
    raise typer.Exit(outcome.exit_code)
