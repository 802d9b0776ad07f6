"""Fold the engine's recorded scenarios into distinct deviations, and learn the run's tokens."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemathesis.engine.recorder import CheckFailureInfo, RecordedScenario, ReproductionStep

from .describe import describe, operation_id
from .evidence import evidence_of
from .redact import Secrets
from .report import Deviation
from .shapes import one_line


class Collector:
    """Deviations keyed by (operation, check, status, location), each with its cases."""

    def __init__(self, spec: Mapping[str, Any], secrets: Secrets) -> None:
        self._spec = spec
        self._secrets = secrets
        self._deviations: dict[tuple[str, str, int | None, str], Deviation] = {}
        self._cases: dict[tuple[str, str, int | None, str], set[str]] = {}
        self.cases = 0
        self.operations: set[str] = set()

    def add_scenario(self, recorder: RecordedScenario) -> None:
        """Take in one finished scenario: its cases, tokens and failures."""
        self.cases += len(recorder.cases)
        for node in recorder.cases.values():
            self.operations.add(node.value.operation.label)
        self._learn_secrets(recorder)
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.failure_info is not None:
                    self._add_failure(recorder, case_id, check.name, check.failure_info)

    def add_error(self, operation: str, title: str, message: str) -> None:
        """A run error (e.g. a connection dropped mid-run) is a deviation of its own."""
        deviation = Deviation(
            operation=operation or "-",
            operation_id=operation or "-",
            check="error",
            status=None,
            location=title,
            expected="an HTTP answer",
            actual=one_line(message),
            fix=None,
            curl="",
            code="ERROR",
            title=title,
        )
        existing = self._deviations.setdefault(deviation.key, deviation)
        existing.count += 1

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

    def _add_failure(
        self, recorder: RecordedScenario, case_id: str, check: str, info: CheckFailureInfo
    ) -> None:
        failure = info.failure
        node = recorder.cases.get(case_id)
        if node is None:
            return
        case = node.value
        response = recorder.find_response(case_id=case_id)
        finding = describe(failure, case, response, self._spec)
        curl = _reproduction(recorder, case_id, info)
        deviation = Deviation(
            operation=case.operation.label,
            operation_id=operation_id(case),
            check=check,
            status=finding.status,
            location=finding.location,
            expected=finding.expected,
            actual=finding.actual,
            fix=finding.fix,
            curl=curl,
            code=failure.code,
            title=failure.title,
            evidence=evidence_of(failure, response),
        )
        self._deviations.setdefault(deviation.key, deviation)
        self._cases.setdefault(deviation.key, set()).add(case_id)

    def _learn_secrets(self, recorder: RecordedScenario) -> None:
        """Every credential the run sent, and every token an answer to POST /tokens issued."""
        for case_id, interaction in recorder.interactions.items():
            for name, values in interaction.request.headers.items():
                if name.lower() == "authorization":
                    self._secrets.add(*values)
            response = interaction.response
            node = recorder.cases.get(case_id)
            if response is None or node is None or not 200 <= response.status_code < 300:
                continue
            if node.value.operation.path.rstrip("/").endswith("/tokens"):
                try:
                    body = response.json()
                except ValueError:
                    continue
                if isinstance(body, Mapping) and isinstance(body.get("response"), str):
                    self._secrets.add(body["response"])


def _reproduction(recorder: RecordedScenario, case_id: str, info: CheckFailureInfo) -> str:
    """The curl lines that reproduce a failure: the requests it needs first (e.g. the owner's
    create before a peer's read), then the failing one."""
    failure = info.failure
    related = failure.related_case_ids()
    if related:
        steps = []
        for case in recorder.iter_chain_cases(case_id=case_id, related_case_ids=related):
            if case.id not in recorder.interactions:
                continue
            headers = dict(recorder.interactions[case.id].request.headers)
            flat = {name: values[0] for name, values in headers.items() if values}
            step = ReproductionStep.from_case(
                case, headers=flat, verify=True, roles=failure.identity_roles()
            )
            steps.append(step.curl)
        if steps:
            return "\n".join(steps)
    if info.steps:
        return "\n".join(step.curl for step in info.steps)
    return info.code_sample
