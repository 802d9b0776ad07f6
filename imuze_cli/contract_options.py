"""The options of `imuze contract`, one annotated type each, so the command reads as its job."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from imuze_contract.options import DEFAULT_BUDGET, DEFAULT_MAX_EXAMPLES, DEFAULT_RATE_LIMIT

__all__ = ["DEFAULT_BUDGET", "DEFAULT_MAX_EXAMPLES"]

Budget = Annotated[
    float,
    typer.Option(
        "--budget",
        min=1,
        metavar="SECONDS",
        help="Stop after this many seconds at most; the run ends sooner once every phase "
        "has run its examples.",
    ),
]
MaxExamples = Annotated[
    int,
    typer.Option(
        "--max-examples",
        min=1,
        metavar="N",
        help="Generated examples per operation (and stateful scenarios).",
    ),
]
RateLimit = Annotated[
    str | None,
    typer.Option(
        "--rate-limit",
        metavar="R/s",
        help=f"Requests per second at most, logins included. Default: {DEFAULT_RATE_LIMIT}/s "
        "for a remote API (polite to a live one); a loopback API (127.0.0.0/8, ::1, "
        "localhost, as `imuze-mock --` gives) is not throttled unless this is set.",
        show_default=False,
    ),
]
Seed = Annotated[
    int | None,
    typer.Option(
        "--seed",
        help="Reproduce a run: the same seed sends the same requests.",
        show_default=False,
    ),
]
ReportMd = Annotated[
    Path | None,
    typer.Option(
        "--report-md",
        metavar="PATH",
        help="Write the report as Markdown (e.g. for $GITHUB_STEP_SUMMARY).",
        show_default=False,
    ),
]
Junit = Annotated[
    Path | None,
    typer.Option("--junit", metavar="PATH", help="Write JUnit XML.", show_default=False),
]
ReportJson = Annotated[
    Path | None,
    typer.Option(
        "--report-json",
        metavar="PATH",
        help="Write the report as JSON (for `imuze contract replay --report`).",
        show_default=False,
    ),
]
Spec = Annotated[
    Path | None,
    typer.Option(
        "--spec",
        metavar="PATH",
        help="Hold the API to this OpenAPI spec instead of the packaged one (a proposal "
        "applied, a branch's spec).",
        show_default=False,
    ),
]
Propose = Annotated[
    Path | None,
    typer.Option(
        "--propose",
        metavar="FILE",
        help="Write an OpenAPI Overlay 1.0 document: the spec edits that match the server, "
        "for each deviation whose fix is mechanical (review it, then imuze-spec diff SPEC "
        "--overlay FILE).",
        show_default=False,
    ),
]
Baseline = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        metavar="FILE",
        help="Accepted deviations (YAML): listed apart, and only new ones exit 1.",
        show_default=False,
    ),
]
BaselineUpdate = Annotated[
    bool,
    typer.Option("--baseline-update", help="Add this run's new deviations to --baseline."),
]
BaselinePrune = Annotated[
    bool,
    typer.Option(
        "--baseline-prune",
        help="Drop the --baseline entries this run tested and did not see (stale).",
    ),
]
MinCoverage = Annotated[
    float | None,
    typer.Option(
        "--min-coverage",
        min=0,
        max=100,
        metavar="PERCENT",
        help="Fail (exit 3) a run without new deviations that exercised less: documented "
        "(operation, status) pairs observed plus documented parameters and body properties "
        "sent, over both documented, in percent (0-100).",
        show_default=False,
    ),
]
