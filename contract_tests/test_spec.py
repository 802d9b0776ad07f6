"""Checks of spec/openapi.yaml itself: validity, examples, coverage, and byte-stable generation."""

from __future__ import annotations

import copy
import filecmp
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "spec" / "openapi.yaml"
REFERENCE_PATH = ROOT / "spec" / "upstream" / "imuze-api-reference.md"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())


# The tests marked `loop` run again after the spec changed (tests/test_loop_green.py): they
# hold the spec in force to its own rules. The ones comparing it with the upstream reference
# (spec/upstream/) do not: after an API change, that document is upstream's to update.


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow one local `$ref`, as for responses and parameters."""
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def validator_for(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for a schema of the spec, its local `$ref`s resolvable.

    The spec's components ride along as an unknown keyword, so "#/components/..." resolves
    against the validator's root exactly as it does in the spec.
    """
    return jsonschema.Draft202012Validator(
        {"components": SPEC["components"], **schema},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


@pytest.mark.loop
def test_spec_is_valid_openapi_3_1() -> None:
    assert SPEC["openapi"].startswith("3.1")
    errors = [e.message for e in OpenAPIV31SpecValidator(SPEC).iter_errors()]
    assert errors == []


def test_operation_ids_are_unique_and_the_documented_six() -> None:
    ids = [op["operationId"] for _, _, op in operations()]
    assert len(ids) == len(set(ids))
    assert set(ids) == {
        "createToken",
        "listArrangements",
        "getArrangement",
        "createSong",
        "listSongs",
        "getSong",
    }


@pytest.mark.loop
def test_every_operation_has_one_tag_and_a_description() -> None:
    declared = {tag["name"] for tag in SPEC["tags"]}
    for _, _, op in operations():
        assert len(op["tags"]) == 1 and op["tags"][0] in declared
        assert op["summary"] and op["description"]


@pytest.mark.loop
def test_only_create_token_is_anonymous() -> None:
    for _, _, op in operations():
        anonymous = op.get("security", SPEC["security"]) == []
        assert anonymous == (op["operationId"] == "createToken")
    scheme = SPEC["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")


def expected_codes(path: str, op: dict[str, Any]) -> set[str]:
    """The error codes an operation can produce, from what it takes."""
    codes = {"406", "429", "500", "503"}
    if op.get("security", SPEC["security"]) != [] or op["operationId"] == "createToken":
        codes.add("401")  # createToken answers 401 for wrong credentials
    if op.get("security", SPEC["security"]) != []:
        codes.add("403")
    if "{id}" in path:
        codes |= {"400", "404"}
    if "requestBody" in op:
        codes |= {"400", "415", "422"}
    return codes


@pytest.mark.loop
def test_every_operation_documents_a_2xx_and_the_errors_it_can_produce() -> None:
    for path, _, op in operations():
        responses = op["responses"]
        assert any(code.startswith("2") for code in responses), op["operationId"]
        missing = expected_codes(path, op) - set(responses)
        assert not missing, f"{op['operationId']} lacks {sorted(missing)}"
        for code in responses:
            if code.startswith(("4", "5")):
                schema = resolve(responses[code])["content"]["application/json"]["schema"]
                assert _reads_as_error(schema), (op["operationId"], code, schema)


ERROR = {"$ref": "#/components/schemas/Error"}


def _reads_as_error(schema: dict[str, Any]) -> bool:
    """The error body is `Error`, or (an adopted proposal: `imuze contract --propose` adds
    each observed error shape beside it) an anyOf/oneOf with `Error` among its branches."""
    if schema == ERROR:
        return True
    resolved = resolve(schema)
    return any(ERROR in resolved.get(key, []) for key in ("anyOf", "oneOf"))


@pytest.mark.loop
def test_429_and_503_carry_retry_after() -> None:
    for _, _, op in operations():
        for code in ("429", "503"):
            assert "Retry-After" in resolve(op["responses"][code])["headers"]


def spec_examples() -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every (where, schema, example) pair in the spec."""
    for name, schema in SPEC["components"]["schemas"].items():
        if "example" in schema:
            yield f"schemas/{name}", schema, schema["example"]
    for path, method, op in operations():
        bodies = [("request", op.get("requestBody", {}))]
        bodies += [(code, resolve(r)) for code, r in op["responses"].items()]
        for where, body in bodies:
            for media in body.get("content", {}).values():
                assert "example" in media, f"{method} {path} {where} has no example"
                yield f"{method} {path} {where}", media["schema"], media["example"]


@pytest.mark.loop
@pytest.mark.parametrize(("where", "schema", "example"), list(spec_examples()))
def test_every_spec_example_validates(where: str, schema: dict[str, Any], example: Any) -> None:
    errors = [e.message for e in validator_for(schema).iter_errors(example)]
    assert errors == [], where


# --- the reference's own examples --------------------------------------------------------

# Section headings of the reference, mapped to operations.
REFERENCE_SECTIONS = {
    "Index arrangements": "listArrangements",
    "Show an arrangement": "getArrangement",
    "Token": "createToken",
    "Create a song": "createSong",
    "Index songs": "listSongs",
    "Show a song": "getSong",
}
# Range keywords: the reference's values are random filler, so only names and types count.
RANGE_KEYWORDS = {"minimum", "maximum", "minLength", "maxLength", "pattern", "format"}


def shape_only(node: Any) -> Any:
    """A copy of a schema that checks field names and JSON types, not ranges.

    Objects are closed (no unknown field names); `$ref`s are inlined.
    """
    if isinstance(node, list):
        return [shape_only(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return shape_only(resolve(node))
    out = {k: shape_only(v) for k, v in node.items() if k not in RANGE_KEYWORDS}
    if out.get("type") == "object":
        out["additionalProperties"] = False
    return out


def reference_examples() -> Iterator[tuple[str, str, Any]]:
    """(operationId, "request" | "response", payload) for each JSON block of the reference."""
    section = None
    fence = re.compile(r"```(json|moonscript)\n(.*?)```", re.S)
    text = REFERENCE_PATH.read_text()
    for chunk in re.split(r"^## ", text, flags=re.M)[1:]:
        heading = chunk.splitlines()[0].strip()
        section = REFERENCE_SECTIONS[heading]
        for lang, body in fence.findall(chunk):
            yield section, "request" if lang == "json" else "response", json.loads(body)


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    return next(o for o in operations() if o[2]["operationId"] == operation_id)


def test_reference_has_a_request_and_a_response_example_per_operation() -> None:
    seen = [(op_id, kind) for op_id, kind, _ in reference_examples()]
    assert sorted(seen) == sorted(
        (op_id, kind) for op_id in REFERENCE_SECTIONS.values() for kind in ("request", "response")
    )


@pytest.mark.parametrize(
    ("operation_id", "kind", "payload"),
    list(reference_examples()),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_reference_examples_match_schema_names_and_types(
    operation_id: str, kind: str, payload: Any
) -> None:
    _, method, op = operation(operation_id)
    if kind == "request" and "requestBody" not in op:
        # A rendering artifact: curl sends `-d '{}'` with GET. The only key it ever shows
        # is the path id, which the spec takes as a path parameter instead.
        assert method == "get"
        assert set(payload) <= {p["name"] for p in map(resolve, op.get("parameters", []))}
        return
    if kind == "request":
        schema = op["requestBody"]["content"]["application/json"]["schema"]
    else:
        success = next(code for code in op["responses"] if code.startswith("2"))
        schema = resolve(op["responses"][success])["content"]["application/json"]["schema"]
    errors = [e.message for e in validator_for(shape_only(schema)).iter_errors(payload)]
    assert errors == [], f"{operation_id} {kind}"


def test_shape_check_catches_a_renamed_field() -> None:
    schema = shape_only({"$ref": "#/components/schemas/Song"})
    good = {
        "id": 1,
        "title": "t",
        "status": "ready",
        "mp3_url": None,
        "arrangement_name": "a",
        "timeline_url": "u",
    }
    assert validator_for(schema).is_valid(good)
    renamed = copy.deepcopy(good)
    renamed["mp3"] = renamed.pop("mp3_url")
    assert not validator_for(schema).is_valid(renamed)
    assert not validator_for(schema).is_valid({**good, "id": "1"})


# --- generation ----------------------------------------------------------------------------


def generate(into: Path, spec: Path = SPEC_PATH) -> Path:
    out = into / "imuze_client"
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(ROOT / "spec" / "generator-config.yaml"),
            "--custom-template-path",
            str(ROOT / "spec" / "templates"),
            "--meta",
            "none",
            "--fail-on-warning",
            "--output-path",
            str(out),
        ],
        check=True,
        capture_output=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
    )
    return out


def same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if "__pycache__" not in p.parts)
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if "__pycache__" not in p.parts)
    if files_a != files_b:
        return False
    regular = [str(p) for p in files_a if (a / p).is_file()]
    _, mismatch, errors = filecmp.cmpfiles(a, b, regular, shallow=False)
    return not mismatch and not errors


@pytest.mark.loop
def test_generation_is_deterministic_and_matches_the_committed_client(tmp_path: Path) -> None:
    first = generate(tmp_path / "one")
    second = generate(tmp_path / "two")
    assert same_tree(first, second)
    assert same_tree(first, ROOT / "generated" / "imuze_client")


@pytest.mark.loop
def test_a_renamed_field_makes_the_committed_client_stale(tmp_path: Path) -> None:
    edited = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", edited)
    text = (edited / "openapi.yaml").read_text()
    (edited / "openapi.yaml").write_text(text.replace("arrangement_name", "arrangement_title"))
    out = generate(tmp_path / "out", edited / "openapi.yaml")
    assert not same_tree(out, ROOT / "generated" / "imuze_client")
