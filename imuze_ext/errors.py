"""The exceptions imuze_ext raises: one small hierarchy under ImuzeError (and a missing extra's).

No message or repr quotes a request's headers or body, so no secret leaks through one.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator, Mapping
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
    """A setting that cannot be right (a malformed base URL, an IMUZE_* value outside its
    set); nothing was sent. The message names the setting, its value redacted."""


class DestinationExistsError(ImuzeError, FileExistsError):
    """A download's destination is taken (a file, or a file where its folder should be);
    nothing was downloaded. `filename`: the path; `replaceable`: if `overwrite=True` replaces it."""

    def __init__(self, message: str, path: str, *, replaceable: bool = False) -> None:
        super().__init__(errno.EEXIST, message, path)
        self.message = message
        self.replaceable = replaceable

    def __str__(self) -> str:
        return self.message


class MissingCredentialsError(ImuzeError):
    """No API key and no email+password were given, in arguments or environment."""


class InvalidCredentialsError(ImuzeError):
    """A credential no HTTP header may carry (a control character, such as a key file's
    newline). The message names the credential, never its value."""


class APIConnectionError(ImuzeError):
    """The API could not be reached, or the connection broke before a full answer."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class RedirectRefusedError(APIConnectionError):
    """A login's redirect to another origin, not followed: it would carry the credentials
    there. `location` is where the server pointed (its query redacted)."""

    def __init__(self, message: str, *, request: httpx.Request, location: str) -> None:
        super().__init__(message, request=request)
        self.location = location


class APITimeoutError(APIConnectionError):
    """The API did not answer in time. `limit` is the one hit (`"timeout"`: an attempt's,
    `"deadline"`: the call's, `"stall"`: no byte); `elapsed`: the call's seconds."""

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
    """The API answered an error status; the message gives the server's reason, redacted.
    `body`: the JSON (or text); `error`: the spec's Error, if it is one; `field_errors`: messages
    per field (`{"title": ("is too short",)}`); `retry_after`: a 429's hint in seconds."""

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
        super().__init__(message)
        self.response: httpx.Response = response
        self.status_code: int = response.status_code
        self.request: httpx.Request = response.request
        self.body: object = body
        self.error: Error | None = error
        self.field_errors: Mapping[str, tuple[str, ...]] = MappingProxyType(
            dict(field_errors or {})
        )
        self.retry_after: float | None = retry_after


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


class ServerError(APIStatusError):
    """5xx: the server failed or is offline for maintenance."""


class ResponseValidationError(ImuzeError):
    """An answer that does not match the spec; in strict mode, also a deviation the client
    would otherwise tolerate (`deviation` names it)."""

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
    """A download got something else than its field promises (an HTML page for an MP3);
    `head` holds its first bytes. No file is left."""

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
    """A song ended without a usable mp3 (a failure status, or ready with no mp3 URL): `status`,
    `reason`; from `wait_all`, `failed` (song -> status) and `pending` (still in progress)."""

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


MOCK_PACKAGES = frozenset({"starlette", "uvicorn", "lameenc", "numpy", "httptools", "uvloop"})
"""The top-level modules the `mock` extra installs."""


class MissingExtraError(ImportError):
    """A feature needs an optional extra that is not installed (the message says how to
    install it)."""

    def __init__(self, extra: str, feature: str, missing: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the '{extra}' extra ({missing} is not installed): "
            f"pip install 'imuze[{extra}]'",
            name=missing,
        )


@contextlib.contextmanager
def requires_extra(extra: str, feature: str, packages: frozenset[str]) -> Iterator[None]:
    """Turn a missing package of `extra` imported in the block into MissingExtraError."""
    try:
        yield
    except ModuleNotFoundError as exc:
        top = (exc.name or "").partition(".")[0]
        if top not in packages:
            raise
        raise MissingExtraError(extra, feature, top) from None
