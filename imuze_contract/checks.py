"""The contract's own check: what the spec says in prose, where JSON Schema cannot say it.

It is registered with schemathesis on import, so it runs beside the built-in checks in
`imuze contract` and in contract_tests/ alike. It cites the spec sentence it enforces.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.core.parameters import ParameterLocation

from .check_table import row_of

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


_Check = TypeVar("_Check", bound=Callable[..., Any])


def registered(*failures: type[SpecProseDeviation]) -> Callable[[_Check], _Check]:
    """Register a check with schemathesis, and name it in the `checks` of the failures it
    raises (its id is its function's name, its row's in check_table.py)."""

    def register(check: _Check) -> _Check:
        row_of(check)  # a check without a row is a KeyError at import
        for failure in failures:
            failure.checks = (check.__name__,)
        return schemathesis.check(check)

    return register


class MalformedIdNotRejectedWith400(SpecProseDeviation):
    code = "IMZ201"
    kind_title = "Malformed path id not answered with 400"


@registered(MalformedIdNotRejectedWith400)
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
        suggestion=row_of(malformed_path_id_answers_400).fix,
    )


class CountMismatch(SpecProseDeviation):
    code = "IMZ202"
    kind_title = "List count differs from its items"


class OtherResourceShown(SpecProseDeviation):
    code = "IMZ203"
    kind_title = "Another resource than the one requested"


def _json_body(response: schemathesis.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


@registered(CountMismatch)
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
        suggestion=row_of(count_matches_items).fix,
    )  # fmt: skip


@registered(OtherResourceShown)
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
        suggestion=row_of(shows_requested_resource).fix,
    )  # fmt: skip
