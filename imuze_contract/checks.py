"""The contract's own checks: what the spec says in prose, where JSON Schema cannot say it.

Both are registered with schemathesis on import, so they run beside the built-in checks in
`imuze contract` and in contract_tests/ alike. Each cites the spec sentence it enforces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import schemathesis
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.parameters import ParameterLocation

# spec, Curation decisions, Media: "`mp3_url` and `timeline_url` are absolute URLs". `mp3`
# (SongCreated) is the same URL announced at creation ("where the song's mp3 will be").
MEDIA_URL_FIELDS = frozenset({"mp3", "mp3_url", "timeline_url"})

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


class RelativeMediaUrl(SpecProseDeviation):
    code = "IMZ101"
    checks = ("media_urls_are_absolute",)
    kind_title = "Media URL is not absolute"


class MalformedIdNotRejectedWith400(SpecProseDeviation):
    code = "IMZ201"
    checks = ("malformed_path_id_answers_400",)
    kind_title = "Malformed path id not answered with 400"


def media_urls(body: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """(JSON pointer, value) of every media URL field in a response body, arrays as `*`."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key in MEDIA_URL_FIELDS:
                yield f"{pointer}/{key}", value
            else:
                yield from media_urls(value, f"{pointer}/{key}")
    elif isinstance(body, list):
        for item in body:
            yield from media_urls(item, f"{pointer}/*")


def is_absolute_url(value: str) -> bool:
    """An http(s) URL with a host: not protocol-relative (`//host/x`) nor a path (`/x`, `x`)."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@schemathesis.check
def media_urls_are_absolute(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """spec, Media: `mp3_url` and `timeline_url` are absolute URLs (null while processing)."""
    if not 200 <= response.status_code < 300:
        return None
    try:
        body = response.json()
    except ValueError:
        return None  # response_schema_conformance reports a body that is not JSON
    failures: dict[str, Failure] = {}
    for pointer, value in media_urls(body):
        if isinstance(value, str) and not is_absolute_url(value) and pointer not in failures:
            kind = "protocol-relative" if value.startswith("//") else "relative"
            failures[pointer] = RelativeMediaUrl(
                operation=case.operation.label,
                status_code=response.status_code,
                location=pointer,
                expected="an absolute http(s) URL (spec: Media)",
                actual=f"a {kind} URL, e.g. {value[:60]}",
                suggestion=(
                    f"{pointer.rsplit('/', 1)[-1]} is {kind}: make the server send absolute "
                    "URLs (clients resolve it against the base URL meanwhile)"
                ),
            )
    if len(failures) == 1:
        raise next(iter(failures.values()))
    if failures:
        raise FailureGroup(list(failures.values()))
    return None


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
            "a malformed id answered 404: make the server answer 400 there "
            "(Rails: constrain the route's :id to digits and rescue the parse error)"
        ),
    )
