"""What a deviation was seen to be, as data: the observed status, value, JSON type, media type.

The report's rows say it in words; `imuze contract --propose` needs it as values to write a
spec edit (a widened type, an added enum value, the shape of an error body). One example per
deviation, small enough to print; the runner scrubs it like every other output.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.openapi.checks import JsonSchemaError, RejectedPositiveData, UndefinedContentType

from imuze_ext._responses import json_type

#: An observed value bigger than this (as JSON) is left out of the evidence.
MAX_EXAMPLE = 4_000


def evidence_of(
    failure: Failure, response: Response | None, case: Case[Any] | None = None
) -> dict[str, Any]:
    """The observed facts behind `failure`: always the status and media type when answered;
    the failing value, its JSON type and the schema keyword it broke for a schema mismatch;
    what the request sent (path parameters and JSON body) when a valid one was refused; the
    body of an answer whose status or media type the spec does not document."""
    found: dict[str, Any] = {}
    if response is not None:
        found["status"] = response.status_code
        media = _media_type(response)
        if media:
            found["content_type"] = media
    if isinstance(failure, JsonSchemaError):
        found["keyword"] = str(failure.schema_path[-1]) if failure.schema_path else None
        found["pointer"] = [
            "*" if isinstance(part, int) else str(part) for part in failure.instance_path
        ]
        found["json_type"] = json_type(failure.instance)
        _example(found, "value", failure.instance)
    elif isinstance(failure, UndefinedContentType):
        found["content_type"] = failure.content_type
    elif isinstance(failure, RejectedPositiveData) and case is not None:
        body = case.body if isinstance(case.body, dict | list | str | int | float) else None
        sent = {"path": dict(case.path_parameters or {}), "body": body}
        _example(found, "sent", sent)
    if "value" not in found and response is not None:
        body = _json_body(response)
        if body is not _NO_BODY:
            _example(found, "body", body)
    return found


_NO_BODY = object()


def _json_body(response: Response) -> Any:
    try:
        return response.json()
    except (ValueError, TypeError):
        return _NO_BODY


def _media_type(response: Response) -> str | None:
    for name, values in response.headers.items():
        if name.lower() == "content-type" and values:
            return values[0].split(";", 1)[0].strip().lower() or None
    return None


def _example(found: dict[str, Any], key: str, value: Any) -> None:
    """`value` under `key`, when it is plain JSON data of a printable size."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return
    if len(text) <= MAX_EXAMPLE:
        found[key] = json.loads(text) if isinstance(value, Mapping | list) else value
