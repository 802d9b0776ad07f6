"""The contract's own check: what the spec says in prose, where JSON Schema cannot say it.

It is registered with schemathesis on import, so it runs beside the built-in checks in
`imuze contract` and in contract_tests/ alike. It cites the spec sentence it enforces.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.core.parameters import ParameterLocation

from .report import OPS

_DIGITS = re.compile(r"[0-9]+")


class SpecProseDeviation(Failure):
    """A response that breaks a rule the spec states in prose; says what and where."""

    code: ClassVar[str] = "IMZ900"
    checks: ClassVar[tuple[str, ...]] = ()
    kind_title: ClassVar[str] = "Spec rule broken"

    __slots__ = ("actual", "expected", "location", "status_code", "suggestion")

    def __init__(
        self,
        *,
        operation: str,
        status_code: int,
        location: str,
        expected: str,
        actual: str,
        suggestion: str,
        title: str | None = None,
    ) -> None:
        message = f"Expected: {expected}\nActual: {actual}"
        super().__init__(operation=operation, title=title, message=message)
        self.status_code = status_code
        self.location = location
        self.expected = expected
        self.actual = actual
        self.suggestion = suggestion

    @property
    def _unique_key(self) -> str:
        return self.location


class MalformedIdNotRejectedWith400(SpecProseDeviation):
    code = "IMZ201"
    checks = ("malformed_path_id_answers_400",)
    kind_title = "Malformed path id not answered with 400"


@schemathesis.check
def malformed_path_id_answers_400(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """spec, Errors: "400 means the request could not be parsed (... a path id that is not an
    integer >= 0)". A 404 there says "no such resource" about a request that names none."""
    if case.meta is None or not case.meta.is_negative_at(ParameterLocation.PATH):
        return None
    value = (case.path_parameters or {}).get("id")
    text = "" if value is None else str(value)
    # An empty or slashed id reaches another route; digits are a valid id (another part broke).
    if not text or "/" in text or _DIGITS.fullmatch(text):
        return None
    if response.status_code != 404:
        return None
    raise MalformedIdNotRejectedWith400(
        operation=case.operation.label,
        status_code=404,
        location="path id",
        expected="400: a path id that is not an integer >= 0 (spec: Errors)",
        actual=f"404 for id {text[:30]!r}",
        suggestion=(
            f"{OPS} answered 404 to a malformed id: make the server answer 400 there "
            "(Rails: constrain the route's :id to digits)"
        ),
    )


class CountMismatch(SpecProseDeviation):
    code = "IMZ202"
    checks = ("count_matches_items",)
    kind_title = "List count differs from its items"


class OtherResourceShown(SpecProseDeviation):
    code = "IMZ203"
    checks = ("shows_requested_resource",)
    kind_title = "Another resource than the one requested"


def _json_body(response: schemathesis.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


@schemathesis.check
def count_matches_items(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """spec, Curation decisions: "lists are not paginated and `count` equals the number of
    items"."""
    body = _json_body(response) if 200 <= response.status_code < 300 else None
    if not isinstance(body, dict):
        return None
    count, items = body.get("count"), body.get("response")
    if not isinstance(count, int) or isinstance(count, bool) or not isinstance(items, list):
        return None
    if count == len(items):
        return None
    raise CountMismatch(
        operation=case.operation.label, status_code=response.status_code, location="/count",
        expected="count equal to the number of items (spec: lists are not paginated)",
        actual=f"count {count} for {len(items)} items",
        suggestion=f"{OPS} answers a count that is not its number of items: fix the server",
    )  # fmt: skip


@schemathesis.check
def shows_requested_resource(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """A show operation (GET .../{id}) answers the resource with that id, not another one."""
    if case.method.upper() != "GET" or not 200 <= response.status_code < 300:
        return None
    wanted = (case.path_parameters or {}).get("id")
    body = _json_body(response)
    if not isinstance(wanted, int) or not isinstance(body, dict):
        return None
    shown = body.get("id")
    if not isinstance(shown, int) or shown == wanted:
        return None
    raise OtherResourceShown(
        operation=case.operation.label, status_code=response.status_code, location="/id",
        expected=f"the resource with the id requested ({wanted})",
        actual=f"the resource with id {shown}",
        suggestion=f"{OPS} answers another resource than the one its path names: fix the server",
    )  # fmt: skip
