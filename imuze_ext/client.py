"""The entry points: `Imuze`, `AsyncImuze` and `authorize`.

Each instance owns one pooled httpx client, with the auth flow, the retrying transport
and a finite default timeout, and hands it to the generated client, whose operations the
resources call.
"""

from __future__ import annotations

import copy
from types import TracebackType
from typing import Self

import httpx
from imuze_client import Client

from . import _calls, _config, _deadlines, _logging, _transports
from ._auth import ApiKeyAuth, LoginAuth
from ._cookieless import AsyncCookielessClient, CookielessClient
from ._retry import DEFAULT_MAX_RETRIES, AsyncRetryTransport, RetryTransport, default_deadline
from ._tolerance import Tolerance
from ._version import __version__
from .resources.arrangements import Arrangements, AsyncArrangements
from .resources.songs import AsyncSongs, Songs
from .resources.with_raw_response import AsyncImuzeWithRawResponse, ImuzeWithRawResponse

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""30 s for each attempt (its whole answer included), 10 s of it to connect: finite,
unlike the generated default. For a download, 30 s without a byte (a stall)."""

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)
"""Keep every pooled connection alive: httpx's default keeps 20, so a burst of concurrent
waits and downloads would reopen connections on each round."""

_HEADERS = {"Accept": "application/json", "User-Agent": f"imuze-python/{__version__}"}


def _auth(
    api_key: str | None,
    email: str | None,
    password: str | None,
    base_url: str,
    tolerance: Tolerance,
) -> httpx.Auth:
    credentials = _config.resolve_credentials(api_key, email, password)
    api_url = httpx.URL(base_url)
    if isinstance(credentials, _config.ApiKey):
        return ApiKeyAuth(credentials.key, api_url)
    return LoginAuth(credentials.email, credentials.password, api_url, tolerance, _HEADERS)


def _timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _limits(timeout: httpx.Timeout, max_retries: int, deadline: float | None) -> _deadlines.Limits:
    """The limits of each call: `timeout` per attempt, `deadline` per call (by default
    every attempt at its timeout plus the longest backoff before each retry)."""
    attempt = _deadlines.attempt_seconds(timeout)
    if deadline is None:
        return _deadlines.Limits(attempt, default_deadline(attempt, max_retries), max_retries)
    return _deadlines.Limits(
        attempt, _deadlines.check_seconds("deadline", deadline), max_retries, explicit=True
    )


def _check_retries(max_retries: int) -> int:
    if max_retries < 0:
        raise ValueError(f"max_retries must be >= 0, not {max_retries}")
    return max_retries


def _describe_auth(auth: httpx.Auth) -> str:
    return f"login as {auth.email}" if isinstance(auth, LoginAuth) else "api key"


class Imuze:
    """A synchronous iMuze client.

    Credentials: `api_key`, or `email` + `password`; else the environment variables
    IMUZE_API_KEY, or IMUZE_EMAIL and IMUZE_PASSWORD. `base_url` defaults to
    IMUZE_BASE_URL, else https://api.imuze.io/api/4. `max_retries` (default 2) bounds the
    retries of each call. `timeout` bounds each attempt's wall clock, its whole answer
    included; `deadline` (seconds) bounds each call, its login and retries included: by
    default `(max_retries + 1) * timeout + max_retries * 8` (106 s with the defaults). A
    call never sleeps past its deadline: it fails at once with its last error. Downloads
    differ: `timeout` is a stall limit there, and `download(..., deadline=)` (else this
    `deadline`, when you set one) bounds the whole transfer.
    `transport` replaces the network (e.g. for in-process tests).
    `http_client` sends through your own httpx.Client (its proxies, limits, event hooks and
    headers apply; ours add auth, retries and the base URL); you keep it and close it.
    Its timeout applies when it set one and `timeout` is not passed.
    `strict` (default: IMUZE_STRICT, else off) turns every deviation from the spec the
    client would tolerate into a ResponseValidationError that names it.
    Use it as a context manager, or call `close()`.
    """

    base_url: str
    max_retries: int
    deadline: float | None
    strict: bool
    timeout: httpx.Timeout
    arrangements: Arrangements
    songs: Songs

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
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        strict: bool | None = None,
    ) -> None:
        _logging.configure_from_env()
        _transports.check_one_bottom(transport, http_client)
        self.base_url = _config.resolve_base_url(base_url)
        self.strict = _config.resolve_strict(strict)
        self._tolerance = Tolerance(self.base_url, strict=self.strict)
        self._auth = _auth(api_key, email, password, self.base_url, self._tolerance)
        if http_client is not None:
            transport = _transports.ClientTransport(http_client)
        from . import _network  # httpcore: loaded by the first client, not `import imuze`

        self._bottom = transport or _network.http_transport(DEFAULT_LIMITS)
        self._connect(
            _transports.effective_timeout(timeout, DEFAULT_TIMEOUT, http_client),
            _check_retries(max_retries),
            deadline,
            self._bottom,
        )

    def _connect(
        self,
        timeout: httpx.Timeout,
        max_retries: int,
        deadline: float | None,
        bottom: httpx.BaseTransport,
    ) -> None:
        self.timeout = timeout
        self.max_retries = max_retries
        self._limits = _limits(timeout, max_retries, deadline)
        self.deadline = self._limits.deadline
        self._http = CookielessClient(
            base_url=self.base_url,
            auth=self._auth,
            timeout=timeout,
            headers=_HEADERS,
            follow_redirects=True,
            transport=RetryTransport(bottom, self._limits),
            event_hooks={"response": [_calls.remember_response]},
        )
        client = Client(base_url=self.base_url).set_httpx_client(self._http)
        self.arrangements = Arrangements(client, self._tolerance)
        self.songs = Songs(client, self._http, self._limits, self._tolerance)

    @property
    def with_raw_response(self) -> ImuzeWithRawResponse:
        """The same calls answering RawResponse: `api.with_raw_response.songs.get(1)`."""
        return ImuzeWithRawResponse(self.songs, self.arrangements)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
    ) -> Imuze:
        """A copy with another timeout, retry count or deadline (None keeps this client's;
        a deadline this client only derived is derived again) that shares this client's
        connection pool and login. This client is not changed, and it alone closes the
        pool: closing the copy leaves the pool open."""
        clone = copy.copy(self)
        kept = self._limits.deadline if self._limits.explicit else None
        clone._connect(
            self.timeout if timeout is None else _timeout(timeout),
            self.max_retries if max_retries is None else _check_retries(max_retries),
            kept if deadline is None else deadline,
            _transports.SharedTransport(self._bottom),
        )
        return clone

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Imuze(base_url={self.base_url!r}, auth={_describe_auth(self._auth)!r})"


class AsyncImuze:
    """The asynchronous twin of `Imuze`; use it with `async with`, or `await aclose()`.
    `http_client` is an httpx.AsyncClient of yours, which you keep and close."""

    base_url: str
    max_retries: int
    deadline: float | None
    strict: bool
    timeout: httpx.Timeout
    arrangements: AsyncArrangements
    songs: AsyncSongs

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
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        strict: bool | None = None,
    ) -> None:
        _logging.configure_from_env()
        _transports.check_one_bottom(transport, http_client)
        self.base_url = _config.resolve_base_url(base_url)
        self.strict = _config.resolve_strict(strict)
        self._tolerance = Tolerance(self.base_url, strict=self.strict)
        self._auth = _auth(api_key, email, password, self.base_url, self._tolerance)
        if http_client is not None:
            transport = _transports.AsyncClientTransport(http_client)
        from . import _network

        self._bottom = transport or _network.async_http_transport(DEFAULT_LIMITS)
        self._connect(
            _transports.effective_timeout(timeout, DEFAULT_TIMEOUT, http_client),
            _check_retries(max_retries),
            deadline,
            self._bottom,
        )

    def _connect(
        self,
        timeout: httpx.Timeout,
        max_retries: int,
        deadline: float | None,
        bottom: httpx.AsyncBaseTransport,
    ) -> None:
        self.timeout = timeout
        self.max_retries = max_retries
        self._limits = _limits(timeout, max_retries, deadline)
        self.deadline = self._limits.deadline
        self._http = AsyncCookielessClient(
            base_url=self.base_url,
            auth=self._auth,
            timeout=timeout,
            headers=_HEADERS,
            follow_redirects=True,
            transport=AsyncRetryTransport(bottom, self._limits),
            event_hooks={"response": [_calls.aremember_response]},
        )
        client = Client(base_url=self.base_url).set_async_httpx_client(self._http)
        self.arrangements = AsyncArrangements(client, self._tolerance)
        self.songs = AsyncSongs(client, self._http, self._limits, self._tolerance)

    @property
    def with_raw_response(self) -> AsyncImuzeWithRawResponse:
        """The same calls answering RawResponse: `await api.with_raw_response.songs.get(1)`."""
        return AsyncImuzeWithRawResponse(self.songs, self.arrangements)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
    ) -> AsyncImuze:
        """A copy with another timeout, retry count or deadline (None keeps this client's;
        a deadline this client only derived is derived again) that shares this client's
        connection pool and login. This client is not changed, and it alone closes the
        pool: closing the copy leaves the pool open."""
        clone = copy.copy(self)
        kept = self._limits.deadline if self._limits.explicit else None
        clone._connect(
            self.timeout if timeout is None else _timeout(timeout),
            self.max_retries if max_retries is None else _check_retries(max_retries),
            kept if deadline is None else deadline,
            _transports.AsyncSharedTransport(self._bottom),
        )
        return clone

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncImuze(base_url={self.base_url!r}, auth={_describe_auth(self._auth)!r})"


def authorize(key: str, *, base_url: str | None = None) -> Imuze:
    """A client that sends a developer key, as in the reference: `imuze.authorize("KEY")`."""
    return Imuze(api_key=key, base_url=base_url)
