"""The API's one error body, as an exception handlers turn into a response."""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.responses import Response

#: The machine-readable ``error`` string of each status the mock answers with.
REASONS: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    410: "gone",
    413: "content_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    422: "invalid_body",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


class ApiError(Exception):
    """An answer with the Error body: raised anywhere in request handling."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = dict(headers or {})

    def body(self) -> dict[str, object]:
        """The Error body: ``{"code", "error", "message", "field"}``."""
        return {
            "code": self.status,
            "error": REASONS.get(self.status, "error"),
            "message": self.message,
            "field": self.field,
        }

    def response(self) -> Response:
        """The error as a JSON response."""
        # ASCII, so that no message (which may quote what the client sent, a lone surrogate
        # included) can fail to encode: an error answer never turns into a 500.
        content = json.dumps(self.body(), separators=(",", ":"))
        return Response(content, self.status, self.headers, media_type="application/json")


def retry_later(status: int, message: str, seconds: int) -> ApiError:
    """A 429 or 503 that tells the client when to come back."""
    return ApiError(status, message, headers={"Retry-After": str(seconds)})
