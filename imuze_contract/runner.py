"""Run the whole contract against one API, to the end, and fold what it finds into a report.

Every phase and every check of schemathesis.toml run, and an operation's first failure does not
stop it (`continue-on-failure`). The budget bounds the run from outside: when it is spent the
engine is asked to stop and the report says so. Requests are rate limited.
"""

from __future__ import annotations

import json
import random
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName, PhaseSkipReason
from schemathesis.schemas import BaseSchema

from .collect import Collector
from .config import contract_config, load_schema, write_wfc_document
from .options import RunOptions
from .redact import Secrets
from .report import Report
from .shapes import one_line
from .target import SetupError, Target, User

PREFLIGHT_TIMEOUT = 30.0

#: Called after each scenario with the cases run and the distinct deviations found so far.
Progress = Callable[[int, int], None]


def run(
    target: Target,
    options: RunOptions,
    secrets: Secrets | None = None,
    progress: Progress | None = None,
) -> Report:
    """Run the contract against `target`; `secrets` learns every token so callers can scrub.

    Raises SetupError (one line, no secret) when the API cannot be reached or a login fails.
    """
    secrets = secrets if secrets is not None else Secrets()
    secrets.add(*target.secrets)
    if target.app is None:
        preflight(target, secrets)
    seed = options.seed if options.seed is not None else random.randrange(2**31)  # noqa: S311 - a seed, not a secret
    report = Report(base_url=target.base_url, seed=seed, users=len(target.users))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="imuze-contract-") as workdir:
        wfc = write_wfc_document(target, Path(workdir) / "wfc-auth.yaml")
        config = contract_config(
            target,
            wfc,
            max_examples=options.max_examples,
            scenarios=options.max_examples,
            seed=seed,
            rate_limit=options.rate_limit,
            keep_going=True,
        )
        schema = load_schema(target, config, options.spec)
        collector = Collector(schema.raw_schema, secrets)
        spent = _drive(schema, options.budget, collector, report, progress)
    report.duration = time.monotonic() - started
    report.cases = collector.cases
    report.operations = sorted(collector.operations)
    report.deviations = collector.deviations()
    if spent:
        report.notes.append(
            f"the budget of {options.budget:g} s was spent before every phase finished"
        )
    if len(target.users) < 2:
        report.notes.append(
            "object_level_authorization needs a second user: set IMUZE_OTHER_EMAIL and "
            "IMUZE_OTHER_PASSWORD (or IMUZE_OTHER_API_KEY)"
        )
    _scrub(report, secrets)
    return report


def _drive(
    schema: BaseSchema,
    budget: float,
    collector: Collector,
    report: Report,
    progress: Progress | None,
) -> bool:
    """Consume the engine's events until it finishes or the budget is spent (returns True)."""
    stream = from_schema(schema).execute()
    spent = threading.Event()

    def stop() -> None:
        spent.set()
        stream.stop()

    timer = threading.Timer(budget, stop)
    timer.daemon = True
    timer.start()
    try:
        for event in stream:
            if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
                collector.add_scenario(event.recorder)
                if progress is not None:
                    progress(collector.cases, collector.distinct)
            elif isinstance(event, events.NonFatalError):
                collector.add_error(event.label, event.info.title, event.info.message)
            elif isinstance(event, events.FatalError):
                raise SetupError(f"the contract run failed: {one_line(str(event.exception))}")
            elif isinstance(event, events.PhaseFinished):
                _note_phase(event, report)
            elif isinstance(event, events.Interrupted):
                report.interrupted = True
                report.notes.append("the run was interrupted: this report is partial")
    finally:
        timer.cancel()
    return spent.is_set()


def _note_phase(event: events.PhaseFinished, report: Report) -> None:
    reason = event.phase.skip_reason
    if reason == PhaseSkipReason.SERVER_UNAVAILABLE:
        raise SetupError("the API stopped answering during the run")
    if event.phase.name == PhaseName.STATEFUL_TESTING and reason is not None:
        report.notes.append(f"the stateful phase did not run: {reason.value}")


def _scrub(report: Report, secrets: Secrets) -> None:
    for deviation in report.deviations:
        deviation.curl = secrets.scrub(deviation.curl)
        deviation.actual = secrets.scrub(deviation.actual)
        deviation.expected = secrets.scrub(deviation.expected)
        if deviation.fix:
            deviation.fix = secrets.scrub(deviation.fix)
        deviation.evidence = json.loads(
            secrets.scrub(json.dumps(deviation.evidence, ensure_ascii=False))
        )
    report.notes = [secrets.scrub(note) for note in report.notes]


def preflight(target: Target, secrets: Secrets) -> None:
    """Reach the API and log every user in once, so that setup errors are one clear line."""
    with httpx.Client(timeout=PREFLIGHT_TIMEOUT) as http:
        for user in target.users:
            try:
                _check_user(http, target, user, secrets)
            except httpx.HTTPError as exc:
                raise SetupError(
                    f"cannot reach the API at {target.base_url}: {one_line(str(exc), 160)}"
                ) from None


def _check_user(http: httpx.Client, target: Target, user: User, secrets: Secrets) -> None:
    if not user.logs_in:
        answer = http.get(
            f"{target.base_url}/arrangements", headers={"Authorization": user.api_key or ""}
        )
        if answer.status_code in (401, 403):
            raise SetupError(
                f"the API key of the {user.name} user was refused: {_status_line(answer)}"
            )
        return
    body = {"token": {"email": user.email, "password": user.password}}
    answer = http.post(f"{target.base_url}/tokens", json=body)
    if not answer.is_success:
        raise SetupError(secrets.scrub(f"login as {user.email} failed: {_status_line(answer)}"))
    try:
        token = answer.json().get("response")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        raise SetupError(f"login as {user.email} answered {answer.status_code} without a token")
    secrets.add(token)


def _status_line(answer: httpx.Response) -> str:
    """`401 Unauthorized: <the server's reason>` in one short line."""
    line = f"{answer.status_code} {answer.reason_phrase}"
    try:
        body = answer.json()
    except ValueError:
        return line
    if isinstance(body, dict):
        reason = body.get("message") or body.get("error")
        if isinstance(reason, str) and reason:
            line += f": {one_line(reason, 100)}"
    return line
