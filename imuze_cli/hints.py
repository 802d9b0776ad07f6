"""The `hint:` line under an error: what to do next, for the failures where we know it.

One table for every command line (`imuze`, `imuze contract`, `imuze-spec`, `imuze-mock`):
a failure is reported the same way whichever face met it.
"""

from __future__ import annotations

import re

import httpx

from imuze_ext import _config
from imuze_ext.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    SongNotReadyError,
    SongTimeoutError,
)

API_PREFIX = "/api/4"
_OTHER_VERSION = re.compile(r"/api/v?\d+$")
_COLLECTIONS = frozenset({"tokens", "songs", "arrangements"})
"""Paths that exist on every deployment: a 404 there means the base URL is wrong."""


def hint_for(exc: BaseException | None) -> str | None:
    """The hint for `exc` (or for the error that caused it), or None when there is none."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        hint = _own_hint(exc)
        if hint is not None:
            return hint
        exc = exc.__cause__
    return None


def _own_hint(exc: BaseException) -> str | None:
    if isinstance(exc, APIStatusError):
        return status_hint(exc.status_code, exc.request.url)
    if isinstance(exc, SongTimeoutError):
        return (
            f"the song is still rendering: 'imuze songs wait {exc.song_id}' resumes the wait, "
            f"then 'imuze songs download {exc.song_id}'"
        )
    if isinstance(exc, SongNotReadyError):
        return f"'imuze songs wait {exc.song_id}' waits until it is ready"
    if isinstance(exc, APITimeoutError) and exc.limit == "deadline":
        return (
            "the call ran out of the time it was given, not the API: give it more with "
            "--deadline S (compose: --timeout S)"
        )
    if isinstance(exc, (APIConnectionError, httpx.TransportError)):
        return f"is the API up at that address? pass --base-url or set {_config.ENV_BASE_URL}"
    return None


def status_hint(status: int, url: httpx.URL) -> str | None:
    """The hint for an HTTP error status answered at `url`."""
    path = url.path.rstrip("/")
    parent, _, last = path.rpartition("/")
    if status == 404 and last in _COLLECTIONS:
        return base_url_hint(url.copy_with(path=parent, query=None, fragment=None))
    if status == 401 or (status == 403 and last == "tokens"):
        return credentials_hint()
    return None


def base_url_hint(base: httpx.URL) -> str:
    """A 404 at `/tokens`, `/songs` or `/arrangements`: the base URL misses the API's path."""
    path = base.path.rstrip("/")
    env = _config.ENV_BASE_URL
    if path.endswith(API_PREFIX):
        return f"is {str(base).rstrip('/')} the iMuze API? check --base-url (or {env})"
    # another version of the API (/api/3) is replaced, not extended
    fixed = _OTHER_VERSION.sub("", path) + API_PREFIX
    suggested = str(base.copy_with(path=fixed))
    return f"the API lives under {API_PREFIX}: pass --base-url {suggested} (or set {env})"


def credentials_hint() -> str:
    """A 401: the credentials were refused."""
    return (
        f"check {_config.ENV_API_KEY}, or {_config.ENV_EMAIL} and {_config.ENV_PASSWORD}: "
        "'imuze login' (or 'imuze login --api-key') checks them"
    )
