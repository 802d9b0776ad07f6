"""Authentication as httpx.Auth flows: a static key, or a login whose token is cached.

Both flows attach credentials only to requests for the API's own origin (scheme, host,
port), so a media URL or anything else on another host never sees them. Redirects are
handled below the flow by httpx, which drops Authorization when the origin changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator, Mapping

import anyio
import httpx
from imuze_client.models import TokenCredentials, TokenRequest, TokenResponse

from . import _deadlines
from ._config import logger, origin
from ._responses import parse_response
from ._tolerance import Tolerance
from .redaction import REDACTED


def _time_left() -> float | None:
    """What is left of the call's deadline (None: no deadline)."""
    call = _deadlines.current()
    return None if call is None or call.deadline is None else call.deadline - time.monotonic()


def _late() -> httpx.PoolTimeout:
    return httpx.PoolTimeout("the call's deadline passed while another call logged in")


@contextlib.contextmanager
def _held(lock: threading.Lock) -> Iterator[None]:
    """The login lock, waited for no longer than the call's deadline."""
    left = _time_left()
    if not lock.acquire(timeout=-1 if left is None else max(left, 0.0)):
        raise _late()
    try:
        yield
    finally:
        lock.release()


@contextlib.asynccontextmanager
async def _aheld(lock: asyncio.Lock) -> AsyncIterator[None]:
    """The async twin of _held."""
    left = _time_left()
    try:
        with anyio.fail_after(None if left is None else max(left, 0.0)):
            await lock.acquire()
    except TimeoutError:
        raise _late() from None
    try:
        yield
    finally:
        lock.release()


class ApiKeyAuth(httpx.Auth):
    """Sends a developer key (or a token) as is, with no `Bearer` prefix."""

    def __init__(self, key: str, api_url: httpx.URL) -> None:
        self._key = key
        self._origin = origin(api_url)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin(request.url) == self._origin:
            request.headers["Authorization"] = self._key
        yield request

    def __repr__(self) -> str:
        return f"ApiKeyAuth(key={REDACTED})"


class LoginAuth(httpx.Auth):
    """Logs in through `POST /tokens` on first use, caches the token, logs in again once
    on a 401. A lock makes concurrent first calls share a single login; a call waits for
    another call's login no longer than its own deadline. The login answer
    is read like any other (`tolerance`: a 200 instead of 201 is tolerated, or strict)."""

    def __init__(
        self,
        email: str,
        password: str,
        api_url: httpx.URL,
        tolerance: Tolerance | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.email = email
        self._headers = dict(headers or {})
        self._tolerance = tolerance or Tolerance(api_url)
        self._password = password
        self._tokens_url = httpx.URL(str(api_url).rstrip("/") + "/tokens")
        self._origin = origin(api_url)
        self._token: str | None = None
        self._thread_lock = threading.Lock()
        self._async_lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"LoginAuth(email={self.email!r}, password={REDACTED})"

    def _login_request(self, request: httpx.Request) -> httpx.Request:
        """The login, sent as the call's own request is: our headers, its timeouts (the
        call's deadline bounds it too: it runs inside the same call)."""
        body = TokenRequest(token=TokenCredentials(email=self.email, password=self._password))
        extensions = (
            {"timeout": request.extensions["timeout"]} if "timeout" in (request.extensions) else {}
        )
        return httpx.Request(
            "POST",
            self._tokens_url,
            json=body.to_dict(),
            headers=self._headers,
            extensions=extensions,
        )

    def _accept_login(self, response: httpx.Response) -> str:
        try:
            token = parse_response(response, "createToken", TokenResponse, self._tolerance).response
        except Exception:
            logger.info("login failed (POST %s -> %d)", self._tokens_url.path, response.status_code)
            raise
        logger.info("logged in (POST %s -> %d)", self._tokens_url.path, response.status_code)
        self._token = token
        return token

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if origin(request.url) != self._origin:
            yield request
            return
        token = self._token
        if token is None:
            with _held(self._thread_lock):
                token = self._token
                if token is None:
                    login = yield self._login_request(request)
                    login.read()
                    token = self._accept_login(login)
        request.headers["Authorization"] = token
        response = yield request
        if response.status_code != 401:
            return
        with _held(self._thread_lock):
            if self._token in (token, None):  # nobody refreshed it meanwhile: log in again
                login = yield self._login_request(request)
                login.read()
                self._accept_login(login)
            assert self._token is not None
            request.headers["Authorization"] = self._token
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if origin(request.url) != self._origin:
            yield request
            return
        token = self._token
        if token is None:
            async with _aheld(self._async_lock):
                token = self._token
                if token is None:
                    login = yield self._login_request(request)
                    await login.aread()
                    token = self._accept_login(login)
        request.headers["Authorization"] = token
        response = yield request
        if response.status_code != 401:
            return
        async with _aheld(self._async_lock):
            if self._token in (token, None):
                login = yield self._login_request(request)
                await login.aread()
                self._accept_login(login)
            assert self._token is not None
            request.headers["Authorization"] = self._token
        yield request
