"""The contract's checks on answer bodies, registered with schemathesis on import.

- `response_schema_under_any_content_type`: schemathesis validates a body only under a
  documented JSON media type; a JSON body sent as `text/html` hides its schema violations
  behind the content-type row. This check validates it anyway (with schemathesis's own
  validator), so each failure is a row of its own.
- `error_body_discloses_internals`: stack traces, internal host names, SQL errors in an error
  body (OWASP API8, security misconfiguration).
- `error_body_echoes_credentials`: an error body that repeats the token or password sent.
"""

from __future__ import annotations

import json
import re
from typing import Any

import schemathesis
from schemathesis.core.transport import Response

from .check_table import row_of
from .checks import SpecProseDeviation, registered

_JSON = re.compile(r"^application/(?:[\w.+-]*\+)?json\b", re.IGNORECASE)
_TRACE = r'Traceback \(most recent call last\)|File "[^"]+", line \d+|Exception in thread'
_JAVA = r"\bat [\w.$]+\([\w$]+\.java:\d+\)"
_HOST = r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|local|corp|lan)(?::\d+)?\b"
_SQL = r"SQLSTATE|\bORA-\d{5}\b|\bPG::\w+|ActiveRecord::\w+|syntax error at or near"
_INTERNALS = (
    ("a stack trace", re.compile(f"{_TRACE}|{_JAVA}")),
    ("an internal host name", re.compile(_HOST, re.IGNORECASE)),
    ("a database error", re.compile(_SQL)),
)
MIN_ECHO = 8  # shorter credentials would match ordinary words


class BodyUnderWrongContentType(SpecProseDeviation):
    code = "IMZ210"
    kind_title = "JSON body under an undocumented content type"


class InternalsDisclosed(SpecProseDeviation):
    code = "IMZ220"
    kind_title = "Error body discloses internals"


class CredentialsEchoed(SpecProseDeviation):
    code = "IMZ221"
    kind_title = "Error body echoes credentials"


def _content_type(response: Response) -> str:
    values = response.headers.get("content-type") or [""]
    return values[0]


def _text(response: Response) -> str:
    try:
        return response.content.decode("utf-8", errors="replace")
    except AttributeError:
        return ""


def as_json_response(response: Response) -> Response:
    """The same answer, labelled application/json."""
    headers = {**response.headers, "content-type": ["application/json"]}
    return Response(
        response.status_code, headers, response.content, response.request, response.elapsed,
        response.verify, response.message, response.http_version, response.encoding,
    )  # fmt: skip


@registered(BodyUnderWrongContentType)
def response_schema_under_any_content_type(
    ctx: schemathesis.CheckContext, response: Response, case: schemathesis.Case[Any]
) -> bool | None:
    """A JSON body under a non-JSON content type still answers to the operation's schema."""
    if _JSON.match(_content_type(response)) or not response.content:
        return None
    try:
        json.loads(response.content)
    except ValueError:
        return None
    # schemathesis's own validation, as if the content type were right; its JsonSchemaError
    # is described like any schema mismatch (describe.py), under this check's name.
    result: bool | None = case.operation.validate_response(as_json_response(response), case=case)
    return result


@registered(InternalsDisclosed)
def error_body_discloses_internals(
    ctx: schemathesis.CheckContext, response: Response, case: schemathesis.Case[Any]
) -> bool | None:
    """spec, Errors: an error answers one `Error` body, a reason for the client; a stack
    trace, an internal host or a SQL error tells an attacker how the server is built."""
    if response.status_code < 400:
        return None
    text = _text(response)
    for what, pattern in _INTERNALS:
        found = pattern.search(text)
        if found:
            raise InternalsDisclosed(
                operation=case.operation.label, status_code=response.status_code,
                location="error body",
                expected=row_of(error_body_discloses_internals).rule,
                actual=f"{response.status_code} body with {what} ({found.group(0)[:40]!r})",
                suggestion=row_of(error_body_discloses_internals).fix,
            )  # fmt: skip
    return None


def _sent_credentials(case: schemathesis.Case[Any], response: Response) -> list[str]:
    values = [str(v) for k, v in response.request.headers.items() if k.lower() == "authorization"]
    body: dict[str, Any] = case.body if isinstance(case.body, dict) else {}
    token = body.get("token")
    if isinstance(token, dict) and isinstance(token.get("password"), str):
        values.append(token["password"])
    return [value for value in values if len(value) >= MIN_ECHO]


@registered(CredentialsEchoed)
def error_body_echoes_credentials(
    ctx: schemathesis.CheckContext, response: Response, case: schemathesis.Case[Any]
) -> bool | None:
    """An error body that repeats the token or password sent lands it in every log."""
    if response.status_code < 400:
        return None
    text = _text(response)
    for value in _sent_credentials(case, response):
        if value in text:
            raise CredentialsEchoed(
                operation=case.operation.label, status_code=response.status_code,
                location="error body", expected=row_of(error_body_echoes_credentials).rule,
                actual=f"{response.status_code} body repeating the credentials sent",
                suggestion=row_of(error_body_echoes_credentials).fix,
            )  # fmt: skip
    return None
