"""Every row reads as a sentence: for every failure kind schemathesis defines (walked from its
Failure class tree) and every check of its registry plus ours, the expected and actual halves
are plain English, never a schemathesis title or its raw message."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
import requests
import schemathesis
import schemathesis.openapi.checks as st_checks
from schemathesis.core import failures as st_failures
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response

from imuze_contract import checks as ours
from imuze_contract import checks_behave as ours_behave
from imuze_contract import checks_body as ours_body
from imuze_contract.catalog import check_names
from imuze_contract.config import spec_path
from imuze_contract.describe import describe
from imuze_contract.sentences import CHECK_SENTENCES, fallback

OP = "GET /songs/{id}"
PROSE = {"status_code": 404, "location": "error body", "expected": "an error body without x",
         "actual": "a 404 body with y", "suggestion": "fix it"}  # fmt: skip


def _json_schema_error() -> st_checks.JsonSchemaError:
    try:
        jsonschema_rs.validator_for({"type": "integer"}).validate("7")
    except jsonschema_rs.ValidationError as exc:
        return st_checks.JsonSchemaError(operation=OP, exc=exc, root_schema={"type": "integer"})
    raise AssertionError("no validation error")


#: One instance per failure class, its fields as the check that raises it would set them.
SAMPLES: dict[type[Failure], Any] = {
    st_failures.AcceptedNegativeData: dict(status_code=200, expected_statuses=["4xx"]),
    st_failures.ContentTypeServerError: dict(status_code=500),
    st_failures.CustomFailure: dict(title="Custom check failed", exception=ValueError("x")),
    st_failures.MalformedJson: dict(
        validation_message="Expecting value", document="<html>", position=0, lineno=1, colno=1
    ),
    st_failures.ResponseTimeExceeded: dict(elapsed=1500.0, deadline=1000.0),
    st_failures.ServerError: dict(status_code=500),
    st_checks.AllowHeaderMismatch: dict(
        allow_header="GET", missing_methods=["HEAD"], undocumented_methods=[]
    ),
    st_checks.ContentDeserializationError: {},
    st_checks.DiscriminatorMismatch: {},
    st_checks.EnsureResourceAvailability: dict(
        created_with="POST /songs", not_available_with="GET /songs/{id}"
    ),
    st_checks.IgnoredAuth: dict(scenario=st_checks.AuthScenario.NO_AUTH),
    st_checks.JsonSchemaError: None,  # built from a real validation error
    st_checks.MalformedMediaType: dict(actual="json", defined="application/json"),
    st_checks.MissingContentType: dict(media_types=["application/json"]),
    st_checks.MissingHeaderNotRejected: dict(
        header_name="Authorization", status_code=200, expected_statuses=[401]
    ),
    st_checks.MissingHeaders: dict(missing_headers=["Retry-After"]),
    st_checks.ObjectLevelAuthorizationViolation: dict(
        owner="demo", peer="other", owner_case_id="a"
    ),
    st_checks.RejectedPositiveData: dict(status_code=422, allowed_statuses=["2xx"]),
    st_checks.UndefinedContentType: dict(
        content_type="text/plain", defined_content_types=["application/json"]
    ),
    st_checks.UndefinedStatusCode: dict(
        status_code=418, defined_status_codes=["200", "404"], allowed_status_codes=[200, 404]
    ),
    st_checks.UnsupportedMethodResponse: dict(
        method="TRACE", status_code=200, failure_reason="wrong_status"
    ),
    st_checks.UseAfterFree: dict(free="DELETE /songs/1", usage="GET /songs/1"),
    **{
        cls: "prose"
        for cls in (
            ours.SpecProseDeviation,
            ours.MalformedIdNotRejectedWith400,
            ours.CountMismatch,
            ours.OtherResourceShown,
            ours_body.BodyUnderWrongContentType,
            ours_body.InternalsDisclosed,
            ours_body.CredentialsEchoed,
            ours_behave.ErrorCodeDisagrees,
            ours_behave.SoftError,
            ours_behave.DuplicateListed,
            ours_behave.SharedCacheable,
            ours_behave.CredentialedCors,
        )
    },
}


def _failure_classes() -> set[type[Failure]]:
    found: set[type[Failure]] = set()
    todo = [Failure]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _make(cls: type[Failure]) -> Failure:
    sample = SAMPLES[cls]
    if sample is None:
        return _json_schema_error()
    if sample == "prose":
        return cls(operation=OP, **PROSE)  # type: ignore[call-arg]
    message = f"{cls.__name__} raw message: Received: something"
    return cls(operation=OP, message=message, **sample)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def case() -> schemathesis.Case[Any]:
    schema = schemathesis.openapi.from_path(spec_path())
    return schema["/songs/{id}"]["GET"].Case(path_parameters={"id": 1})


def _response(status: int) -> Response:
    return Response(status, {"content-type": ["application/json"]}, b'{"id": 1}',
                    requests.PreparedRequest(), 0.01, True)  # fmt: skip


def test_every_failure_class_has_a_sample() -> None:
    # GraphQL's failures cannot occur: the contract is an OpenAPI spec.
    openapi = {
        cls for cls in _failure_classes() if not cls.__module__.startswith("schemathesis.graphql")
    }
    assert set(SAMPLES) == openapi


def _assert_plain(half: str, failure: Failure) -> None:
    assert half and half != "-"
    assert half != failure.title and half != type(failure).kind_title
    first = failure.message.strip().splitlines()[0] if failure.message.strip() else ""
    assert not first or half != first
    assert not half.startswith(("Received:", "Expected:", "Actual:"))


@pytest.mark.parametrize("cls", sorted(SAMPLES, key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_every_failure_kind_reads_as_expected_and_actual(
    cls: type[Failure], case: schemathesis.Case[Any]
) -> None:
    failure = _make(cls)
    status = getattr(failure, "status_code", None) or 404
    finding = describe(failure, case, _response(status), {"paths": {}}, "some_check")
    _assert_plain(finding.expected, failure)
    _assert_plain(finding.actual, failure)


def test_every_check_has_a_sentence_of_its_own() -> None:
    names = check_names()
    assert names - set(CHECK_SENTENCES) == set()
    failure = Failure(operation=OP, title="Some schemathesis title", message="raw: message")
    for name in names:
        halves = fallback(name, failure, 500)
        assert halves.expected == CHECK_SENTENCES[name]
        _assert_plain(halves.expected, failure)
        _assert_plain(halves.actual, failure)
