"""Fold what the run finds into distinct deviations, and learn the run's tokens.

Three sources: the engine's recorded scenarios, the runner's own requests (logins, probes and
their set-up: session.py), and the boundary probes' findings (probes.py). Each failure becomes
a deviation keyed by (operation, check, status, location), with the requests that reproduce
it as steps (steps.py), built from what was sent, not from schemathesis's masked curl lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.engine.recorder import CheckFailureInfo, RecordedScenario
from schemathesis.generation.case import Case

from .describe import describe, operation_id
from .evidence import evidence_of
from .probe_values import Slot
from .probes import ProbeFinding
from .redact import TOKEN_VARIABLES, Secrets
from .report import Deviation
from .session import Operation
from .shapes import one_line
from .steps import Step, reproduction

Key = tuple[str, str, int | None, str]


class Collector:
    """Deviations keyed by (operation, check, status, location), each with its cases."""

    def __init__(self, spec: Mapping[str, Any], secrets: Secrets, login_url: str) -> None:
        self._spec = spec
        self._secrets = secrets
        self._login_url = login_url
        self._deviations: dict[Key, Deviation] = {}
        self._cases: dict[Key, set[str]] = {}
        self.cases = 0
        self.operations: set[str] = set()
        # Users by email, so that a token issued to a login is named for its user.
        self.emails: dict[str, str] = {}
        # (operationId, status) of every answer seen.
        self.answered: set[tuple[str, int]] = set()

    def add_scenario(self, recorder: RecordedScenario) -> None:
        """Take in one finished scenario: its cases, tokens and failures."""
        self.cases += len(recorder.cases)
        for node in recorder.cases.values():
            self.operations.add(node.value.operation.label)
        self._learn_secrets(recorder)
        for case_id, interaction in recorder.interactions.items():
            answered = recorder.cases.get(case_id)
            if answered is not None and interaction.response is not None:
                status = interaction.response.status_code
                self.answered.add((operation_id(answered.value), status))
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.failure_info is not None:
                    self._add_recorded(recorder, case_id, check.name, check.failure_info)

    def add_error(self, operation: str, title: str, message: str) -> None:
        """A run error (e.g. a connection dropped mid-run) is a deviation of its own."""
        deviation = Deviation(
            operation=operation or "-", operation_id=operation or "-", check="error",
            status=None, location=title, expected="an HTTP answer", actual=one_line(message),
            fix=None, curl="", code="ERROR", title=title,
        )  # fmt: skip
        existing = self._deviations.setdefault(deviation.key, deviation)
        existing.count += 1

    def add_own(
        self, operation: Operation, case: Case[Any], response: Response, check: str,
        failure: Failure, steps: list[Step],
    ) -> None:  # fmt: skip
        """A failure found in an answer to one of the runner's own requests."""
        self.operations.add(operation.label)
        self._add(case, response, check, failure, steps, f"own-{len(self._cases)}-{check}")

    def add_probe(
        self, slot: Slot, finding: ProbeFinding, response: Response, expected: str,
        actual: str, fix: str, steps: list[Step],
    ) -> None:  # fmt: skip
        """A boundary probe that failed, reported once with its limit."""
        deviation = Deviation(
            operation=f"{slot.method} {slot.path}", operation_id=slot.operation_id,
            check=finding.check, status=finding.status, location=slot.location,
            expected=expected, actual=actual, fix=fix, curl=self._curl(steps),
            code="IMZ300", title="Allowed value refused", steps=steps, probe=finding.to_dict(),
        )  # fmt: skip
        self._deviations.setdefault(deviation.key, deviation)
        self._cases.setdefault(deviation.key, set()).add(f"probe-{finding.failing}")

    def add_deviation(self, deviation: Deviation, case_id: str) -> None:
        """A deviation one of the runner's own phases found (its curl made here)."""
        if not deviation.curl:
            deviation.curl = self._curl(deviation.steps)
        self._deviations.setdefault(deviation.key, deviation)
        self._cases.setdefault(deviation.key, set()).add(case_id)

    @property
    def distinct(self) -> int:
        """How many distinct deviations so far."""
        return len(self._deviations)

    def deviations(self) -> list[Deviation]:
        """Every distinct deviation, its count set."""
        for key, deviation in self._deviations.items():
            if key in self._cases:
                deviation.count = len(self._cases[key])
        return list(self._deviations.values())

    def _add(
        self, case: Case[Any], response: Response | None, check: str, failure: Failure,
        steps: list[Step], case_id: str,
    ) -> None:  # fmt: skip
        finding = describe(failure, case, response, self._spec, check)
        deviation = Deviation(
            operation=case.operation.label, operation_id=operation_id(case), check=check,
            status=finding.status, location=finding.location, expected=finding.expected,
            actual=finding.actual, fix=finding.fix, curl=self._curl(steps), code=failure.code,
            title=failure.title, steps=steps, evidence=evidence_of(failure, response, case),
        )  # fmt: skip
        kept = self._deviations.setdefault(deviation.key, deviation)
        if kept is not deviation and steps:
            # The latest case reproduces best: a 404 for an id that did not exist yet may be a
            # 200 once the run has created that id, so the reproduction follows the state.
            kept.steps, kept.curl = deviation.steps, deviation.curl
        self._cases.setdefault(deviation.key, set()).add(case_id)

    def _curl(self, steps: list[Step]) -> str:
        return reproduction(steps, self._login_url) if steps else ""

    def _add_recorded(
        self, recorder: RecordedScenario, case_id: str, check: str, info: CheckFailureInfo
    ) -> None:
        node = recorder.cases.get(case_id)
        if node is None:
            return
        response = recorder.find_response(case_id=case_id)
        steps = self._steps(recorder, case_id, info.failure)
        self._add(node.value, response, check, info.failure, steps, case_id)

    def _steps(self, recorder: RecordedScenario, case_id: str, failure: Failure) -> list[Step]:
        """The requests a failure needs (e.g. the owner's create before a peer's read), then
        the failing one, as they were sent."""
        ids = [case_id]
        related = failure.related_case_ids()
        roles = failure.identity_roles()
        if related:
            chain = recorder.iter_chain_cases(case_id=case_id, related_case_ids=related)
            ids = [case.id for case in chain] or ids
        steps = []
        for step_id in ids:
            interaction = recorder.interactions.get(step_id)
            node = recorder.cases.get(step_id)
            if interaction is None:
                continue
            request = interaction.request
            headers = {name: values[0] for name, values in request.headers.items() if values}
            step = Step.build(request.method, request.uri, headers, request.body, self._secrets)
            identity = node.value.auth_identity if node is not None else None
            if identity is not None and identity in roles:
                step = replace(step, note=f"as {identity} ({roles[identity]})")
            steps.append(step)
        return steps

    def _learn_secrets(self, recorder: RecordedScenario) -> None:
        """Every credential the run sent as a user, and every token a login issued."""
        for case_id, interaction in recorder.interactions.items():
            node = recorder.cases.get(case_id)
            identity = node.value.auth_identity if node is not None else None
            for name, values in interaction.request.headers.items():
                if name.lower() == "authorization" and identity is not None:
                    for value in values:
                        self._secrets.name(value, TOKEN_VARIABLES.get(identity, "IMUZE_TOKEN"))
            response = interaction.response
            if response is None or node is None or not 200 <= response.status_code < 300:
                continue
            if node.value.operation.path.rstrip("/").endswith("/tokens"):
                self._learn_token(node.value, response)

    def _learn_token(self, case: Case[Any], response: Response) -> None:
        try:
            body = response.json()
        except ValueError:
            return
        if not isinstance(body, Mapping) or not isinstance(body.get("response"), str):
            return
        sent: Mapping[str, Any] = case.body if isinstance(case.body, Mapping) else {}
        token = sent.get("token")
        email = token.get("email") if isinstance(token, Mapping) else None
        user = self.emails.get(str(email))
        if user is not None:
            self._secrets.name(body["response"], TOKEN_VARIABLES.get(user, "IMUZE_TOKEN"))
        else:
            self._secrets.add(body["response"])
