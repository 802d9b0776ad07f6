"""The exceptions imuze_ext raises: one small hierarchy under ImuzeError.

No message or repr here ever includes a request's headers or body, so tokens and
passwords cannot leak through an exception.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import httpx
from imuze_client.models import Error

if TYPE_CHECKING:
    from ._tolerance import Deviation

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "DestinationExistsError",
    "GoneError",
    "ImuzeError",
    "InvalidCredentialsError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectRefusedError",
    "ResponseValidationError",
    "ServerError",
    "SongFailedError",
    "SongNotReadyError",
    "SongTimeoutError",
    "UnexpectedMediaError",
    "UnprocessableEntityError",
]


class ImuzeError(Exception):
    """The base of every error imuze_ext raises."""


class ConfigurationError(ImuzeError):
    """A setting that cannot be right: an empty, blank or malformed base URL, an
    IMUZE_* variable with a value outside its documented set. Nothing was sent; the message
    names the setting and shows its value redacted."""


class DestinationExistsError(ImuzeError, FileExistsError):
    """A download's destination is taken: the file exists (pass `overwrite=True`, on the
    command line `--overwrite`, to replace it), or a file stands where the folder to
    create should be. Nothing was downloaded. Also a FileExistsError; `filename` is the
    path; `replaceable` says whether `overwrite=True` would have replaced it."""

    def __init__(self, message: str, path: str, *, replaceable: bool = False) -> None:
        super().__init__(errno.EEXIST, message, path)
        self.message = message
        self.replaceable = replaceable

    def __str__(self) -> str:
        return self.message


class MissingCredentialsError(ImuzeError):
    """No API key and no email+password were given, in arguments or environment."""


class InvalidCredentialsError(ImuzeError):
    """A credential that cannot be sent as given (a control character, such as the newline
    of a key read from a file, or a character no HTTP header may carry). The message says
    which credential and where, never its value."""


class APIConnectionError(ImuzeError):
    """The API could not be reached, or the connection broke before a full answer."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class RedirectRefusedError(APIConnectionError):
    """A redirect to another origin of a request whose body holds a credential (a login):
    not followed, whatever its status (a `307`/`308` would re-send the password there, a
    `301`/`302`/`303` would take the login's answer from there). `location` is where the
    server pointed (its query redacted)."""

    def __init__(self, message: str, *, request: httpx.Request, location: str) -> None:
        super().__init__(message, request=request)
        self.location = location


class APITimeoutError(APIConnectionError):
    """The API did not answer in time. `limit` says which limit was hit: `"timeout"` (one
    attempt's wall clock), `"deadline"` (the whole call's) or `"stall"` (no byte for
    httpx's read timeout); `elapsed` is how long the call ran, in seconds."""

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        limit: str = "stall",
        elapsed: float = 0.0,
    ) -> None:
        super().__init__(message, request=request)
        self.limit = limit
        self.elapsed = elapsed


class APIStatusError(ImuzeError):
    """The API answered an error status.

    The message carries the server's reason, whatever the body's shape, redacted of the
    request's credentials and shortened. `response` is the httpx.Response; `body` the
    decoded JSON body (or its text); `error` the generated `Error` model when the body is
    a well-formed Error; `field_errors` the messages per field (Rails' `errors`, or the
    Error's `field`), e.g. `{"title": ("is too short (minimum is 4 characters)",)}`.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        error: Error | None = None,
        field_errors: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        super().__init__(message)
        self.response: httpx.Response = response
        self.status_code: int = response.status_code
        self.request: httpx.Request = response.request
        self.body: object = body
        self.error: Error | None = error
        self.field_errors: Mapping[str, tuple[str, ...]] = MappingProxyType(
            dict(field_errors or {})
        )


class BadRequestError(APIStatusError):
    """400, 405, 406 or 415: the request itself was not acceptable."""


class UnprocessableEntityError(BadRequestError):
    """422: a well-formed JSON body broke the schema; `error.field` names the field."""


class AuthenticationError(APIStatusError):
    """401: the key or token is missing, wrong or expired, or the login failed."""


class PermissionDeniedError(APIStatusError):
    """403: the resource is not reachable with these credentials."""


class NotFoundError(APIStatusError):
    """404: no such resource in your scope."""


class GoneError(NotFoundError):
    """410: the server has removed the resource."""


class RateLimitError(APIStatusError):
    """429: too many requests. `retry_after` is the server's hint in seconds, if any."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        error: Error | None = None,
        field_errors: Mapping[str, tuple[str, ...]] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message, response=response, body=body, error=error, field_errors=field_errors
        )
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: the server failed or is offline for maintenance."""


class ResponseValidationError(ImuzeError):
    """A response did not match the spec: malformed JSON, missing fields, wrong types, a
    2xx with no or the wrong body, a media URL that resolves to no http(s) URL; or, in
    strict mode, a deviation the client would otherwise tolerate (`deviation` names it)."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None = None,
        deviation: Deviation | None = None,
    ) -> None:
        super().__init__(message)
        self.response: httpx.Response | None = response
        self.deviation: Deviation | None = deviation


class UnexpectedMediaError(ResponseValidationError):
    """A download received something else than its field promises (an HTML page instead
    of an MP3, a body that is no JSON): `head` holds its first bytes, which the message
    describes. No file is left."""

    def __init__(
        self, message: str, *, response: httpx.Response | None = None, head: bytes = b""
    ) -> None:
        super().__init__(message, response=response)
        self.head: bytes = head


class SongTimeoutError(ImuzeError):
    """A song was not ready before the wait's deadline."""

    def __init__(
        self, song_id: int, last_status: str | None, *, pending: tuple[int, ...] = ()
    ) -> None:
        self.song_id = song_id
        self.last_status = last_status
        self.pending: tuple[int, ...] = pending or (song_id,)
        others = f" ({len(self.pending)} songs still pending)" if len(self.pending) > 1 else ""
        super().__init__(
            f"song {song_id} not ready before the deadline (last status: {last_status}){others}"
        )


class SongFailedError(ImuzeError):
    """A song ended without a usable mp3: its status says it failed (`failed`, `error`,
    `cancelled`, `rejected`, `expired`...), or it is ready with no mp3
    URL. `status` is the status seen (None when the song has none), `reason` what the
    body or the client says. From `wait_all`: `failed` maps each failed song to its
    status, `pending` names the songs still in progress."""

    def __init__(
        self,
        song_id: int,
        reason: str,
        *,
        status: str | None = None,
        failed: Mapping[int, str | None] | None = None,
        pending: tuple[int, ...] = (),
    ) -> None:
        self.song_id = song_id
        self.reason = reason
        self.status = status
        self.failed: Mapping[int, str | None] = MappingProxyType(dict(failed or {song_id: status}))
        self.pending: tuple[int, ...] = pending
        said = f" (status: {status})" if status is not None else ""
        others = [i for i in self.failed if i != song_id]
        more = f"; also failed: {', '.join(map(str, others))}" if others else ""
        waiting = f"; still pending: {', '.join(map(str, pending))}" if pending else ""
        super().__init__(f"song {song_id} failed{said}: {reason}{more}{waiting}")


class SongNotReadyError(ImuzeError):
    """A download was asked for a song that has no mp3 yet; wait for it first."""

    def __init__(self, song_id: int, status: str) -> None:
        super().__init__(f"song {song_id} is not ready yet (status: {status}); wait for it first")
        self.song_id = song_id
        self.status = status
