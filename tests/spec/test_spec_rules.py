"""The rule table is complete by construction.

- Every keyword of JSON Schema 2020-12 (the validation, applicator, unevaluated,
  format-annotation, meta-data, content and core vocabularies, read from the meta-schemas
  that jsonschema-specifications ships), of the OpenAPI schema vocabulary and of every
  OpenAPI 3.1 object (read from the schema openapi-spec-validator ships) is claimed by a
  rule or declared neutral with a reason; never both, and no rule claims a keyword that is
  not in the vocabulary.
- Every wire rule has a fixture edit in the corpus; every Python rule is asserted by a test.
"""

from __future__ import annotations

import ast
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from spec_edits import apply, cases, real_spec

from imuze_spec import rules
from imuze_spec._neutral import NEUTRAL
from imuze_spec.findings import Level
from imuze_spec.load import Spec
from imuze_spec.wire import wire_findings

VOCABULARIES = (
    "validation",
    "applicator",
    "unevaluated",
    "format-annotation",
    "meta-data",
    "content",
    "core",
)
HERE = Path(__file__).resolve().parent


def _read(package: str, path: str) -> Any:
    return json.loads((files(package) / path).read_text(encoding="utf-8"))


def _fields(node: Any, into: set[str]) -> None:
    """Every property name anywhere in an object's schema (its $defs, allOf, if/then...)."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            into.update(node["properties"])
        for value in node.values():
            _fields(value, into)
    elif isinstance(node, list):
        for value in node:
            _fields(value, into)


def vocabulary() -> set[str]:
    """`schema.<keyword>` for JSON Schema and the OAS dialect; `<object>.<field>` for OAS."""
    found: set[str] = set()
    for name in VOCABULARIES:
        meta = _read("jsonschema_specifications", f"schemas/draft202012/vocabularies/{name}")
        found |= {f"schema.{keyword}" for keyword in meta["properties"]}
    base = _read("openapi_schema_validator", "schemas/oas3.1/vocabularies/base")
    found |= {f"schema.{keyword}" for keyword in base["properties"]}
    for name, node in base["$defs"].items():
        found |= {f"{name}.{field}" for field in node.get("properties", {})}
    oas = _read("openapi_spec_validator", "resources/schemas/v3.1/schema.json")
    found |= {f"openapi.{field}" for field in oas["properties"]}
    for name, node in oas["$defs"].items():
        fields: set[str] = set()
        _fields(node, fields)
        found |= {f"{name}.{field}" for field in fields}
        if node.get("patternProperties") or node.get("additionalProperties") not in (None, False):
            found.add(f"{name}.*")  # a map: its keys are names (paths, statuses, media types)
    return found


WIRE = [r for r in rules.RULES.values() if r.side == "wire"]
PYTHON = [r for r in rules.RULES.values() if r.side == "python"]
CLAIMED = {keyword for r in WIRE for keyword in r.keywords}


def test_the_vocabulary_is_read_not_written() -> None:
    words = vocabulary()
    for sample in (
        "schema.multipleOf",
        "schema.unevaluatedProperties",
        "schema.contentEncoding",
        "server-variable.enum",
        "security-scheme.name",
        "parameter.allowReserved",
        "encoding.explode",
        "link.operationId",
        "openapi.webhooks",
        "schema.discriminator",
    ):
        assert sample in words
    assert len(words) > 180


@pytest.mark.parametrize("keyword", sorted(vocabulary()))
def test_every_keyword_is_claimed_by_a_rule_or_neutral(keyword: str) -> None:
    claimed, neutral = keyword in CLAIMED, keyword in NEUTRAL
    assert claimed or neutral, f"{keyword}: no rule judges it and it is not declared neutral"
    assert not (claimed and neutral), f"{keyword}: claimed by a rule and declared neutral"


def test_rules_and_neutral_list_name_only_real_keywords() -> None:
    words = vocabulary()
    assert sorted((CLAIMED | set(NEUTRAL)) - words) == []
    assert all(reason.strip() for reason in NEUTRAL.values())


def test_every_rule_is_well_formed() -> None:
    for r in rules.RULES.values():
        assert re.fullmatch(r"[a-z][a-z0-9-]+", r.id), r.id
        assert r.direction in rules.DIRECTIONS, r.id
        assert r.description and r.keywords, r.id
        assert r.side == "wire" or r.id.startswith("python-"), r.id


def test_every_wire_rule_has_a_fixture_edit() -> None:
    fired = {kind for case in CASES for _, side, kind in case.expect if side == "wire"}
    assert sorted(r.id for r in WIRE if r.id not in fired) == []


def test_every_python_rule_is_asserted_by_a_test() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_spec_python*.py"))
    sources += "\n".join(" ".join(triple) + " " for case in CASES for triple in case.python or [])
    asserted = {r.id for r in PYTHON if re.search(rf"[\"' ]{re.escape(r.id)}[\"' ]", sources)}
    assert sorted(r.id for r in PYTHON if r.id not in asserted) == []


def test_a_finding_that_names_no_rule_is_refused() -> None:
    with pytest.raises(rules.UnknownRuleError):
        rules.level_of("no-such-rule")


def test_a_finding_takes_its_level_from_the_table() -> None:
    for row in rules.RULES.values():
        assert rules.level_of(row.id) is row.level
    # A softening is deliberate: only below the rule's level, and only where the rule says when.
    assert rules.level_of("default-changed", Level.INFO) is Level.INFO
    with pytest.raises(rules.UnknownRuleError, match="never reported lower"):
        rules.level_of("server-url-changed", Level.WARN)
    with pytest.raises(rules.UnknownRuleError):
        rules.level_of("default-changed", Level.ERR)  # above its rule's level


def test_no_report_site_repeats_a_rules_level() -> None:
    """A level is written once, in the table: the sites that make a finding name the rule,
    and pass a level only as a keyword `softened=`."""
    levels = {"ERR", "WARN", "INFO"}
    repeated = []
    for path in sorted(Path(rules.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in ("emit", "add") or not node.args:
                continue
            first = node.args[0]
            branches = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            if any(ast.unparse(b).rsplit(".", 1)[-1] in levels | {"level"} for b in branches):
                repeated.append(f"{path.name}:{node.lineno} {ast.unparse(first)}")
    assert repeated == []


def test_the_table_renders_as_text_and_json() -> None:
    listed = json.loads(rules.as_json(rules.RULES.values()))
    assert {row["id"] for row in listed} == set(rules.RULES)
    text = rules.as_text(rules.RULES.values())
    assert "ERR  wire   document server-url-changed" in text


BASE = real_spec()
CASES = cases()

# A value for each schema keyword a rule claims; the probe adds it to a schema that had none.
SAMPLES: dict[str, Any] = {
    "type": "integer",
    "format": "email",
    "enum": ["x"],
    "const": "x",
    "multipleOf": 5,
    "maximum": 9,
    "exclusiveMaximum": 9,
    "minimum": 1,
    "exclusiveMinimum": 1,
    "maxLength": 3,
    "minLength": 3,
    "pattern": "^x$",
    "maxItems": 1,
    "minItems": 1,
    "uniqueItems": True,
    "maxContains": 1,
    "minContains": 2,
    "maxProperties": 1,
    "minProperties": 1,
    "required": ["x"],
    "dependentRequired": {"x": ["y"]},
    "prefixItems": [{"type": "string"}],
    "items": {"type": "string"},
    "contains": {"const": "x"},
    "additionalProperties": False,
    "properties": {"x": {"type": "string"}},
    "patternProperties": {"^x": {"type": "string"}},
    "dependentSchemas": {"x": {"required": ["y"]}},
    "propertyNames": {"maxLength": 3},
    "if": {"required": ["x"]},
    "then": {"required": ["y"]},
    "else": {"required": ["z"]},
    "anyOf": [{"type": "string"}, {"type": "integer"}],
    "oneOf": [{"type": "string"}, {"type": "integer"}],
    "not": {"const": "x"},
    "unevaluatedItems": False,
    "unevaluatedProperties": False,
    "contentEncoding": "base64",
    "contentMediaType": "text/plain",
    "contentSchema": {"type": "object"},
    "title": "x",
    "description": "x",
    "default": "x",
    "deprecated": True,
    "readOnly": True,
    "writeOnly": True,
    "examples": ["x"],
    "example": "x",
    "externalDocs": {"url": "x"},
    "discriminator": {"propertyName": "x"},
}


def _probe(keyword: str, owner: str) -> set[str]:
    """Rules that fire when `keyword` is added to a property of `owner` (sent or received)."""

    where = f"/components/schemas/{owner}/properties/probe"
    old = apply(BASE, [{"op": "add", "path": where, "value": {}}])
    if keyword == "required":  # `required` names properties: give the probe one to require
        old = apply(old, [{"op": "add", "path": where, "value": {"properties": {"x": {}}}}])
    new = apply(old, [{"op": "add", "path": f"{where}/{keyword}", "value": SAMPLES[keyword]}])
    return {f.id for f in wire_findings(Spec("old", old), Spec("new", new))}


@pytest.mark.parametrize(
    "keyword", sorted(k.split(".", 1)[1] for k in CLAIMED if k.startswith("schema."))
)
def test_every_claimed_schema_keyword_is_judged_by_a_rule_that_claims_it(keyword: str) -> None:
    """Claims are checked, not trusted: adding the keyword fires a rule claiming it."""
    fired = _probe(keyword, "SongCreate") | _probe(keyword, "Song")
    claiming = {r.id for r in WIRE if f"schema.{keyword}" in r.keywords}
    assert fired & claiming, (
        f"schema.{keyword}: fired {sorted(fired)}, claimed by {sorted(claiming)}"
    )
