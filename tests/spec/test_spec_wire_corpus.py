"""The wire verdict over the spec-edit corpus (tests/spec/edits): exact findings per edit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from spec_edits import Case, cases

from imuze_spec.findings import Level
from imuze_spec.load import Spec
from imuze_spec.wire import wire_findings

CASES = cases()
TODAY = dt.date(2026, 11, 25)


def spec(name: str, doc: dict[str, object]) -> Spec:
    return Spec(name, doc)  # the wire verdict reads the document, never its text


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_wire_findings_are_exactly_the_expected_ones(case: Case) -> None:
    found = wire_findings(spec("old", case.old), spec("new", case.new), today=TODAY)
    got = sorted((f.level.name, f.side, f.id) for f in found)
    assert got == case.expect, f"{case.about}:\n" + "\n".join(
        f"  {f.level.name} {f.id} at {f.location}: {f.message}" for f in found
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_no_finding_repeats(case: Case) -> None:
    found = wire_findings(spec("old", case.old), spec("new", case.new), today=TODAY)
    prints = [f.fingerprint for f in found]
    assert len(prints) == len(set(prints))


def by_name(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def test_a_shared_component_change_is_one_finding_with_every_operation_it_reaches() -> None:
    case = by_name("52-shared-error-body")
    (finding,) = wire_findings(spec("old", case.old), spec("new", case.new), today=TODAY)
    assert finding.operation == ""
    assert finding.location == "#/components/schemas/Error/properties/message"
    operations = {op["operationId"] for item in case.new["paths"].values() for op in item.values()}
    assert set(finding.operations) == operations


def test_a_shared_parameter_change_names_both_operations() -> None:
    case = by_name("22-shared-parameter-minimum-up")
    (finding,) = wire_findings(spec("old", case.old), spec("new", case.new), today=TODAY)
    assert finding.operations == ("getArrangement", "getSong")
    assert finding.location == "#/components/parameters/Id/schema/minimum"


def test_an_inline_change_belongs_to_its_operation() -> None:
    case = by_name("04-new-required-parameter")
    (finding,) = wire_findings(spec("old", case.old), spec("new", case.new), today=TODAY)
    assert finding.operation == "listSongs"
    assert finding.location == "#/paths/~1songs/get/parameters/page"


def test_the_extensible_enum_is_read_from_the_spec_not_from_its_name() -> None:
    """Closing AnySongStatus (dropping its any-string branch) makes a new status a WARN."""
    case = by_name("38-status-value-added")
    closed = {**case.new, "components": {**case.new["components"]}}
    schemas = dict(case.new["components"]["schemas"])
    schemas["AnySongStatus"] = {"anyOf": [{"$ref": "#/components/schemas/SongStatus"}]}
    closed["components"]["schemas"] = schemas
    old_schemas = dict(case.old["components"]["schemas"])
    old_schemas["AnySongStatus"] = schemas["AnySongStatus"]
    old = {**case.old, "components": {**case.old["components"], "schemas": old_schemas}}
    (finding,) = wire_findings(spec("old", old), spec("new", closed), today=TODAY)
    assert (finding.level, finding.id) == (Level.WARN, "response-enum-value-added")


def test_fingerprints_are_stable_and_ignore_the_message() -> None:
    case = by_name("08-new-required-request-property")
    first = wire_findings(spec("old", case.old), spec("new", case.new), today=TODAY)
    again = wire_findings(spec("old", case.old), spec("new", case.new), today=TODAY)
    assert [f.fingerprint for f in first] == [f.fingerprint for f in again]
    assert re.fullmatch(r"[0-9a-f]{16}", first[0].fingerprint)
    reworded = dataclasses.replace(first[0], message="something else entirely")
    assert reworded.fingerprint == first[0].fingerprint


# The issue's table, row by row: the finding id (and level) each row is reported as.
TABLE = {
    "operation removed": ("ERR", "operation-removed"),
    "... unless deprecated past its x-sunset": ("INFO", "operation-removed-after-sunset"),
    "new required parameter": ("ERR", "request-parameter-added-required"),
    "new required request property": ("ERR", "request-property-added-required"),
    "new required body": ("ERR", "request-body-added-required"),
    "parameter became required": ("ERR", "request-parameter-became-required"),
    "request property became required": ("ERR", "request-property-became-required"),
    "request type changed": ("ERR", "request-type-changed"),
    "... INFO when generalized": ("INFO", "request-type-generalized"),
    "request enum value removed": ("ERR", "request-enum-value-removed"),
    "request property became not-nullable": ("ERR", "request-became-not-nullable"),
    "request constraint tightened": ("ERR", "request-constraint-tightened"),
    "request media type removed": ("ERR", "request-media-type-removed"),
    "oneOf/anyOf branch removed in a request": ("ERR", "request-branch-removed"),
    "success status removed": ("ERR", "response-success-status-removed"),
    "response media type removed": ("ERR", "response-media-type-removed"),
    "required response property removed": ("ERR", "response-required-property-removed"),
    "response property became optional": ("ERR", "response-property-became-optional"),
    "response property became nullable": ("ERR", "response-became-nullable"),
    "response type changed": ("ERR", "response-type-changed"),
    "response type generalized": ("ERR", "response-type-generalized"),
    "oneOf branch added in a response": ("ERR", "response-branch-added"),
    "required response header removed": ("ERR", "response-required-header-removed"),
    "response constraint widened": ("ERR", "response-constraint-widened"),
    "request property removed": ("WARN", "request-property-removed"),
    "request parameter removed": ("WARN", "request-parameter-removed"),
    "optional response property removed": ("WARN", "response-optional-property-removed"),
    "response enum value added": ("WARN", "response-enum-value-added"),
    "... compatible when the schema is extensible": ("INFO", "response-enum-value-added"),
    "an addition": ("INFO", "operation-added"),
    "a description or example": ("INFO", "documentation-changed"),
    "a deprecation": ("INFO", "deprecated"),
}


@pytest.mark.parametrize("row", list(TABLE), ids=list(TABLE))
def test_every_row_of_the_table_has_a_fixture(row: str) -> None:
    level, kind = TABLE[row]
    assert any((level, "wire", kind) in case.expect for case in CASES), row
