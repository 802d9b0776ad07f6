"""Run the whole contract against one API, to the end, and fold what it finds into a report.

Every phase and every check of schemathesis.toml run, and an operation's first failure does not
stop it (`continue-on-failure`). Then the runner's own phases: boundary probes (probes.py) and
the list-scope probe (scope.py). The runner's own requests (logins included) are judged like
any answer (session.py). The budget bounds the whole run from outside: when it is spent the
engine is asked to stop, the report says so, and that is an answer, not an interruption (only
Ctrl+C or SIGTERM interrupt). Requests are rate limited, except to a loopback API.
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schemathesis.auths import AuthContext, CachingAuthProvider, SelectiveAuthProvider
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName, PhaseSkipReason
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema
from schemathesis.wfc.escalation import EscalatingAuthProvider

from imuze_ext.redaction import redact_url

from . import check_table, traffic
from .behave import PER_CREATE, PER_LIST, probe_behaviour
from .behave_inputs import PER_BODY, PER_PATH
from .behave_links import PER_LINK
from .collect import Collector
from .config import contract_config, load_schema, spec_path, write_wfc_document
from .coverage import AddedRequests
from .options import RunOptions
from .probes import Prober
from .redact import TOKEN_VARIABLES, Secrets
from .report import Report, RunContext
from .scope import probe_list_scope
from .session import Session
from .shapes import one_line
from .steps import Step, reproduction
from .target import SetupError, Target
from .tokens import MIN_TOKENS

if TYPE_CHECKING:  # the behavioural phase's record, for the coverage's added requests
    from .behave import Behaviour

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
    seed = options.seed if options.seed is not None else random.randrange(2**31)  # noqa: S311 - a seed, not a secret
    report = Report(base_url=target.base_url, seed=seed, users=len(target.users))
    report.rerun = options.rerun_args(seed)
    report.context = run_context(target, options, seed)
    started = time.monotonic()
    deadline = started + options.budget
    rate = options.rate_limit_for(target.base_url, in_process=target.app is not None)
    off = frozenset() if options.behaviour else check_table.behavioural()
    with tempfile.TemporaryDirectory(prefix="imuze-contract-") as workdir:
        wfc = write_wfc_document(target, Path(workdir) / "wfc-auth.yaml")
        config = contract_config(
            target, wfc, max_examples=options.max_examples, scenarios=options.max_examples,
            seed=seed, rate_limit=rate, keep_going=True, disabled=off,
        )  # fmt: skip
        schema = load_schema(target, config, options.spec)
        name_issued_tokens(schema, target, secrets)
        collector = Collector(schema.raw_schema, secrets, target.base_url + "/tokens")
        collector.emails = {user.email: user.name for user in target.users if user.email}
        answers = traffic.Traffic(schema.raw_schema, target.base_url)
        answers.not_run = dict(report.context.checks_not_run)
        session = Session(schema, target, secrets, collector.add_own, answers)
        session.off = off
        session.login_all()
        spent = _drive(schema, deadline - time.monotonic(), collector, report, progress, answers)
        if not report.interrupted and not spent:
            try:
                spent = _own_phases(session, collector, deadline, report)
            except KeyboardInterrupt:
                _interrupted(report)
    report.duration = time.monotonic() - started
    report.cases = collector.cases + session.sent
    report.operations = sorted(collector.operations)
    report.deviations = collector.deviations()
    report.answered = collector.answered | session.answered
    _close(report, options, answers, spent)
    _scrub(report, secrets, target.base_url + "/tokens")
    return report


def _close(report: Report, options: RunOptions, answers: traffic.Traffic, spent: bool) -> None:
    """The report's coverage and its notes: the budget, the checks that could not run, and
    a coverage below --min-coverage."""
    coverage = report.coverage = answers.coverage()
    report.min_coverage = options.min_coverage
    if spent:
        report.budget_spent = True
        report.notes.append(
            f"the budget of {options.budget:g} s ended the run before every phase finished: "
            "this report covers what ran (not an interruption)"
        )
    for check, why in report.context.checks_not_run if report.context else ():
        if check_table.row_of(check).off is None:  # not run for this run's reason
            report.notes.append(f"{check} could not run: {why}")
    if report.coverage_short:
        report.notes.append(
            f"coverage {coverage.headline}: less than --min-coverage {options.min_coverage:g}%"
        )


class _NamingProvider:
    """An auth provider that names each credential it fetches as the user's token variable,
    the moment it is issued: a request carrying it is recorded with `${IMUZE_TOKEN}` whether
    or not schemathesis tells which identity sent it (a one-user run tells none)."""

    def __init__(self, provider: Any, secrets: Secrets, variable: str) -> None:
        self.provider, self.secrets, self.variable = provider, secrets, variable

    def get(self, case: Case[Any], context: AuthContext) -> Any:
        data = self.provider.get(case, context)
        values = [data] if isinstance(data, str) else []
        if isinstance(data, list):  # fixed headers: (name, value) pairs
            values = [value for _, value in data if isinstance(value, str)]
        for value in values:
            self.secrets.name(value, self.variable)
        return data

    def set(self, case: Case[Any], data: Any, context: AuthContext) -> None:
        self.provider.set(case, data, context)


def _naming(provider: Any, secrets: Secrets, variable: str) -> Any:
    """`provider` with what it fetches named (inside its cache, which schemathesis finds by
    its type to refresh it)."""
    if isinstance(provider, CachingAuthProvider):
        provider.provider = _naming(provider.provider, secrets, variable)
        return provider
    if isinstance(provider, SelectiveAuthProvider):
        provider.provider = _naming(provider.provider, secrets, variable)
        return provider
    return _NamingProvider(provider, secrets, variable)


def name_issued_tokens(schema: BaseSchema, target: Target, secrets: Secrets) -> None:
    """Name every token schemathesis's own auth fetches for the run, per user."""
    default = TOKEN_VARIABLES.get(target.users[0].name, "IMUZE_TOKEN") if target.users else ""
    providers = schema.auth.providers
    for n, provider in enumerate(providers):
        if isinstance(provider, EscalatingAuthProvider):
            for i, (inner, name) in enumerate(zip(provider.providers, provider.names, strict=True)):
                if name in TOKEN_VARIABLES:
                    provider.providers[i] = _naming(inner, secrets, TOKEN_VARIABLES[name])
        elif default:
            providers[n] = _naming(provider, secrets, default)


def run_context(target: Target, options: RunOptions, seed: int) -> RunContext:
    """The run's context: its spec (path and hash), users, seed, and the checks it runs."""
    path = options.spec or spec_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    ran, not_run = check_table.checks_of_run(len(target.users), options.behaviour)
    users = tuple(user.name for user in target.users)
    spec = str(options.spec) if options.spec is not None else None
    return RunContext(spec, str(path.resolve()), digest, users, seed, ran, not_run)


def _own_phases(session: Session, collector: Collector, deadline: float, report: Report) -> bool:
    """The boundary, scope and behavioural probes; True when the deadline stopped them."""
    answers = session.traffic
    assert answers is not None  # the runner's session records its answers
    prober = Prober(session, deadline, collector.add_probe, collector.add_error)
    answers.phase = traffic.PROBES
    prober.run()
    if not prober.out_of_time and time.monotonic() < deadline:
        answers.phase = traffic.SCOPE
        probe_list_scope(session, collector)
    if not prober.out_of_time and time.monotonic() < deadline and not session.off:  # on
        answers.phase = traffic.BEHAVIOUR
        done = probe_behaviour(session, collector)
        report.notes.append(
            f"the behavioural checks sent {done.sent} requests (at most {PER_CREATE} per "
            f"created resource, {PER_LIST} per list, {PER_LINK} per link, {PER_PATH} per path, "
            f"{PER_BODY} per request body, and logins up to {MIN_TOKENS} tokens)"
        )
        report.notes += [f"{check} could not run: {why}" for check, why in done.not_run]
        answers.not_run.update(done.not_run)
        answers.added = _added(done)
    return prober.out_of_time


def _added(done: Behaviour) -> AddedRequests:
    """The behavioural phase's requests per resource it created, and the bound it keeps."""
    created = sum(len(ids) for ids in done.created.values())
    per = done.create_requests / created if created else float(done.create_requests)
    return AddedRequests(done.sent, created, round(per, 2), PER_CREATE)


def _drive(
    schema: BaseSchema,
    budget: float,
    collector: Collector,
    report: Report,
    progress: Progress | None,
    answers: traffic.Traffic,
) -> bool:
    """Consume the engine's events until it finishes or the budget is spent (returns True)."""
    stream = from_schema(schema).execute()
    spent = threading.Event()

    def stop() -> None:
        spent.set()
        stream.stop()

    timer = threading.Timer(max(0.0, budget), stop)
    timer.daemon = True
    timer.start()
    try:
        for event in stream:
            if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
                collector.add_scenario(event.recorder)
                answers.add_scenario(event.recorder)
                if progress is not None:
                    progress(collector.cases, collector.distinct)
            elif isinstance(event, events.NonFatalError):
                collector.add_error(event.label, event.info.title, event.info.message)
            elif isinstance(event, events.FatalError):
                raise SetupError(f"the contract run failed: {one_line(str(event.exception))}")
            elif isinstance(event, events.PhaseFinished):
                _note_phase(event, report)
            elif isinstance(event, events.Interrupted) and not spent.is_set():
                # The engine says Interrupted both for Ctrl+C and for our own stop(): only the
                # former is an interruption.
                _interrupted(report)
    except KeyboardInterrupt:  # Ctrl+C (or SIGTERM, see imuze_cli) while we read its events
        stream.stop()
        _interrupted(report)
    finally:
        timer.cancel()
    return spent.is_set()


def _interrupted(report: Report) -> None:
    if not report.interrupted:
        report.interrupted = True
        report.notes.append("the run was interrupted: this report is partial")


def _note_phase(event: events.PhaseFinished, report: Report) -> None:
    reason = event.phase.skip_reason
    if reason == PhaseSkipReason.SERVER_UNAVAILABLE:
        raise SetupError("the API stopped answering during the run")
    if event.phase.name == PhaseName.STATEFUL_TESTING and reason is not None:
        report.notes.append(f"the stateful phase did not run: {reason.value}")


def _scrub(report: Report, secrets: Secrets, login_url: str) -> None:
    """Secrets out: named ones as variables in reproductions, the marker everywhere else."""
    for deviation in report.deviations:
        deviation.steps = [
            Step(
                step.method,
                secrets.to_variables(step.url),
                {k: secrets.to_variables(v) for k, v in step.headers.items()},
                secrets.to_variables(step.body) if step.body is not None else None,
                step.body_base64,
                step.note,
            )
            for step in deviation.steps
        ]
        deviation.curl = reproduction(deviation.steps, login_url) if deviation.steps else ""
        deviation.actual = secrets.scrub(deviation.actual)
        deviation.expected = secrets.scrub(deviation.expected)
        if deviation.fix:
            deviation.fix = secrets.scrub(deviation.fix)
        deviation.evidence = _without_signatures(
            json.loads(secrets.scrub(json.dumps(deviation.evidence, ensure_ascii=False)))
        )
    report.notes = [secrets.scrub(note) for note in report.notes]


def _without_signatures(value: Any) -> Any:
    """Evidence with the credentials of each URL it quotes (a presigned mp3_url's
    signature, user info) replaced by the marker, string by string."""
    if isinstance(value, str):
        return redact_url(value)
    if isinstance(value, list):
        return [_without_signatures(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_signatures(item) for key, item in value.items()}
    return value
