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
CHECK_SENTENCES: dict[str, str] = {
    "not_a_server_error": "no 5xx: a server error is never a contract answer",
    "status_code_conformance": "a status the spec documents for this operation",
    "content_type_conformance": "a content type the spec documents for this answer",
    "response_headers_conformance": "the response headers the spec documents",
    "response_schema_conformance": "a body that matches the spec's schema",
    "negative_data_rejection": "4xx: the request breaks the schema",
    "positive_data_acceptance": "2xx: the request is schema-valid",
    "missing_required_header": "a 4xx when a required header is missing",
    "unsupported_method": "405 with an Allow header for a method the path does not define",
    "allow_header_conformance": "an Allow header listing the methods the spec defines",
    "use_after_free": "404 for a resource after it was deleted",
    "ensure_resource_availability": "the resource just created, readable at once",
    "ignored_auth": "401 without valid credentials",
    "object_level_authorization": "404 for another user's resource (spec: Scope)",
    "malformed_path_id_answers_400": "400 for a path id that is not an integer >= 0",
    "response_schema_under_any_content_type": "a JSON body that matches the spec's schema",
    "error_body_discloses_internals": "an error body without server internals",
    "error_body_echoes_credentials": "an error body without the credentials sent",
    "count_matches_items": "count equal to the number of items",
    "shows_requested_resource": "the resource with the id requested",
    "large_integer_accepted": "a 2xx for an integer the spec allows",
    "long_string_accepted": "a 2xx for a string as long as the spec allows",
    "long_array_accepted": "a 2xx for an array as long as the spec allows",
    "unicode_string_accepted": "a 2xx for a free-form string in any script",
    "list_scope": "a list of the user's own resources only (spec: Scope)",
    "error": "an HTTP answer",
    "max_response_time": "an answer within the response-time limit",
}


def _types(values: list[str]) -> str:
    return ", ".join(values) if values else "none"


def halves(failure: Failure, status: int | None) -> Halves | None:
    """The halves of a failure kind that describe.py leaves to this module, or None."""
    code = f"{status} {reason_phrase(status)}" if status is not None else "no answer"
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
    """Halves for a failure no handler knows: the check's sentence, and the answer's status."""
    expected = CHECK_SENTENCES.get(check, f"what the {check.replace('_', ' ')} check requires")
    code = f"{status} {reason_phrase(status)}" if status is not None else "no answer"
    return Halves(failure._unique_key or "-", expected, f"{code}, which does not", None)
