"""`imuze contract`: the command, registered on the `imuze` app by imuze_cli/app.py.

The run (contract_run.py) loads when the command runs: `imuze --help` loads no client, and a
client-only install (without the `contract` extra) still has a working CLI.
"""

from __future__ import annotations

import typer

from . import contract_options as opt
from .options import BaseUrlOption, JsonOption


def contract(
    ctx: typer.Context,
    base_url: BaseUrlOption = None,
    budget: opt.Budget = opt.DEFAULT_BUDGET,
    max_examples: opt.MaxExamples = opt.DEFAULT_MAX_EXAMPLES,
    rate_limit: opt.RateLimit = None,
    seed: opt.Seed = None,
    report_md: opt.ReportMd = None,
    junit: opt.Junit = None,
    report_json: opt.ReportJson = None,
    as_json: JsonOption = False,
    spec: opt.Spec = None,
    propose: opt.Propose = None,
    baseline: opt.Baseline = None,
    baseline_update: opt.BaselineUpdate = False,
    baseline_prune: opt.BaselinePrune = False,
    min_coverage: opt.MinCoverage = None,
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
    ended the run), 2 usage or setup error, 3 no new deviation but less
    coverage than --min-coverage, 130 interrupted (Ctrl+C, SIGTERM).
    """
    if ctx.invoked_subcommand is not None:
        return
    from .contract_run import run_contract

    run_contract(
        ctx,
        base_url=base_url,
        budget=budget,
        max_examples=max_examples,
        rate_limit=rate_limit,
        seed=seed,
        report_md=report_md,
        junit=junit,
        report_json=report_json,
        as_json=as_json,
        spec=spec,
        propose=propose,
        baseline=baseline,
        baseline_update=baseline_update,
        baseline_prune=baseline_prune,
        min_coverage=min_coverage,
    )
