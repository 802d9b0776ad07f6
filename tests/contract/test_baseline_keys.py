"""Baseline keys are exact enough that accepting one deviation never accepts another: a body
lacking fields names every field it lacks, a broken keyword other than `type` is named, and a
5xx names the kind of request that caused it. Property: for random pairs of deviations of one
operation's answer, accepting the first does not accept the second unless they are the same
deviation (each realized as an answer and judged by schemathesis's own checks, as a run
would)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.generation.modes import GenerationMode

from imuze_contract.config import spec_path
from imuze_contract.describe import describe, input_class
from imuze_contract.report import fingerprint_of
from imuze_contract.session import judge

# The spec alone, without the repository's schemathesis.toml (whose auth logs in).
SCHEMA = schemathesis.openapi.from_path(spec_path(), config=SchemathesisConfig())
SONG: dict[str, Any] = SCHEMA.raw_schema["components"]["schemas"]["Song"]["example"]
REQUIRED: list[str] = SCHEMA.raw_schema["components"]["schemas"]["Song"]["required"]
URL = "http://api.test/api/4/songs/42"
URIS = ("mp3_url", "timeline_url")  # format: uri

#: One deviation of getSong's 200 body: (kind, where).
Deviation = tuple[str, Any]
deviations = st.one_of(
    st.sets(st.sampled_from(REQUIRED), min_size=1).map(lambda s: ("missing", frozenset(s))),
    st.sampled_from(REQUIRED).map(lambda f: ("type", f)),
    st.sampled_from(URIS).map(lambda f: ("format", f)),
)


def _body(deviation: Deviation) -> dict[str, Any]:
    kind, where = deviation
    body = dict(SONG)
    if kind == "missing":
        return {key: value for key, value in body.items() if key not in where}
    body[where] = {"type": {"an": "object"}, "format": "relative/a.mp3"}[kind]
    return body


def _accepted_by(deviation: Deviation) -> set[str]:
    """The fingerprints a baseline accepting this deviation's rows lists."""
    case = SCHEMA["/songs/{id}"]["GET"].Case(path_parameters={"id": SONG["id"]})
    content = json.dumps(_body(deviation)).encode()
    response = Response(200, {"content-type": ["application/json"]}, content,
                        requests.Request("GET", URL).prepare(), 0.01, True)  # fmt: skip
    found = judge(case, response, ["response_schema_conformance"])
    assert found, deviation
    keys = set()
    for check, failure in found:
        finding = describe(failure, case, response, SCHEMA.raw_schema, check)
        keys.add(fingerprint_of("getSong", check, finding.status, finding.location))
    return keys


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deviations, deviations)
def test_accepting_one_deviation_accepts_no_other(first: Deviation, second: Deviation) -> None:
    accepted = _accepted_by(first)
    if first == second:
        assert _accepted_by(second) <= accepted
    else:
        assert not _accepted_by(second) <= accepted, (first, second)


def test_a_body_lacking_every_field_is_not_the_body_lacking_one() -> None:
    one = _accepted_by(("missing", frozenset({"timeline_url"})))
    every = _accepted_by(("missing", frozenset(REQUIRED)))
    assert one.isdisjoint(every)


@pytest.mark.parametrize("path, method", [("/songs", "POST"), ("/songs/{id}", "GET")])
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_5xx_names_the_kind_of_request_that_caused_it(
    path: str, method: str, data: st.DataObject
) -> None:
    operation = SCHEMA[path][method]
    positive = data.draw(operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    negative = data.draw(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    assert input_class(positive) == "request (schema-valid)"
    assert input_class(negative).startswith("request (invalid ")
    built = operation.Case(path_parameters={"id": 1})  # the runner's own requests
    assert input_class(built) == "request"
