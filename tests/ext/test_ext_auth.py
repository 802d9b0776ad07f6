"""Auth flows: the key as is, one cached login, one re-login on 401, credentials kept home."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from ext_helpers import API, Recorder, error_body, song_json

from imuze_ext import (
    APIConnectionError,
    APITimeoutError,
    AsyncImuze,
    AuthenticationError,
    Imuze,
    RedirectRefusedError,
)
from imuze_mock import MockConfig, MockServer, running


class Counting(httpx.BaseTransport):
    """Real sockets, with a count of the requests per (method, path)."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.seen: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        return self._inner.handle_request(request)

    def logins(self) -> int:
        return sum(1 for method, path in self.seen if (method, path) == ("POST", "/api/4/tokens"))

    def close(self) -> None:
        self._inner.close()


class AsyncCounting(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.logins = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.logins += request.url.path.endswith("/tokens")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def test_a_key_is_sent_as_is() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json={"count": 0, "response": []}))
    with Imuze(api_key="dev-key-123", base_url=API, transport=rec.transport()) as api:
        api.arrangements.list()
    assert rec.requests[0].headers["Authorization"] == "dev-key-123"


def test_login_once_then_the_cached_token() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            return httpx.Response(201, json={"response": "tok-1"})
        return httpx.Response(200, json={"count": 0, "response": []})

    rec = Recorder(handle)
    with Imuze(email="me@x.io", password="s3cret", base_url=API, transport=rec.transport()) as api:
        api.arrangements.list()
        api.songs.list()
    assert rec.paths() == ["/api/4/tokens", "/api/4/arrangements", "/api/4/songs"]
    assert json.loads(rec.requests[0].content) == {
        "token": {"email": "me@x.io", "password": "s3cret"}
    }
    assert "Authorization" not in rec.requests[0].headers
    assert [r.headers["Authorization"] for r in rec.requests[1:]] == ["tok-1", "tok-1"]


def test_a_401_logs_in_again_once_then_retries() -> None:
    tokens = iter(["old", "new"])

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            return httpx.Response(201, json={"response": next(tokens)})
        if request.headers["Authorization"] == "old":
            return httpx.Response(401, json=error_body(401, "unauthorized", "expired token"))
        return httpx.Response(200, json=song_json())

    rec = Recorder(handle)
    with Imuze(email="me@x.io", password="pw", base_url=API, transport=rec.transport()) as api:
        assert api.songs.get(1).id == 1
    assert rec.paths() == ["/api/4/tokens", "/api/4/songs/1", "/api/4/tokens", "/api/4/songs/1"]


def test_a_second_401_is_an_authentication_error_without_a_login_loop() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            return httpx.Response(201, json={"response": "tok"})
        return httpx.Response(401, json=error_body(401, "unauthorized", "nope"))

    rec = Recorder(handle)
    with Imuze(email="me@x.io", password="pw", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(AuthenticationError):
            api.songs.list()
    assert rec.paths().count("/api/4/tokens") == 2
    assert rec.paths().count("/api/4/songs") == 2


def test_a_key_is_not_refreshed_on_401() -> None:
    rec = Recorder(lambda r: httpx.Response(401, json=error_body(401, "unauthorized", "bad key")))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(AuthenticationError):
            api.songs.list()
    assert rec.paths() == ["/api/4/songs"]


def test_a_wrong_password_is_an_authentication_error_without_the_password(
    imuze_mock_server: MockServer,
) -> None:
    with Imuze(
        email="demo@imuze.io", password="wrong-Pa55", base_url=imuze_mock_server.base_url
    ) as api:
        with pytest.raises(AuthenticationError) as caught:
            api.arrangements.list()
    assert caught.value.status_code == 401
    assert "wrong-Pa55" not in str(caught.value) + repr(caught.value)


def test_concurrent_first_calls_share_one_login(imuze_mock_server: MockServer) -> None:
    transport = Counting()
    demo = imuze_mock_server.demo
    with (
        Imuze(
            email=demo.email,
            password=demo.password,
            base_url=imuze_mock_server.base_url,
            transport=transport,
        ) as api,
        ThreadPoolExecutor(8) as pool,
    ):
        counts = list(pool.map(lambda _: api.arrangements.list().count, range(16)))
    assert len(set(counts)) == 1
    assert transport.logins() == 1


async def test_concurrent_async_calls_share_one_login(imuze_mock_server: MockServer) -> None:
    transport = AsyncCounting()
    demo = imuze_mock_server.demo
    async with AsyncImuze(
        email=demo.email,
        password=demo.password,
        base_url=imuze_mock_server.base_url,
        transport=transport,
    ) as api:
        lists = await asyncio.gather(*(api.arrangements.list() for _ in range(16)))
    assert {a.count for a in lists} == {lists[0].count}
    assert transport.logins == 1


def test_an_expired_token_is_renewed_against_the_mock() -> None:
    transport = Counting()
    with (
        running(MockConfig(token_ttl=0.3)) as server,
        Imuze(
            email=server.demo.email,
            password=server.demo.password,
            base_url=server.base_url,
            transport=transport,
        ) as api,
    ):
        api.songs.list()
        time.sleep(0.4)  # let the mock expire the token; the next call must re-login
        api.songs.list()
    assert transport.logins() == 2
    assert transport.seen.count(("GET", "/api/4/songs")) == 3  # one answered 401


def _download_handler(media_url: str) -> Recorder:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            return httpx.Response(201, json={"response": "tok-secret"})
        if request.url.path == "/api/4/songs/1":
            return httpx.Response(200, json=song_json(1, mp3_url=media_url))
        if request.url.host == "api.test" and request.url.path == "/api/4/hop":
            return httpx.Response(302, headers={"Location": "http://cdn.test/audio.mp3"})
        return httpx.Response(200, content=b"ID3-not-really-an-mp3")

    return Recorder(handle)


@pytest.mark.parametrize(
    "media_url",
    [
        "http://cdn.test/songs/1/audio.mp3",  # another host
        "https://api.test/api/4/songs/1/audio.mp3",  # another scheme
        "http://api.test:8080/api/4/songs/1/audio.mp3",  # another port
        f"{API}/hop",  # the API's own host, redirecting elsewhere
    ],
)
@pytest.mark.parametrize(
    "credentials", [{"api_key": "tok-secret"}, {"email": "me@x.io", "password": "pw"}]
)
def test_credentials_never_leave_the_api_origin(
    tmp_path: Path, media_url: str, credentials: dict[str, str]
) -> None:
    rec = _download_handler(media_url)
    with Imuze(base_url=API, transport=rec.transport(), **credentials) as api:  # type: ignore[arg-type]
        path = api.songs.download(1, tmp_path)
    assert path.read_bytes() == b"ID3-not-really-an-mp3"
    media = rec.requests[-1]
    assert media.url != httpx.URL(f"{API}/songs/1")
    assert "Authorization" not in media.headers
    for request in rec.requests:
        has_auth = "Authorization" in request.headers
        home = (request.url.scheme, request.url.host, request.url.port) == (
            "http",
            "api.test",
            None,
        )
        assert not has_auth or home


def test_same_origin_media_gets_the_token(tmp_path: Path) -> None:
    rec = _download_handler(f"{API}/songs/1/audio.mp3")
    with Imuze(api_key="tok-secret", base_url=API, transport=rec.transport()) as api:
        api.songs.download(1, tmp_path)
    assert rec.requests[-1].headers["Authorization"] == "tok-secret"


async def test_concurrent_401s_share_one_relogin() -> None:
    tokens = iter(["old", "new", "newer"])

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            return httpx.Response(201, json={"response": next(tokens)})
        if request.headers["Authorization"] != "new":
            return httpx.Response(401, json=error_body(401, "unauthorized", "expired"))
        return httpx.Response(200, json={"count": 0, "response": []})

    rec = Recorder(handle)
    async with AsyncImuze(
        email="me@x.io", password="pw", base_url=API, transport=rec.transport()
    ) as api:
        lists = await asyncio.gather(*(api.songs.list() for _ in range(10)))
    assert all(listed.count == 0 for listed in lists)
    assert rec.paths().count("/api/4/tokens") == 2


@pytest.mark.parametrize("status", [307, 308])
@pytest.mark.parametrize(
    "elsewhere", ["http://evil.test/collect", "https://api.test/api/4/tokens", "//api.test:81/t"]
)
def test_a_login_redirected_to_another_origin_is_refused(status: int, elsewhere: str) -> None:
    """A 307/308 re-sends the body: the password must not follow it to another host, port
    or scheme (issue 24, defect 3). Sync and async."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path.endswith("/tokens") and request.url.host == "api.test":
            if request.url.port in (None, 80) and request.url.scheme == "http":
                return httpx.Response(status, headers={"Location": elsewhere})
        return httpx.Response(201, json={"response": "stolen-token"})

    password = "the-secret-password-42"
    with Imuze(
        email="a@b.c", password=password, base_url=API, transport=httpx.MockTransport(handle)
    ) as api:
        with pytest.raises(RedirectRefusedError) as caught:
            api.songs.list()
    location = str(httpx.URL(API).join(elsewhere))
    assert caught.value.location == location and location in str(caught.value)
    assert password not in str(caught.value)

    async def run() -> None:
        async with AsyncImuze(
            email="a@b.c", password=password, base_url=API, transport=httpx.MockTransport(handle)
        ) as api:
            with pytest.raises(RedirectRefusedError):
                await api.songs.list()

    asyncio.run(run())
    assert len(sent) == 2  # the two logins; nothing went to the other origin
    assert all(str(r.url) == f"{API}/tokens" for r in sent)


def test_a_login_redirected_within_the_origin_is_followed() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/4/tokens":
            return httpx.Response(308, headers={"Location": "/api/4/tokens/"})
        if request.url.path == "/api/4/tokens/":
            return httpx.Response(201, json={"response": "a-token"})
        assert request.headers["Authorization"] == "a-token"
        return httpx.Response(200, json={"count": 0, "response": []})

    with Imuze(
        email="a@b.c", password="pw", base_url=API, transport=httpx.MockTransport(handle)
    ) as api:
        assert api.songs.list().count == 0


def _slow_login(seconds: float) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            time.sleep(seconds)
            return httpx.Response(201, json={"response": "slow-token"})
        return httpx.Response(200, json={"count": 0, "response": []})

    return handle


def test_a_call_waits_for_another_calls_login_no_longer_than_its_deadline() -> None:
    """Issue 24, defect 12: with another call's login taking 2 s, a call with deadline=0.5
    ends at its deadline, not after the login."""
    transport = httpx.MockTransport(_slow_login(2.0))
    with Imuze(email="a@b.c", password="pw", base_url=API, transport=transport) as api:
        hurried = api.with_options(deadline=0.5)
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(api.songs.list)
            time.sleep(0.2)  # the first call holds the login
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as caught:
                hurried.songs.list()
            waited = time.monotonic() - started
            assert first.result().count == 0
    assert waited < 0.9, waited
    assert caught.value.limit == "deadline"


async def test_an_async_call_waits_for_another_calls_login_no_longer_than_its_deadline() -> None:
    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            await asyncio.sleep(2.0)
            return httpx.Response(201, json={"response": "slow-token"})
        return httpx.Response(200, json={"count": 0, "response": []})

    transport = httpx.MockTransport(handle)
    async with AsyncImuze(email="a@b.c", password="pw", base_url=API, transport=transport) as api:
        hurried = api.with_options(deadline=0.5)
        first = asyncio.create_task(api.songs.list())
        await asyncio.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            await hurried.songs.list()
        waited = time.monotonic() - started
        assert (await first).count == 0
    assert waited < 0.9, waited
    assert caught.value.limit == "deadline"


def test_a_failed_call_keeps_no_answer_alive() -> None:
    """The login's answer (its body holds the token) is recorded by the response hook; when
    the call then fails without an answer of its own, the record is dropped too."""
    from imuze_ext import _responses

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            return httpx.Response(201, json={"response": "a-token-kept-nowhere"})
        raise httpx.ConnectError("refused", request=request)

    with Imuze(
        email="a@b.c",
        password="pw",
        base_url=API,
        max_retries=0,
        transport=httpx.MockTransport(handle),
    ) as api:
        with pytest.raises(APIConnectionError):
            api.songs.list()
        assert _responses._last_response.get() is None
