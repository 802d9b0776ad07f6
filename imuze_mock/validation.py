"""The spec as the mock's rulebook: request bodies and (in strict mode) responses."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema_rs
import numpy as np

from imuze_ext._responses import packaged_spec

from .config import MAX_JSON_DEPTH, MAX_JSON_KEYS, MAX_JSON_VALUES
from .errors import ApiError

_HUGE_DIGITS = 400  # integers longer than this stay huge without a costly (or refused) int()
# A \uD800-\uDFFF escape: the only way a JSON text can hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_QUOTE, _BACKSLASH, _COLON, _COMMA = (ord(c) for c in '"\\:,')
_STEP = np.zeros(256, dtype=np.int8)  # +1 for an opening bracket, -1 for a closing one
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1


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
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ApiError(400, f"{duplicate}: duplicate key in the JSON body", duplicate)
    return result


def _parse_int(text: str) -> int:
    if len(text) > _HUGE_DIGITS:
        huge: int = 10**_HUGE_DIGITS
        return -huge if text.startswith("-") else huge
    return int(text)


def _refuse_constant(name: str) -> Any:
    raise ApiError(400, f"invalid JSON: {name} is not a JSON number")


def structure(raw: bytes) -> tuple[int, int, int]:
    """The deepest nesting of arrays and objects in a JSON text, its count of object keys,
    and its count of values (scalars, arrays and objects; an empty array or object counts
    one more than it holds).

    One vectorised pass (numpy), linear in the size and before any parsing: brackets and
    colons inside strings do not count. For a text that is not JSON the figures are only
    estimates, and the parser refuses it anyway.
    """
    data = np.frombuffer(raw, dtype=np.uint8)
    if not data.size:
        return 0, 0, 0
    quotes = data == _QUOTE
    if raw.find(b"\\") >= 0:
        # A quote is escaped when an odd run of backslashes comes right before it.
        positions = np.arange(data.size, dtype=np.int32)
        last_other = np.maximum.accumulate(np.where(data != _BACKSLASH, positions, -1))
        escaped = np.zeros(data.size, dtype=bool)
        escaped[1:] = (positions[:-1] - last_other[:-1]) % 2 == 1
        quotes &= ~escaped
    # Outside every string: an even number of quotes so far, and not a quote itself.
    outside = (np.cumsum(quotes, dtype=np.int32) & 1 == 0) & ~quotes
    step = _STEP[data] * outside
    depth = int(np.cumsum(step, dtype=np.int32).max(initial=0))
    keys = int(np.count_nonzero((data == _COLON) & outside))
    values = 1 + int(np.count_nonzero(((data == _COMMA) | (step == 1)) & outside))
    return depth, keys, values


def _lone_surrogate(value: Any) -> str | None:
    """A lone surrogate in any string (key or value) of a parsed JSON value, if any."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if found := _SURROGATE.search(item):
                return f"\\u{ord(found[0]):04x}"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def parse_json(
    raw: bytes,
    max_depth: int = MAX_JSON_DEPTH,
    max_keys: int = MAX_JSON_KEYS,
    max_values: int = MAX_JSON_VALUES,
) -> Any:
    """Decode a request body, or raise a 400 saying why it is not JSON or is too large.

    The depth, key and value limits are checked first (``structure``), so that no parser or
    validator sees a text beyond them; a lone surrogate (``"\\ud800"``, which no UTF-8
    text can hold) is refused after parsing.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid JSON: the body is not UTF-8") from None
    depth, keys, values = structure(raw)
    if depth > max_depth:
        raise ApiError(400, f"invalid JSON: nested deeper than {max_depth} levels")
    if keys > max_keys:
        raise ApiError(400, f"invalid JSON: more than {max_keys} object keys")
    if values > max_values:
        raise ApiError(400, f"invalid JSON: more than {max_values} values")
    try:
        value = json.loads(
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
    if _SURROGATE_ESCAPE.search(raw) and (lone := _lone_surrogate(value)) is not None:
        raise ApiError(400, f"invalid JSON: {lone} is a lone surrogate, not a character")
    return value


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
        """Raise a 422 naming the first offending field, if the body breaks the schema.

        ``is_valid`` first: it stops at the first problem and builds no error, where listing
        the errors of a large invalid body costs time on the event loop.
        """
        try:
            if self._validator.is_valid(body):
                return
            self._validator.validate(body)
        except jsonschema_rs.ValidationError as error:
            field, problem = _describe(error)
            raise ApiError(422, f"{field or 'body'}: {problem}", field) from None
        except ValueError as exc:  # jsonschema-rs' own limits, e.g. "Recursion limit reached"
            raise ApiError(400, f"the body is too deep to check: {str(exc)[:200]}") from None


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
