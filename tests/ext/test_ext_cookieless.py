"""A client of ours keeps no cookies: a Set-Cookie is dropped, no Cookie is ever sent."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from ext_helpers import API, Recorder, song_json

from imuze_ext import AsyncImuze, Imuze

SET = {"Set-Cookie": "session=s3cr3t; Path=/"}


def _answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/audio.mp3"):
        return httpx.Response(200, headers={**SET, "Content-Length": "3"}, content=b"ID3")
    if request.url.path.endswith("/songs/2"):  # a media URL behind a redirect that sets one
        return httpx.Response(302, headers={**SET, "Location": f"{API}/songs/1/audio.mp3"})
    return httpx.Response(200, headers=SET, json=song_json(1))


def _no_cookie_sent(rec: Recorder) -> None:
    assert len(rec.requests) >= 3
    assert [r.headers.get("Cookie") for r in rec.requests] == [None] * len(rec.requests)


def test_the_sync_client_keeps_no_cookie(tmp_path: Path) -> None:
    rec = Recorder(_answer)
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        api.songs.get(1)
        api.songs.get(1)
        api.songs.download(1, tmp_path / "a.mp3")
        assert list(api._http.cookies.jar) == []
        with pytest.raises(TypeError, match="no cookies"):
            api._http.cookies = {"a": "b"}
    _no_cookie_sent(rec)


def test_the_async_client_keeps_no_cookie(tmp_path: Path) -> None:
    rec = Recorder(_answer)

    async def run() -> None:
        async with AsyncImuze(api_key="k", base_url=API, transport=rec.transport()) as api:
            await api.songs.get(1)
            await api.songs.get(1)
            await api.songs.download(1, tmp_path / "a.mp3")
            assert list(api._http.cookies.jar) == []

    asyncio.run(run())
    _no_cookie_sent(rec)


def test_a_redirect_that_sets_a_cookie_does_not_pass_it_on() -> None:
    rec = Recorder(_answer)
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        response = api._http.get(f"{API}/songs/2")
        assert response.status_code == 200
        api.songs.get(1)
    assert [r.url.path.rsplit("/", 1)[-1] for r in rec.requests] == ["2", "audio.mp3", "1"]
    _no_cookie_sent(rec)
