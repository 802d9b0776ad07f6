"""Authentication as httpx.Auth flows: a static key, or a login whose token is cached.

Both flows attach credentials only to requests for the API's own origin (scheme, host,
port), so a media URL or anything else on another host never sees them. Redirects are
handled below the flow by httpx, which drops Authorization when the origin changes.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator, Generator, Mapping

import anyio
import httpx
from imuze_client.models import TokenCredentials, TokenRequest, TokenResponse

from . import _deadlines
from ._config import logger, origin
from ._responses import parse_response
from ._tolerance import Tolerance
from .redaction import REDACTED


def _lock_wait() -> float | None:
    """How long a call may wait for another call's login: until its deadline (None: no limit)."""
    call = _deadlines.current()
    if call is None or call.deadline is None:
        return None
    return max(call.deadline - time.monotonic(), 0.0)


_LATE = "the call's deadline passed while another call logged in"


class _LoginLock:
    """One login at a time (`with` in threads, `async with` in tasks), waited for no longer
    than the call's deadline."""

    def __init__(self) -> None:
        self._thread = threading.Lock()
        self._task = asyncio.Lock()

    def __enter__(self) -> None:
        wait = _lock_wait()
        if not self._thread.acquire(timeout=-1 if wait is None else wait):
            raise httpx.PoolTimeout(_LATE)

    def __exit__(self, *exc: object) -> None:
        self._thread.release()

    async def __aenter__(self) -> None:
        try:
            with anyio.fail_after(_lock_wait()):
                await self._task.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout(_LATE) from None

    async def __aexit__(self, *exc: object) -> None:
        self._task.release()


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
        tolerance: Tolerance,
        headers: Mapping[str, str],
    ) -> None:
        self.email = email
        self._headers = dict(headers)
        self._tolerance = tolerance
        credentials = TokenCredentials(email=email, password=password)
        self._login_body = TokenRequest(token=credentials).to_dict()
        self._tokens_url = httpx.URL(str(api_url).rstrip("/") + "/tokens")
        self._origin = origin(api_url)
        self._token = ""  # none yet
        self._lock = _LoginLock()

    def __repr__(self) -> str:
        return f"LoginAuth(email={self.email!r}, password={REDACTED})"

    def _login_request(self, request: httpx.Request) -> httpx.Request:
        """The login, sent as the call's own request is: our headers, its timeouts (the
        call's deadline bounds it too: it runs inside the same call)."""
        return httpx.Request(
            "POST",
            self._tokens_url,
            json=self._login_body,
            headers=self._headers,
            extensions={"timeout": request.extensions.get("timeout", {})},
        )

    def _accept_login(self, response: httpx.Response) -> None:
        """Keep the token of a login's answer (its body is read by the retrying transport)."""
        try:
            token = parse_response(response, "createToken", TokenResponse, self._tolerance).response
        except Exception:
            logger.info("login failed (POST %s -> %d)", self._tokens_url.path, response.status_code)
            raise
        logger.info("logged in (POST %s -> %d)", self._tokens_url.path, response.status_code)
        self._token = token

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if origin(request.url) != self._origin:
            yield request
            return
        refused = ""  # no token yet; after a 401, the token refused: log in again, once
        for _ in range(2):
            if self._token == refused:
                with self._lock:  # one login for concurrent calls
                    if self._token == refused:
                        self._accept_login((yield self._login_request(request)))
            refused = request.headers["Authorization"] = self._token
            if (yield request).status_code != 401:
                return

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if origin(request.url) != self._origin:
            yield request
            return
        refused = ""
        for _ in range(2):
            if self._token == refused:
                async with self._lock:
                    if self._token == refused:
                        self._accept_login((yield self._login_request(request)))
            refused = request.headers["Authorization"] = self._token
            if (yield request).status_code != 401:
                return
