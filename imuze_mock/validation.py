"""The spec as the mock's rulebook: request bodies and (in strict mode) responses."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs

from imuze_ext._responses import packaged_spec

from .errors import ApiError

# A request body the mock refuses to read (400). The spec sets no such bound, so any cap is a
# limit a client can hit with valid data; 1 MiB is nginx's default `client_max_body_size`, far
# above what the spec's largest valid requests take (`imuze contract`'s boundary probes send a
# 65,536-character title; a 64 KiB cap refused it with 400).
MAX_BODY_BYTES = 1024 * 1024
_HUGE_DIGITS = 400  # integers longer than this stay huge without a costly (or refused) int()


def load_spec() -> dict[str, Any]:
    """The OpenAPI document shipped with the package (parsed once; do not change it)."""
    return packaged_spec()


def _compile(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    """A validator for a schema fragment whose ``$ref``s point into the spec's components."""
    root = {"components": load_spec()["components"], **schema}
    return jsonschema_rs.Draft202012Validator(root)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        keys = [key for key, _ in pairs]
        duplicate = next(key for i, key in enumerate(keys) if key in keys[:i])
        raise ApiError(400, f"{duplicate}: duplicate key in the JSON body", duplicate)
    return result


def _parse_int(text: str) -> int:
    if len(text) > _HUGE_DIGITS:
        huge: int = 10**_HUGE_DIGITS
        return -huge if text.startswith("-") else huge
    return int(text)


def _refuse_constant(name: str) -> Any:
    raise ApiError(400, f"invalid JSON: {name} is not a JSON number")


def parse_json(raw: bytes) -> Any:
    """Decode a request body, or raise a 400 saying why it is not JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid JSON: the body is not UTF-8") from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_reject_duplicates,
            parse_int=_parse_int,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise ApiError(400, "invalid JSON: nested too deeply") from None


def _describe(error: jsonschema_rs.ValidationError) -> tuple[str | None, str]:
    """The offending field (dotted path) and what is wrong with it."""
    path = [str(part) for part in error.instance_path]
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        path.append(str(kind.property))
        problem = "is required"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        problem = f"must be of type {' or '.join(str(t) for t in kind.types)}"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Pattern):
        problem = f"must match {kind.pattern}"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.MinLength):
        problem = f"must be at least {kind.limit} characters long"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Minimum):
        problem = f"must be >= {kind.limit}"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Maximum):
        problem = f"must be <= {kind.limit}"
    else:
        problem = error.message[:200]
    field = ".".join(path) or None
    return field, problem


class BodyValidator:
    """Checks a parsed request body against one of the spec's request schemas."""

    def __init__(self, schema_name: str) -> None:
        self._validator = _compile({"$ref": f"#/components/schemas/{schema_name}"})

    def check(self, body: Any) -> None:
        """Raise a 422 naming the first offending field, if the body breaks the schema."""
        for error in self._validator.iter_errors(body):
            field, problem = _describe(error)
            raise ApiError(422, f"{field or 'body'}: {problem}", field)


class SpecViolation(AssertionError):
    """The mock was about to answer something the spec does not allow (strict mode)."""


class ResponseChecker:
    """Strict mode: every answer of a spec operation must match the spec's response."""

    def __init__(self) -> None:
        self._validators: dict[tuple[str, int], jsonschema_rs.Validator | None] = {}
        self._responses: dict[str, dict[str, Any]] = {}
        for path_item in load_spec()["paths"].values():
            for operation in path_item.values():
                self._responses[operation["operationId"]] = operation["responses"]

    def _validator(self, operation_id: str, status: int) -> jsonschema_rs.Validator | None:
        key = (operation_id, status)
        if key not in self._validators:
            response = self._responses[operation_id].get(str(status))
            if response is None:
                raise SpecViolation(f"{operation_id} may not answer {status}")
            if "$ref" in response:
                name = response["$ref"].rsplit("/", 1)[1]
                response = load_spec()["components"]["responses"][name]
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            self._validators[key] = _compile(schema) if schema else None
        return self._validators[key]

    def check(self, operation_id: str, status: int, body: bytes | memoryview) -> None:
        """Raise SpecViolation unless ``body`` is a documented answer of the operation."""
        validator = self._validator(operation_id, status)
        if validator is None:
            return
        instance = json.loads(bytes(body))
        for error in validator.iter_errors(instance):
            raise SpecViolation(f"{operation_id} {status}: {error.message[:300]}")
