"""Normalization: the table's rows, and the review's defects that spelling or depth caused."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from spec_edits import real_spec

from imuze_spec._patterns import compare_patterns
from imuze_spec.findings import Level
from imuze_spec.load import Spec
from imuze_spec.normalize import NORMALIZATIONS, normalize
from imuze_spec.wire import MAX_DEPTH, SpecTooDeepError, wire_findings

BASE: dict[str, Any] = real_spec()


def _ids(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    found = wire_findings(Spec("old", old), Spec("new", new))
    return sorted((f.level.name, f.id) for f in found)


def test_every_row_cites_the_text_that_justifies_it() -> None:
    assert len({row.id for row in NORMALIZATIONS}) == len(NORMALIZATIONS)
    for row in NORMALIZATIONS:
        assert row.source.startswith(("OAS 3.1", "JSON Schema 2020-12")), row.id
        assert len(row.text) > 30 and row.applies_to and row.does, row.id


def test_normalize_keeps_the_text_and_leaves_the_input_alone() -> None:
    spec = Spec("s", copy.deepcopy(BASE), "text")
    out = normalize(spec)
    assert out.text == "text" and spec.doc == BASE and out.doc is not spec.doc


def _with_song_id(schema: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc["components"]["schemas"]["Song"]["properties"]["id"] = schema
    return doc


def test_all_of_number_and_integer_is_integer_so_a_change_to_string_is_an_err() -> None:
    old = _with_song_id({"allOf": [{"type": "number"}, {"type": "integer"}]})
    assert _ids(old, _with_song_id({"type": "integer"})) == []
    assert ("ERR", "response-type-changed") in _ids(old, _with_song_id({"type": "string"}))


def test_a_bound_beside_a_ref_applies() -> None:
    old = copy.deepcopy(BASE)
    old["components"]["schemas"]["Text"] = {"type": "string"}
    old["components"]["schemas"]["SongCreate"]["properties"]["title"] = {
        "$ref": "#/components/schemas/Text"
    }
    new = copy.deepcopy(old)
    new["components"]["schemas"]["SongCreate"]["properties"]["title"]["maxLength"] = 10
    assert ("ERR", "request-constraint-tightened") in _ids(old, new)


def _chain(length: int, last_type: str) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    schemas = doc["components"]["schemas"]
    for i in range(length):
        nxt = {"$ref": f"#/components/schemas/Link{i + 1}"}
        schemas[f"Link{i}"] = {"type": "object", "properties": {"next": nxt}}
    schemas[f"Link{length}"] = {"type": last_type}
    schemas["Song"]["properties"]["chain"] = {"$ref": "#/components/schemas/Link0"}
    return doc


def test_a_chain_of_600_refd_schemas_is_compared_without_crashing() -> None:
    assert ("ERR", "response-type-changed") in _ids(_chain(600, "string"), _chain(600, "integer"))


def test_schemas_deeper_than_the_documented_limit_are_a_named_error() -> None:
    with pytest.raises(SpecTooDeepError, match=f"more than {MAX_DEPTH} levels"):
        _ids(_chain(MAX_DEPTH * 2, "string"), _chain(MAX_DEPTH * 2, "integer"))


def test_a_ref_loop_is_finite() -> None:
    old = copy.deepcopy(BASE)
    old["components"]["schemas"]["Loop"] = {
        "type": "object",
        "properties": {"again": {"$ref": "#/components/schemas/Loop"}, "n": {"type": "integer"}},
    }
    old["components"]["schemas"]["Song"]["properties"]["loop"] = {
        "$ref": "#/components/schemas/Loop"
    }
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Loop"]["properties"]["n"]["type"] = "string"
    assert ("ERR", "response-type-changed") in _ids(old, new)


@pytest.mark.parametrize(
    ("old", "new", "relation"),
    [
        ("^[a-zA-Z ]*$", "^[ A-Za-z]*$", "same"),
        ("^[0-9]+$", "^\\d{1,}$", "same"),
        ("^[a-z0-9]+$", "^[a-z]+$", "narrower"),
        ("^[a-z]+$", "^[a-z_]+$", "wider"),
        ("^[a-z]+$", "^[a-z]{1,9}$", None),  # not proved either way: a WARN
        ("^[^a]$", "^[^b]$", None),
        ("(", "x", None),  # not a regex: undecided, never a crash
    ],
)
def test_patterns_are_compared_by_meaning(old: str, new: str, relation: str | None) -> None:
    assert compare_patterns(old, new) == relation


def test_an_undecidable_pattern_change_is_a_warn_never_an_err() -> None:
    new = copy.deepcopy(BASE)
    title = new["components"]["schemas"]["SongCreate"]["properties"]["title"]
    title["pattern"] = "^(?=[A-Z])[a-zA-Z ]*$"
    found = wire_findings(Spec("old", BASE), Spec("new", new))
    assert [(f.level, f.id) for f in found] == [(Level.WARN, "pattern-changed")]


def test_a_format_implied_by_bounds_is_dropped_on_a_nullable_integer_too() -> None:
    """Found by the metamorphic test: anyOf [integer with bounds, null] then format int32."""
    old = copy.deepcopy(BASE)
    prop = old["components"]["schemas"]["SongCreate"]["properties"]["desired_length"]
    new = copy.deepcopy(old)
    new_prop = new["components"]["schemas"]["SongCreate"]["properties"]["desired_length"]
    new_prop.clear()
    new_prop["anyOf"] = [{**prop, "type": "integer", "format": "int32"}, {"type": "null"}]
    prop["type"] = ["integer", "null"]
    assert _ids(old, new) == []
