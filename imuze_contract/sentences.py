"""Plain-English halves for the failures describe.py does not shape itself, and one sentence
per check for a failure no handler knows.

schemathesis titles a failure by its kind ("Undocumented Content-Type") and explains it for its
own CLI ("Received: text/plain"); a row puts two halves side by side, "expected X; got Y", so
each half must read as what the spec says and what the server did. tests/contract/
test_sentences.py renders every failure class schemathesis defines, and every check of its
registry plus ours, and rejects a half that is a title or a raw message.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemathesis.core.failures import (
    ContentTypeServerError,
    CustomFailure,
    Failure,
    MalformedJson,
    ResponseTimeExceeded,
    reason_phrase,
)
from schemathesis.openapi.checks import (
    AllowHeaderMismatch,
    ContentDeserializationError,
    DiscriminatorMismatch,
    EnsureResourceAvailability,
    MalformedMediaType,
    MissingContentType,
    MissingHeaders,
    UndefinedContentType,
    UnsupportedMethodResponse,
    UseAfterFree,
)

from .check_table import CHECKS
from .report import OPS
from .shapes import one_line


@dataclass(frozen=True)
class Halves:
    """A failure's location, its two halves, and the fix (OPS for the operation) or None."""

    location: str
    expected: str
    actual: str
    fix: str | None


#: For every check: what it expects, in words, for a failure no handler shapes.
CHECK_SENTENCES: dict[str, str] = {check.id: check.rule for check in CHECKS.values()}


def _types(values: list[str]) -> str:
    return ", ".join(values) if values else "none"


def halves(failure: Failure, status: int | None) -> Halves | None:
    """The halves of a failure kind that describe.py leaves to this module, or None."""
    code = f"{status} {reason_phrase(status)}" if status is not None else "no answer"
    for shape in (_content_halves, _header_halves, _other_halves):
        shaped = shape(failure, status, code)
        if shaped is not None:
            return shaped
    return None


def _content_halves(failure: Failure, status: int | None, code: str) -> Halves | None:
    """A body or its media type that does not read as documented."""
    if isinstance(failure, UndefinedContentType):
        return Halves(
            "content type", f"a documented content type ({_types(failure.defined_content_types)})",
            f"{failure.content_type}, which the spec does not document for {status}",
            f"{OPS} answered {status} as {failure.content_type}: document it, or make the "
            "server send the documented type",
        )  # fmt: skip
    if isinstance(failure, MissingContentType):
        return Halves(
            "content type", f"a Content-Type header ({_types(failure.media_types)})",
            f"{code} without a Content-Type header",
            f"{OPS} answers without Content-Type: fix the server",
        )  # fmt: skip
    if isinstance(failure, MalformedMediaType):
        return Halves(
            "content type", f"a well-formed media type ({failure.defined})",
            f"the malformed media type {failure.actual!r}",
            f"{OPS} sends a malformed Content-Type: fix the server",
        )  # fmt: skip
    if isinstance(failure, MalformedJson):
        return Halves(
            "body", "a JSON body, as its Content-Type says",
            f"{code} with a body that is not JSON ({one_line(failure.document, 40)!r})",
            f"{OPS} labels a body that is not JSON as JSON (a proxy's error page?): fix the "
            "server",
        )  # fmt: skip
    if isinstance(failure, ContentDeserializationError | DiscriminatorMismatch):
        return Halves(
            "body", "a body that reads as its documented media type",
            f"{code} with a body that does not ({one_line(failure.message, 60)})", None,
        )  # fmt: skip
    return None


def _header_halves(failure: Failure, status: int | None, code: str) -> Halves | None:
    """A documented header missing, or a method answered without the right Allow."""
    if isinstance(failure, MissingHeaders):
        names = ", ".join(failure.missing_headers)
        return Halves(
            f"header {names}", f"the documented header(s) {names}", f"{code} without {names}",
            f"{OPS} does not send {names}: fix the server, or drop it from the spec",
        )  # fmt: skip
    if isinstance(failure, UnsupportedMethodResponse):
        # The location names the reason, not the method: the method tried varies by seed.
        answered = f"{failure.method} answered {failure.status_code}"
        if failure.failure_reason == "missing_allow_header":
            location, actual = "header Allow", f"{answered} without an Allow header"
            fix = f"{OPS}: a 405 must say which methods the path allows: send Allow"
        else:
            location = "undeclared method"
            actual = f"{answered} {reason_phrase(failure.status_code)}"
            fix = f"{OPS}: answer 405 with Allow to a method the path does not define"
        return Halves(
            location,
            f"405 with an Allow header for {failure.method}, which the path does not define",
            actual, fix,
        )  # fmt: skip
    if isinstance(failure, AllowHeaderMismatch):
        return Halves(
            "header Allow", "an Allow header listing exactly the methods the spec defines",
            f"Allow: {failure.allow_header} (missing {_types(failure.missing_methods)}; "
            f"undocumented {_types(failure.undocumented_methods)})",
            f"{OPS}: make Allow list the path's methods",
        )  # fmt: skip
    return None


def _other_halves(failure: Failure, status: int | None, code: str) -> Halves | None:
    """A resource's life cycle, a request's content type, the response time, a custom check."""
    if isinstance(failure, UseAfterFree):
        return Halves(
            "deleted resource", f"404 from {failure.usage} after {failure.free} deleted it",
            f"{code}: the deleted resource is still there",
            f"{OPS} still serves deleted resources: fix the server",
        )  # fmt: skip
    if isinstance(failure, EnsureResourceAvailability):
        return Halves(
            "created resource",
            f"the resource {failure.created_with} just created, readable with "
            f"{failure.not_available_with}",
            f"{code} right after {failure.created_with} answered it was created",
            f"{OPS} does not find a resource just created (a lagging read replica or cache?): "
            "fix the server",
        )  # fmt: skip
    if isinstance(failure, ContentTypeServerError):
        return Halves(
            "request", "no 5xx: an unexpected Content-Type gets 415",
            f"{code} for a request body in an unexpected content type",
            f"{OPS} fails on an unexpected request Content-Type: answer 415",
        )  # fmt: skip
    if isinstance(failure, ResponseTimeExceeded):
        return Halves(
            "response time", f"an answer within {failure.deadline} ms",
            f"an answer after {failure.elapsed:.0f} ms", None,
        )  # fmt: skip
    if isinstance(failure, CustomFailure):
        return Halves(
            "check", "the custom check to pass",
            f"{type(failure.exception).__name__}: {one_line(str(failure.exception), 80)}", None,
        )  # fmt: skip
    return None


def fallback(check: str, failure: Failure, status: int | None) -> Halves:
    """Halves for a failure no handler knows: the check's row (its rule and its fix), and the
    answer's status."""
    row = CHECKS.get(check)
    expected = row.rule if row else f"what the {check.replace('_', ' ')} check requires"
    code = f"{status} {reason_phrase(status)}" if status is not None else "no answer"
    return Halves(
        failure._unique_key or "-", expected, f"{code}, which does not", row.fix if row else None
    )
