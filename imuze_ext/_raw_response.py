"""`RawResponse[T]`: what `api.with_raw_response....` answers, the parsed model with its
HTTP answer (status, headers, the httpx.Response).

The model is parsed and validated when the call returns, as for the plain methods: an
error status or a body that breaks the spec raises the same typed exceptions, each with
the httpx.Response at hand, so `parse()` never fails.
"""

from __future__ import annotations

from typing import Generic, TypeVar, final

import httpx

T = TypeVar("T")


@final
class RawResponse(Generic[T]):
    """A parsed model together with the HTTP answer it came from."""

    __slots__ = ("_parsed", "http_response")

    http_response: httpx.Response
    """The answer as httpx gave it (its body already read)."""

    def __init__(self, parsed: T, http_response: httpx.Response) -> None:
        self._parsed = parsed
        self.http_response = http_response

    def parse(self) -> T:
        """The model, as the plain method returns it."""
        return self._parsed

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        """The URL that answered (after any redirect)."""
        return self.http_response.url

    @property
    def http_request(self) -> httpx.Request:
        """The request that got this answer (its Authorization header holds a secret)."""
        return self.http_response.request

    def __repr__(self) -> str:
        request = self.http_request
        return (
            f"<RawResponse[{type(self._parsed).__name__}] {self.status_code} "
            f"{request.method} {request.url.path}>"
        )
