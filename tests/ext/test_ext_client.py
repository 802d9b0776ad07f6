"""Entry points: configuration, secrets kept out of reprs and messages, and the documented
workflow end to end against the live mock, sync and async."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import httpx
import mutagen.mp3
import pytest
from ext_helpers import API, Recorder, error_body
from imuze_client.models import Arrangement, ArrangementList, Song, SongCreated, SongList

import imuze_ext
from imuze_ext import (
    DEFAULT_TIMEOUT,
    AsyncImuze,
    AuthenticationError,
    Imuze,
    MissingCredentialsError,
    NotFoundError,
    authorize,
)
from imuze_ext._config import (
    ApiKey,
    Login,
    resolve_base_url,
    resolve_credentials,
)
from imuze_mock import MockServer


def test_explicit_arguments_win_over_the_environment() -> None:
    env = {"IMUZE_API_KEY": "env-key", "IMUZE_EMAIL": "env@x.io", "IMUZE_PASSWORD": "env-pw"}
    assert resolve_credentials("arg-key", None, None, env) == ApiKey("arg-key")
    assert resolve_credentials(None, "me@x.io", "pw", env) == Login("me@x.io", "pw")
    assert resolve_credentials(None, "me@x.io", None, env) == Login("me@x.io", "env-pw")
    assert resolve_credentials(None, None, None, env) == ApiKey("env-key")
    del env["IMUZE_API_KEY"]
    assert resolve_credentials(None, None, None, env) == Login("env@x.io", "env-pw")


def test_credentials_show_no_secret_in_their_repr() -> None:
    assert "key-SECRET" not in repr(ApiKey("key-SECRET"))
    assert repr(Login("me@x.io", "pa55-SECRET")) == "Login(email='me@x.io')"


@pytest.mark.parametrize(
    "env", [{}, {"IMUZE_EMAIL": "me@x.io"}, {"IMUZE_PASSWORD": "pw"}, {"IMUZE_API_KEY": ""}]
)
def test_missing_credentials_name_the_variables(env: dict[str, str]) -> None:
    with pytest.raises(MissingCredentialsError) as caught:
        resolve_credentials(None, None, None, env)
    message = str(caught.value)
    assert any(name in message for name in ("IMUZE_API_KEY", "IMUZE_EMAIL", "IMUZE_PASSWORD"))
    if not env:
        assert all(n in message for n in ("IMUZE_API_KEY", "IMUZE_EMAIL", "IMUZE_PASSWORD"))


def test_imuze_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IMUZE_API_KEY", "IMUZE_EMAIL", "IMUZE_PASSWORD", "IMUZE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(MissingCredentialsError):
        Imuze()
    monkeypatch.setenv("IMUZE_API_KEY", "env-key")
    with Imuze() as api:
        assert api.base_url == "https://api.imuze.io/api/4"
    monkeypatch.setenv("IMUZE_BASE_URL", "http://127.0.0.1:8000/api/4/")
    with Imuze() as api, Imuze(base_url="http://other.test/api/4") as explicit:
        assert api.base_url == "http://127.0.0.1:8000/api/4"
        assert explicit.base_url == "http://other.test/api/4"


@pytest.mark.parametrize("url", ["ftp://x/api/4", "not a url", "http:///api/4"])
def test_a_bad_base_url_is_a_clear_error(url: str) -> None:
    with pytest.raises(imuze_ext.ImuzeError, match="base URL"):
        resolve_base_url(url, {})


def test_the_default_timeout_is_finite() -> None:
    assert all(
        t is not None and t > 0
        for t in (
            DEFAULT_TIMEOUT.connect,
            DEFAULT_TIMEOUT.read,
            DEFAULT_TIMEOUT.write,
            DEFAULT_TIMEOUT.pool,
        )
    )
    with Imuze(api_key="k", base_url=API) as api:
        assert api._http.timeout == DEFAULT_TIMEOUT


def test_no_secret_in_reprs_messages_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            return httpx.Response(201, json={"response": "tok-SECRET-42"})
        return httpx.Response(401, json=error_body(401, "unauthorized", "bad token"))

    secrets = ("pa55-SECRET", "tok-SECRET-42", "key-SECRET-7")
    caplog.set_level(logging.DEBUG, logger="imuze_ext")
    rec = Recorder(handle)
    with Imuze(
        email="me@x.io", password="pa55-SECRET", base_url=API, transport=rec.transport()
    ) as api:
        with pytest.raises(AuthenticationError) as caught:
            api.songs.list()
        texts = [repr(api), repr(api._auth), str(caught.value), repr(caught.value)]
    with authorize("key-SECRET-7", base_url=API) as keyed:
        texts += [repr(keyed), repr(keyed._auth)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("[redacted]" in record.getMessage() for record in caplog.records)
    for text in texts:
        for secret in secrets:
            assert secret not in text, text


@pytest.mark.usefixtures("imuze_logger_kept")
def test_the_logger_is_silent_by_default_and_on_with_imuze_log(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each client reads IMUZE_LOG when it is made: set, it logs; unset again, a later
    client in the same process is silent again (the latest setting wins)."""
    monkeypatch.delenv("IMUZE_LOG", raising=False)
    rec = Recorder(lambda r: httpx.Response(200, json={"count": 0, "response": []}))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        api.songs.list()
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("IMUZE_LOG", "info")
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        api.songs.list()
    assert "GET /api/4/songs -> 200 (attempt 1" in capsys.readouterr().err
    monkeypatch.delenv("IMUZE_LOG")
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        api.songs.list()
    assert capsys.readouterr().err == ""


def test_the_documented_workflow_with_the_reference_spellings(
    imuze_mock_server: MockServer, tmp_path: Path
) -> None:
    server = imuze_mock_server
    with authorize(server.demo.api_key or "", base_url=server.base_url) as api:
        arrangements = api.arrangements.get()
        assert isinstance(arrangements, ArrangementList)
        assert arrangements.count == len(arrangements.response) > 0
        first = api.arrangements.get(arrangements.response[0].id)
        assert isinstance(first, Arrangement)
        created = api.songs.post(
            title="Morning Over The Bay", arrangement_id=first.id, tags=[], desired_length=3
        )
        assert isinstance(created, SongCreated) and created.arrangement_id == first.id
        listed = api.songs.get()
        assert isinstance(listed, SongList) and [s.id for s in listed.response] == [created.id]
        song = api.songs.wait(created, timeout=30.0, interval=0.05)
        assert isinstance(song, Song) and song.mp3_url
        path = api.songs.download(song, tmp_path / "song.mp3")
        assert mutagen.mp3.MP3(path).info.length == pytest.approx(3.0, abs=0.5)  # type: ignore[no-untyped-call]
        with pytest.raises(NotFoundError):
            api.songs.get(10_000)


def test_scopes_keep_songs_private(imuze_mock_server: MockServer) -> None:
    server = imuze_mock_server
    with (
        Imuze(
            email=server.demo.email, password=server.demo.password, base_url=server.base_url
        ) as demo,
        Imuze(api_key=server.other.api_key, base_url=server.base_url) as other,
    ):
        created = demo.songs.create(title="Night Drive", tags=["rock"], desired_length=2)
        with pytest.raises(NotFoundError):
            other.songs.get(created.id)
        assert other.songs.list().count == 0


async def test_async_compose_end_to_end(imuze_mock_server: MockServer, tmp_path: Path) -> None:
    server = imuze_mock_server
    async with AsyncImuze(
        email=server.demo.email, password=server.demo.password, base_url=server.base_url
    ) as api:
        assert server.demo.password not in repr(api)
        arrangements = await api.arrangements.get()
        assert arrangements.count > 0
        path = await api.songs.compose(
            title="Quiet Harbour", tags=["calm"], desired_length=2, dest=tmp_path, timeout=30.0
        )
        assert path.parent == tmp_path and path.stat().st_size > 0
        song = (await api.songs.list()).response[0]
        assert song.status == "ready"


def test_sync_compose(imuze_mock_server: MockServer, tmp_path: Path) -> None:
    server = imuze_mock_server
    seen: list[int] = []
    with Imuze(api_key=server.demo.api_key, base_url=server.base_url) as api:
        path = api.songs.compose(
            title="Red Sky",
            tags=["rock"],
            desired_length=2,
            dest=tmp_path,
            progress=lambda got, total: seen.append(got),
        )
    assert path.stat().st_size == seen[-1]


def test_negative_retries_are_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        Imuze(api_key="k", base_url=API, max_retries=-1)


async def test_a_burst_of_concurrent_calls_keeps_its_connections(
    imuze_mock_server: MockServer,
) -> None:
    # httpx keeps only 20 idle connections by default: after a burst of 32 concurrent calls
    # it would close 12, and the next burst of waits or downloads would reopen them.
    opened = 0

    async def trace(event: str, info: dict[str, Any]) -> None:
        nonlocal opened
        opened += event == "connection.connect_tcp.complete"

    async def add_trace(request: httpx.Request) -> None:
        request.extensions["trace"] = trace

    server = imuze_mock_server
    async with AsyncImuze(api_key=server.demo.api_key, base_url=server.base_url) as api:
        api._http.event_hooks["request"].append(add_trace)
        pool = api._bottom.pool  # type: ignore[attr-defined]
        for _ in range(3):
            await asyncio.gather(*(api.arrangements.list() for _ in range(32)))
            assert len(pool.connections) == 32
    assert opened == 32
