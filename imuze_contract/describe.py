"""From one schemathesis failure to one deviation line: where, expected vs actual, and a fix.

The location is what makes two failures the same deviation: the response status for an
undocumented status, the body pointer for a schema mismatch (array items as `*`), the field
the server blamed for a rejected valid request, the part the fuzzer broke for an accepted
invalid one. The suggested spec edit is given only where the fix is mechanical.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schemathesis.core.failures import (
    AcceptedNegativeData,
    Failure,
    ServerError,
    reason_phrase,
)
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.openapi.checks import (
    IgnoredAuth,
    JsonSchemaError,
    MissingHeaderNotRejected,
    ObjectLevelAuthorizationViolation,
    RejectedPositiveData,
    UndefinedStatusCode,
)

from imuze_ext._responses import json_type

from . import sentences
from .check_table import row_of
from .checks import SpecProseDeviation
from .report import OPS
from .shapes import (
    object_keys,
    one_line,
    response_schema,
    scalar_text,
    schema_at,
    schema_shape,
    value_shape,
)


@dataclass(frozen=True)
class Finding:
    """One failure, described: its deviation key (with the check and operation) and its text."""

    status: int | None
    location: str
    expected: str
    actual: str
    # The fix with OPS for the operation (report.fix_for), None when it is not mechanical.
    fix: str | None


def operation_id(case: Case[Any]) -> str:
    """The spec's operationId of the case's operation (its label if it has none)."""
    raw = case.operation.definition.raw
    name = raw.get("operationId") if isinstance(raw, Mapping) else None
    return name if isinstance(name, str) else case.operation.label


def describe(
    failure: Failure,
    case: Case[Any],
    response: Response | None,
    spec: Mapping[str, Any],
    check: str = "",
) -> Finding:
    """Describe `failure`, found by `check` on `case` answered by `response`, against `spec`."""
    status = response.status_code if response is not None else None
    if isinstance(failure, SpecProseDeviation):
        return Finding(
            failure.status_code, failure.location, failure.expected, failure.actual,
            failure.suggestion,
        )  # fmt: skip
    shaped = sentences.halves(failure, status)
    if shaped is not None:
        return Finding(status, shaped.location, shaped.expected, shaped.actual, shaped.fix)
    if isinstance(failure, UndefinedStatusCode):
        return _undocumented_status(failure, case)
    if isinstance(failure, JsonSchemaError) and status is not None:
        return _schema_mismatch(failure, case, status, spec)
    if isinstance(failure, RejectedPositiveData):
        return _rejected_valid_request(failure, case, response)
    if isinstance(failure, AcceptedNegativeData):
        return _accepted_invalid_request(failure, case)
    if isinstance(failure, ServerError):
        reason = _server_reason(response)
        return Finding(
            failure.status_code, input_class(case),
            "no 5xx: a server error is never a contract answer",
            f"{failure.status_code} {reason_phrase(failure.status_code)}{reason}", None,
        )  # fmt: skip
    if isinstance(failure, IgnoredAuth):
        row = row_of("ignored_auth")
        return Finding(
            status, f"auth ({failure.scenario.value.replace('_', ' ')})", row.rule,
            f"{status}: served anyway", row.fix,
        )  # fmt: skip
    if isinstance(failure, ObjectLevelAuthorizationViolation):
        row = row_of("object_level_authorization")
        return Finding(
            status, "scope", row.rule,
            f"{status}: {failure.peer} read what {failure.owner} created", row.fix,
        )  # fmt: skip
    if isinstance(failure, MissingHeaderNotRejected):
        allowed = ", ".join(str(code) for code in failure.expected_statuses)
        return Finding(
            status, f"header {failure.header_name}", f"one of {allowed}",
            f"{failure.status_code} without {failure.header_name}",
            f"{OPS} does not require {failure.header_name}: fix the server",
        )  # fmt: skip
    shaped = sentences.fallback(check, failure, status)
    return Finding(status, shaped.location, shaped.expected, shaped.actual, shaped.fix)


def input_class(case: Case[Any]) -> str:
    """The kind of request that got an answer, for the key of a deviation that depends on it
    (a 5xx): `request (schema-valid)`, `request (invalid body)`, `request (invalid path,
    query)`; `request` for one the runner built itself."""
    meta = case.meta
    if meta is None:
        return "request"
    broken = sorted(
        location.name.lower()
        for location, component in meta.components.items()
        if component.mode.is_negative
    )
    return f"request (invalid {', '.join(broken)})" if broken else "request (schema-valid)"


def schema_location(pointer: list[str], keyword: str, missing: list[str]) -> str:
    """Where a schema mismatch is, exactly enough that accepting one never accepts another:
    the pointer (array items as `*`), the fields a `required` failure found missing (all of
    them: a body missing more is another deviation), and the keyword broken unless `type`."""
    location = "/" + "/".join(pointer)
    if keyword == "required" and missing:
        return f"{location} lacks {', '.join(missing)}"
    if keyword in ("", "type"):
        return location
    return f"{location} ({keyword})"


_REQUIRED = re.compile(r'^(".*") is a required property$')


def _undocumented_status(failure: UndefinedStatusCode, case: Case[Any]) -> Finding:
    documented = ", ".join(str(code) for code in failure.defined_status_codes)
    code = failure.status_code
    if 200 <= code < 300:
        hint = f"{OPS} answered {code}: add a {code} response, or fix the server"
    else:
        hint = f"{OPS} answered {code}: document {code} there, or fix the server"
    return Finding(code, "status", f"one of {documented}", f"{code} {reason_phrase(code)}", hint)


def _pointer(failure: JsonSchemaError) -> list[str]:
    return ["*" if isinstance(part, int) else str(part) for part in failure.instance_path]


def _schema_mismatch(
    failure: JsonSchemaError, case: Case[Any], status: int, spec: Mapping[str, Any]
) -> Finding:
    pointer = _pointer(failure)
    keyword = str(failure.schema_path[-1]) if failure.schema_path else ""
    raw = case.operation.definition.raw
    documented = response_schema(raw, status, spec) if isinstance(raw, Mapping) else None
    name, node = schema_at(documented, pointer, spec)
    keys = object_keys(node) if name else None
    expected = keys or (schema_shape(node, spec, depth=1) if node is not None else "its schema")
    expected = f"{name} {expected}" if name else expected
    instance = failure.instance
    actual = value_shape(instance)
    if not isinstance(instance, (dict, list)):
        actual = f"{scalar_text(instance)} ({json_type(instance)})"
    missing = _missing_fields(failure, node)
    location = schema_location(pointer, keyword, missing)
    at = "/" + "/".join(pointer)
    what = f"the {status} body" if not pointer else f"{at} in the {status} body"
    if keyword == "format" and isinstance(instance, str):
        return _bad_format(status, location, at, node, instance)
    if missing and isinstance(node, Mapping) and len(missing) * 2 <= len(node.get("required", ())):
        # A few fields short of the schema: name them, not the whole shape.
        fields = ", ".join(missing)
        hint = f"{what} of {OPS} lacks {fields}, which {name or 'the spec'} requires"
        return Finding(
            status, location, f"{name or 'an object'} with {fields}", f"{actual} (no {fields})",
            one_line(hint + ": fix the server, or make it optional in the spec", 200),
        )  # fmt: skip
    if not pointer and name:
        hint = (
            f"{what} of {OPS} is {actual}, not {name}: make the server answer "
            f"{name}, or document this shape for {status}"
        )
    else:
        hint = f"{what} of {OPS} is {actual}, the spec says {expected}"
    return Finding(status, location, one_line(expected), one_line(actual), one_line(hint, 200))


def _bad_format(status: int, location: str, at: str, node: Any, value: str) -> Finding:
    """A string that breaks its `format` (at the pointer `at`); a URI gets named for what it
    is instead."""
    fmt = node.get("format") if isinstance(node, Mapping) else None
    field = at.rsplit("/", 1)[-1]
    if fmt in ("uri", "url"):
        kind = "a protocol-relative URL" if value.startswith("//") else "a relative URL"
        return Finding(
            status, location, "an absolute URL (format: uri)", f"{kind}, e.g. {scalar_text(value)}",
            f"{field} in the {status} body of {OPS} is {kind}: make the server send absolute "
            "URLs (clients resolve them against the API's base URL meanwhile)",
        )  # fmt: skip
    return Finding(
        status, location, f"a string of format {fmt}", scalar_text(value),
        f"{field} in the {status} body of {OPS} is not a valid {fmt}: fix the server",
    )  # fmt: skip


def _missing_fields(failure: JsonSchemaError, node: Any) -> list[str]:
    """The required fields a `required` failure found missing, in the schema's order: every
    one the body lacks (each failure names one; all of them make the deviation)."""
    if not failure.schema_path or failure.schema_path[-1] != "required":
        return []
    if isinstance(node, Mapping) and isinstance(failure.instance, Mapping):
        missing = [str(key) for key in node.get("required", ()) if key not in failure.instance]
        if missing:
            return missing
    lines = failure.message.strip().splitlines()
    named = _REQUIRED.match(lines[0]) if lines else None
    return [str(json.loads(named.group(1)))] if named else []


def _error_body(response: Response | None) -> Any:
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _blamed_field(body: Any) -> str | None:
    """The request field an error body names: `Error.field`, or a Rails `errors` key."""
    if not isinstance(body, Mapping):
        return None
    if isinstance(body.get("field"), str) and body["field"]:
        return str(body["field"])
    errors = body.get("errors")
    if isinstance(errors, Mapping) and errors:
        return str(sorted(errors)[0])
    return None


def _server_reason(response: Response | None) -> str:
    """`: <the server's message>` from an error body, or nothing."""
    body = _error_body(response)
    if not isinstance(body, Mapping):
        return ""
    for key in ("message", "error", "errors"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return ": " + one_line(value, 80)
        if isinstance(value, Mapping) and value:
            first = next(iter(value.items()))
            return ": " + one_line(f"{first[0]} {first[1]}", 80)
    return ""


def _rejected_valid_request(
    failure: RejectedPositiveData, case: Case[Any], response: Response | None
) -> Finding:
    code = failure.status_code
    blamed = _blamed_field(_error_body(response))
    location = f"/{blamed}" if blamed else "request"
    if blamed and blamed in (case.path_parameters or {}):
        location = f"path {blamed}"
    where = f" at {location}" if blamed else ""
    return Finding(
        code, location, "2xx: the request is schema-valid",
        f"{code} {reason_phrase(code)}{_server_reason(response)}",
        f"{OPS} rejected a schema-valid request with {code}{where}: the server is stricter "
        "than the spec there (document its rule, or relax the server)",
    )  # fmt: skip


def _accepted_invalid_request(failure: AcceptedNegativeData, case: Case[Any]) -> Finding:
    code = failure.status_code
    part = "request"
    if case.meta is not None:
        data = case.meta.phase.data
        if data.parameter:
            kind = data.parameter_location.name.lower() if data.parameter_location else ""
            part = f"{kind} {data.parameter}".strip()
        elif data.location:
            part = data.location
    return Finding(
        code, part, "4xx: the request breaks the schema", f"{code} {reason_phrase(code)}",
        f"{OPS} accepted a request that breaks the schema at {part} with {code}: the server "
        "is looser than the spec there (validate it, or relax the schema)",
    )  # fmt: skip
