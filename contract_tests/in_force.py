"""What the spec in force allows: the expectations of the spec-dependent contract tests, derived.

The spec is the packaged one (imuze_ext's loader), so that after an API change (the README's
loop, tests/test_loop_green.py) a test expects what the changed spec says, not today's text.
A behaviour is allowed when the spec documents its status and its body validates against the
documented schema, formats included (as `imuze contract`'s response check judges it).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

import jsonschema_rs

from imuze_ext._responses import _METHODS, packaged_spec

Spec = Mapping[str, Any]
Row = tuple[str, str, int, str]
"""A deviation as a contract run reports it: (operation, check, status, location)."""


def spec_in_force() -> Spec:
    """The spec the client, the mock and the contract runner hold to."""
    return packaged_spec()


def never(spec: Spec) -> bool:
    """Allowed by no spec: a server bug."""
    return False


def operation(spec: Spec, operation_id: str) -> dict[str, Any]:
    """The operation object of an operationId."""
    for item in spec["paths"].values():
        for method in _METHODS:
            op = item.get(method)
            if op and op.get("operationId") == operation_id:
                return dict(op)
    raise LookupError(operation_id)


def operation_ids(spec: Spec) -> set[str]:
    """Every operationId of the spec."""
    return {
        item[m]["operationId"] for item in spec["paths"].values() for m in _METHODS if m in item
    }


def deref(spec: Spec, node: Any) -> Any:
    """`node` with its local `$ref`s followed."""
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        node = functools.reduce(lambda at, key: at[key], node["$ref"][2:].split("/"), spec)
    return node


def documents(spec: Spec, operation_id: str, status: int) -> bool:
    """Whether the operation lists `status` (exactly, as `NXX`, or as `default`)."""
    responses = operation(spec, operation_id).get("responses", {})
    return any(key in responses for key in (str(status), f"{status // 100}XX", "default"))


def response_schema(spec: Spec, operation_id: str, status: int) -> Any:
    """The JSON schema of the operation's `status` answer, or None when it has none."""
    responses = operation(spec, operation_id).get("responses", {})
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in responses:
            content = deref(spec, responses[key]).get("content") or {}
            return (content.get("application/json") or {}).get("schema")
    return None


def valid(spec: Spec, schema: Any, value: Any) -> bool:
    """Whether `value` validates against `schema` (a fragment of `spec`), formats included."""
    root = {"components": spec.get("components", {}), **schema}
    validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
    return bool(validator.is_valid(json.loads(json.dumps(value))))


def allows_answer(spec: Spec, operation_id: str, status: int, body: Any) -> bool:
    """Whether the spec allows this answer: a documented status, and a body its schema takes
    (an answer without a schema is not judged)."""
    if not documents(spec, operation_id, status):
        return False
    schema = response_schema(spec, operation_id, status)
    return schema is None or valid(spec, schema, body)


def allows_property(spec: Spec, operation_id: str, status: int, at: str, value: Any) -> bool:
    """Whether the property at `at` (`/mp3_url`, `/response/*/mp3_url`) of the operation's
    answer may hold `value` (an undocumented answer is not judged here)."""
    node = response_schema(spec, operation_id, status)
    for part in at.strip("/").split("/"):
        node = deref(spec, node)
        if node is None:
            return True
        node = node.get("items") if part == "*" else node.get("properties", {}).get(part)
    return node is None or valid(spec, node, value)


def requires(spec: Spec, operation_id: str, status: int, at: str) -> bool:
    """Whether the property at `at` (`/status_channel`, `/response/*/mp3_url`) of the
    operation's answer is required where it sits."""
    *parents, name = at.strip("/").split("/")
    node = deref(spec, response_schema(spec, operation_id, status))
    for part in parents:
        node = node.get("items") if part == "*" else node.get("properties", {}).get(part)
        node = deref(spec, node)
        if node is None:
            return False
    return name in node.get("required", [])


def required_properties(spec: Spec, operation_id: str, status: int) -> list[str]:
    """The required properties of the operation's answer, in the spec's order."""
    return list(deref(spec, response_schema(spec, operation_id, status)).get("required", []))


def path_id_takes(spec: Spec, operation_id: str, value: str) -> bool:
    """Whether the operation's path parameter `id` takes `value` (True when it has none)."""
    for parameter in operation(spec, operation_id).get("parameters", []):
        parameter = deref(spec, parameter)
        if parameter.get("in") == "path" and parameter.get("name") == "id":
            return valid(spec, parameter.get("schema", {}), value)
    return True


# The rails dialect (imuze_mock/dialects.py), behaviour by behaviour: the row a contract run
# reports for it, and whether the spec allows it. Its extra fields (created_at, updated_at)
# are not listed: the spec's objects allow them, and no run reports them.
_RAILS_ERROR = {"error": "Couldn't find Song with 'id'=x"}
_RAILS_INVALID = {"errors": {"title": ["is too long"]}}
_RELATIVE_URLS = ("//127.0.0.1:8000/media/5.mp3", "/media/6.mp3")
_RAILS_ERRORS = {
    "createSong": (401, 404, 415, 422),
    "createToken": (400, 401, 415, 422),
    "getArrangement": (401, 404),
    "getSong": (401, 404),
    "listArrangements": (401,),
    "listSongs": (401,),
}
_RAILS_URLS = (
    ("getSong", "/mp3_url"),
    ("getSong", "/timeline_url"),
    ("listSongs", "/response/*/mp3_url"),
)


def rails_deviations(spec: Spec) -> set[Row]:
    """What the rails dialect does that `spec` does not allow, as a contract run reports it."""
    rows: set[Row] = set()
    for operation_id in ("createSong", "createToken"):  # 200, render json:'s default
        if not documents(spec, operation_id, 200):
            rows.add((operation_id, "status_code_conformance", 200, "status"))
    for operation_id, at in _RAILS_URLS:  # relative media URLs, both forms
        if not all(allows_property(spec, operation_id, 200, at, u) for u in _RELATIVE_URLS):
            rows.add((operation_id, "response_schema_conformance", 200, f"{at} (format)"))
    for operation_id in ("getArrangement", "getSong"):  # Song.find("abc"): 404, not 400
        if not path_id_takes(spec, operation_id, "abc"):
            rows.add((operation_id, "malformed_path_id_answers_400", 404, "path id"))
    for operation_id, statuses in _RAILS_ERRORS.items():  # Rails error bodies
        for status in statuses:
            shapes: list[tuple[Any, str]] = [(_RAILS_ERROR, "code, message")]
            if status == 422:
                shapes.append((_RAILS_INVALID, "code, error, message"))
            for body, lacks in shapes:
                schema = response_schema(spec, operation_id, status)
                if schema is not None and not valid(spec, schema, body):
                    rows.add(
                        (operation_id, "response_schema_conformance", status, f"/ lacks {lacks}")
                    )
    return rows
