"""The behavioural checks that judge one answer: errors that agree, lists without duplicates,
authenticated answers that no shared cache keeps, CORS that does not hand out credentials.

Registered with schemathesis on import (like checks.py), so they judge every answer of a run:
the engine's cases and the runner's own requests alike. Each applies where the spec's places
(behave_places.py) say, and cites the rule or norm it enforces.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import schemathesis

from imuze_ext._responses import packaged_spec

from .behave_places import error_places, list_places, secured, success_places
from .check_table import row_of
from .checks import SpecProseDeviation, registered
from .probe_values import operations


class ErrorCodeDisagrees(SpecProseDeviation):
    code = "IMZ401"
    kind_title = "Error body's code differs from the status"


class SoftError(SpecProseDeviation):
    code = "IMZ402"
    kind_title = "A 2xx answer with an Error body"


class DuplicateListed(SpecProseDeviation):
    code = "IMZ403"
    kind_title = "A list names one id twice"


class SharedCacheable(SpecProseDeviation):
    code = "IMZ404"
    kind_title = "An authenticated answer a shared cache may keep"


class CredentialedCors(SpecProseDeviation):
    code = "IMZ405"
    kind_title = "CORS grants credentials to any origin"


@cache
def _places() -> dict[str, frozenset[Any]]:
    spec = packaged_spec()
    return {
        "errors": frozenset(error_places(spec)),
        "successes": frozenset(success_places(spec)),
        "lists": frozenset(place.list_id for place in list_places(spec)),
        "secured": frozenset(secured(spec)),
    }


def _body(response: schemathesis.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


@cache
def _labels() -> dict[str, str]:
    return {f"{method} {path}": oid for oid, method, path, _ in operations(packaged_spec())}


def _operation_id(case: schemathesis.Case[Any]) -> str:
    return _labels().get(case.operation.label, "")


def _header(response: schemathesis.Response, name: str) -> str:
    values = response.headers.get(name.lower()) or response.headers.get(name) or []
    return ", ".join(values) if isinstance(values, list) else str(values)


def _raise(
    failure: type[SpecProseDeviation], check: Any, case: schemathesis.Case[Any],
    response: schemathesis.Response, location: str, expected: str, actual: str,
) -> None:  # fmt: skip
    raise failure(
        operation=case.operation.label, status_code=response.status_code, location=location,
        expected=expected, actual=actual, suggestion=row_of(check).fix,
    )  # fmt: skip


@registered(ErrorCodeDisagrees)
def error_code_matches_status(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """spec, Error.code: "The HTTP status code, repeated"."""
    body = _body(response)
    if response.status_code < 400 or not isinstance(body, Mapping) or "code" not in body:
        return None
    if body["code"] == response.status_code:
        return None
    _raise(ErrorCodeDisagrees, error_code_matches_status, case, response, "/code",
           f"an Error code equal to the status ({response.status_code}) (spec: Error.code)",
           f"code {str(body['code'])[:20]} in a {response.status_code} answer")  # fmt: skip
    return None


@registered(SoftError)
def success_is_not_an_error(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """A 2xx answer carries the documented success body, never an Error (a "soft" 404)."""
    body = _body(response)
    if not 200 <= response.status_code < 300 or not isinstance(body, Mapping):
        return None
    code = body.get("code")
    if not (isinstance(code, int) and code >= 400 and "error" in body and "message" in body):
        return None
    _raise(SoftError, success_is_not_an_error, case, response, "body",
           "the documented success body for a 2xx answer, not an Error",
           f"{response.status_code} with an Error body (code {code})")  # fmt: skip
    return None


@registered(DuplicateListed)
def list_ids_unique(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """A list names each resource once (spec: lists are not paginated, one item per resource)."""
    body = _body(response)
    if _operation_id(case) not in _places()["lists"] or not isinstance(body, Mapping):
        return None
    items = body.get("response")
    ids = [item.get("id") for item in items if isinstance(item, Mapping)] if isinstance(
        items, list) else []  # fmt: skip
    twice = sorted({str(i) for i in ids if i is not None and ids.count(i) > 1})
    if twice:
        actual = f"ids listed twice: {', '.join(twice[:5])}"
        _raise(DuplicateListed, list_ids_unique, case, response, "/response",
               "each resource listed once", actual)  # fmt: skip
    return None


@registered(SharedCacheable)
def authenticated_answer_not_shared(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """Every answer to a secured operation says `private` or `no-store` (RFC 9111 §5.2.2.5,
    §5.2.2.7) and never `public` (§5.2.2.9, which lets a shared cache keep an answer to an
    authorized request, §3.5). Silence is not enough: a shared cache may still keep an
    answer with `s-maxage` or `must-revalidate` from another layer, and heuristics apply."""
    if _operation_id(case) not in _places()["secured"]:
        return None
    directives = {
        part.strip().split("=")[0].lower() for part in _header(response, "cache-control").split(",")
    }
    if directives & {"private", "no-store"} and "public" not in directives:
        return None
    _raise(SharedCacheable, authenticated_answer_not_shared, case, response, "Cache-Control",
           "an authenticated answer no shared cache keeps (private or no-store, no public)",
           f"Cache-Control: {_header(response, 'cache-control')[:80] or '(none)'}")  # fmt: skip
    return None


@registered(CredentialedCors)
def cors_credentials_not_any_origin(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """Fetch standard, CORS: credentials are never granted to `*` nor to an Origin echoed back
    whatever it is (the runner sends a foreign Origin, behave.py)."""
    if _header(response, "access-control-allow-credentials").strip().lower() != "true":
        return None
    allowed = _header(response, "access-control-allow-origin").strip()
    headers: Mapping[str, Any] = case.headers or {}
    sent = str(headers.get("Origin", ""))
    if allowed != "*" and (not sent or allowed != sent):
        return None
    _raise(CredentialedCors, cors_credentials_not_any_origin, case, response,
           "Access-Control-Allow-Origin",
           "credentials granted only to the API's own origins, never * or any Origin",
           f"Access-Control-Allow-Origin: {allowed[:60]} with credentials")  # fmt: skip
    return None
