"""The entry points: `Imuze`, `AsyncImuze` (one generic base) and `authorize`.

Each client stacks its httpx client (base URL, auth flow, headers, timeout, the response hook
of _responses) on the retrying transport, on the bottom where requests leave: our own pool,
the caller's transport, or the caller's httpx client (through its public `send`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

import httpx
from imuze_client import Client

from . import _config, _deadlines, _responses
from ._auth import ApiKeyAuth, LoginAuth
from ._retry import DEFAULT_MAX_RETRIES, RetryTransport, default_deadline
from ._tolerance import Tolerance
from ._version import __version__
from .resources import (
    Arrangements,
    ArrangementsWithRawResponse,
    AsyncArrangements,
    AsyncArrangementsWithRawResponse,
    AsyncAuthentication,
    AsyncSongs,
    AsyncSongsWithRawResponse,
    Authentication,
    Songs,
    SongsWithRawResponse,
)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""30 s for each attempt (its whole answer included), 10 s of it to connect: finite,
unlike the generated default. For a download, 30 s without a byte (a stall)."""

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)
"""Keep every pooled connection alive: httpx's default keeps 20, so a burst of concurrent
waits and downloads would reopen connections on each round."""

_HEADERS = {"Accept": "application/json", "User-Agent": f"imuze-python/{__version__}"}

_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)
_TransportT = TypeVar("_TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)


class _KeepNone(httpx.Cookies):
    """A jar that stays empty: the API authenticates by header, so a `Set-Cookie` (a load
    balancer's, a CDN's) is dropped, one less place a credential could travel."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep nothing (cheaply: httpx calls it on every answer)."""


_NO_COOKIES = _KeepNone()


class _KeepsNoCookies:
    """An httpx client's public `cookies`, always empty; setting it is refused."""

    @property
    def cookies(self) -> httpx.Cookies:
        """Always empty."""
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        raise TypeError("an imuze client keeps no cookies: the API authenticates by header")


class CookielessClient(_KeepsNoCookies, httpx.Client):
    """An httpx.Client that keeps no cookies."""


class AsyncCookielessClient(_KeepsNoCookies, httpx.AsyncClient):
    """The async twin of CookielessClient."""


def _auth(credentials: _config.Credentials, base_url: str, tolerance: Tolerance) -> httpx.Auth:
    api_url = httpx.URL(base_url)
    if isinstance(credentials, _config.ApiKey):
        return ApiKeyAuth(credentials.key, api_url)
    return LoginAuth(credentials.email, credentials.password, api_url, tolerance, _HEADERS)


class BaseImuze(Generic[_HttpT, _TransportT]):
    """What `Imuze` and `AsyncImuze` share: settings, credentials, limits and `with_options`."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        email: str | None = None,
        password: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        deadline: float | None = None,
        transport: _TransportT | None = None,
        http_client: _HttpT | None = None,
        strict: bool | None = None,
        trust_env: bool = True,
    ) -> None:
        _config.configure_from_env()
        if transport is not None and http_client is not None:
            raise ValueError("pass transport= or http_client=, not both")
        self.base_url: str = _config.resolve_base_url(base_url)
        self.strict: bool = _config.resolve_strict(strict)
        self._tolerance = Tolerance(self.base_url, strict=self.strict)
        credentials = _config.resolve_credentials(api_key, email, password)
        self._login = credentials if isinstance(credentials, _config.Login) else None
        self._auth = _auth(credentials, self.base_url, self._tolerance)
        self._bottom: _TransportT = transport or self._bottom_for(http_client, trust_env)
        self._connect(
            _deadlines.effective_timeout(timeout, DEFAULT_TIMEOUT, http_client),
            max_retries,
            deadline,
            self._bottom,
        )

    _asynchronous = False

    def _bottom_for(self, http_client: _HttpT | None, trust_env: bool) -> Any:
        """Where requests leave: the caller's httpx client, else our own pool."""
        if http_client is not None:
            return _deadlines.ClientTransport(http_client)
        return _deadlines.http_transport(
            DEFAULT_LIMITS, trust_env=trust_env, asynchronous=self._asynchronous
        )

    def _stack(
        self, limits: _deadlines.Limits, timeout: httpx.Timeout, bottom: _TransportT
    ) -> None:
        raise NotImplementedError

    def _http_settings(self, timeout: httpx.Timeout) -> dict[str, Any]:
        """What both twins give their httpx client (besides the transport and the hook)."""
        return {
            "base_url": self.base_url,
            "auth": self._auth,
            "timeout": timeout,
            "headers": _HEADERS,
            "follow_redirects": True,
        }

    def _connect(
        self, timeout: httpx.Timeout, max_retries: int, deadline: float | None, bottom: _TransportT
    ) -> None:
        """Set the limits of each call: `timeout` per attempt, `deadline` per call (by default
        every attempt at its timeout plus the longest backoff before each retry)."""
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, not {max_retries}")
        attempt = _deadlines.attempt_seconds(timeout)
        per_call = (
            default_deadline(attempt, max_retries)
            if deadline is None
            else _deadlines.check_seconds("deadline", deadline)
        )
        explicit = deadline is not None
        self._limits = _deadlines.Limits(attempt, per_call, max_retries, explicit=explicit)
        self.timeout = timeout
        self.max_retries = max_retries
        self.deadline = per_call
        self._stack(self._limits, timeout, bottom)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
    ) -> Self:
        """A copy with another timeout, retry count or deadline (None keeps this client's; a
        derived deadline is derived again) that shares this client's pool (which only this
        client closes) and login."""
        clone = copy.copy(self)
        kept = self._limits.deadline if self._limits.explicit else None
        clone._connect(
            self.timeout if timeout is None else httpx.Timeout(timeout),
            self.max_retries if max_retries is None else max_retries,
            kept if deadline is None else deadline,
            _deadlines.SharedTransport(self._bottom),
        )
        return clone

    def __repr__(self) -> str:
        auth = f"login as {self._auth.email}" if isinstance(self._auth, LoginAuth) else "api key"
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={auth!r})"


class Imuze(BaseImuze[httpx.Client, httpx.BaseTransport]):
    """A synchronous iMuze client (README: "Using the client and the CLI" documents its options);
    use it as a context manager, or call `close()`."""

    arrangements: Arrangements
    songs: Songs
    authentication: Authentication

    def _stack(
        self, limits: _deadlines.Limits, timeout: httpx.Timeout, bottom: httpx.BaseTransport
    ) -> None:
        self._http = CookielessClient(
            **self._http_settings(timeout),
            transport=RetryTransport(bottom, limits),
            event_hooks={"response": [_responses.remember_response]},
        )
        client = Client(base_url=self.base_url).set_httpx_client(self._http)
        parts = (client, self._http, self._tolerance, limits)
        self.arrangements = Arrangements(*parts)
        self.songs = Songs(*parts)
        self.authentication = Authentication(*parts, self._login)

    @property
    def with_raw_response(self) -> ImuzeWithRawResponse:
        """The same calls answering RawResponse: `api.with_raw_response.songs.get(1)`."""
        return ImuzeWithRawResponse(
            self.songs.with_raw_response, self.arrangements.with_raw_response
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncImuze(BaseImuze[httpx.AsyncClient, httpx.AsyncBaseTransport]):
    """The asynchronous twin of `Imuze`; use it with `async with`, or `await aclose()`."""

    arrangements: AsyncArrangements
    songs: AsyncSongs
    authentication: AsyncAuthentication

    _asynchronous = True

    def _stack(
        self, limits: _deadlines.Limits, timeout: httpx.Timeout, bottom: httpx.AsyncBaseTransport
    ) -> None:
        self._http = AsyncCookielessClient(
            **self._http_settings(timeout),
            transport=RetryTransport(bottom, limits),
            event_hooks={"response": [_responses.aremember_response]},
        )
        client = Client(base_url=self.base_url).set_async_httpx_client(self._http)
        parts = (client, self._http, self._tolerance, limits)
        self.arrangements = AsyncArrangements(*parts)
        self.songs = AsyncSongs(*parts)
        self.authentication = AsyncAuthentication(*parts, self._login)

    @property
    def with_raw_response(self) -> AsyncImuzeWithRawResponse:
        """The same calls answering RawResponse: `await api.with_raw_response.songs.get(1)`."""
        return AsyncImuzeWithRawResponse(
            self.songs.with_raw_response, self.arrangements.with_raw_response
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


@dataclass(frozen=True)
class ImuzeWithRawResponse:
    """`api.with_raw_response`: `.songs` and `.arrangements`, whose calls answer a RawResponse."""

    songs: SongsWithRawResponse
    arrangements: ArrangementsWithRawResponse


@dataclass(frozen=True)
class AsyncImuzeWithRawResponse:
    """The async twin of ImuzeWithRawResponse."""

    songs: AsyncSongsWithRawResponse
    arrangements: AsyncArrangementsWithRawResponse


def authorize(key: str, *, base_url: str | None = None) -> Imuze:
    """A client that sends a developer key, as in the reference: `imuze.authorize("KEY")`."""
    return Imuze(api_key=key, base_url=base_url)
