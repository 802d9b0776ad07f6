"""The exceptions imuze_ext raises: one small hierarchy under ImuzeError.

No message or repr here ever includes a request's headers or body, so tokens and
passwords cannot leak through an exception.
"""

from __future__ import annotations

import httpx
from imuze_client.models import Error

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "GoneError",
    "ImuzeError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "ServerError",
    "SongFailedError",
    "SongNotReadyError",
    "SongTimeoutError",
    "UnprocessableEntityError",
]


class ImuzeError(Exception):
    """The base of every error imuze_ext raises."""


class MissingCredentialsError(ImuzeError):
    """No API key and no email+password were given, in arguments or environment."""


class APIConnectionError(ImuzeError):
    """The API could not be reached, or the connection broke before a full answer."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The API did not answer within the configured timeout."""


class APIStatusError(ImuzeError):
    """The API answered an error status.

    `body` is the decoded JSON body (or the text, when it is not JSON); `error` is the
    generated `Error` model when the body is a well-formed Error.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: object,
        request: httpx.Request,
        error: Error | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body
        self.request = request
        self.error = error


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
        status_code: int,
        body: object,
        request: httpx.Request,
        error: Error | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, body=body, request=request, error=error)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: the server failed or is offline for maintenance."""


class ResponseValidationError(ImuzeError):
    """A response did not match the spec: malformed JSON, missing fields, wrong types,
    or a status code the operation does not document."""

    def __init__(self, message: str, *, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.response = response


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
    """A song ended without a usable mp3 (removed, or ready with no mp3 URL)."""

    def __init__(self, song_id: int, reason: str) -> None:
        super().__init__(f"song {song_id} failed: {reason}")
        self.song_id = song_id
        self.reason = reason


class SongNotReadyError(ImuzeError):
    """A download was asked for a song that has no mp3 yet; wait for it first."""

    def __init__(self, song_id: int, status: str) -> None:
        super().__init__(f"song {song_id} is not ready yet (status: {status}); wait for it first")
        self.song_id = song_id
        self.status = status
