"""A ready song's MP3 and timeline: real audio of the asked length, Content-Length, Range."""

from __future__ import annotations

import io
import json

import httpx
import mutagen.mp3
import pytest

from imuze_mock import DEMO, MockConfig


@pytest.mark.parametrize("length", [1, 7, 30])
async def test_mp3_decodes_to_the_desired_length(api, length):
    auth = await api.login()
    song = await api.song_ready(auth, length=length, arrangement_id=length % 14 + 1)
    mp3 = (await api.client.get(song["mp3_url"], headers=auth)).content
    info = mutagen.mp3.MP3(io.BytesIO(mp3)).info
    assert abs(info.length - length) <= 0.5
    assert info.channels == 1 and info.sample_rate == 22050


async def test_timeline_has_sections_and_notes(api):
    auth = await api.login()
    song = await api.song_ready(auth, length=20)
    response = await api.client.get(song["timeline_url"], headers=auth)
    assert response.headers["content-type"] == "application/json"
    timeline = response.json()
    assert [s["name"] for s in timeline["sections"]][:3] == ["intro", "verse", "chorus"]
    assert sum(s["duration"] for s in timeline["sections"]) == pytest.approx(20)
    notes = timeline["notes"]
    assert notes and all({"start", "duration", "pitch"} <= set(n) for n in notes)
    assert notes[-1]["start"] + notes[-1]["duration"] == pytest.approx(20, abs=1e-3)
    assert all(0 <= n["pitch"] <= 127 for n in notes)
    assert (
        timeline["musical_mode"] == (await api.create(auth, song["title"])).json()["musical_mode"]
    )


async def test_range_requests(api):
    auth = await api.login()
    song = await api.song_ready(auth)
    full = (await api.client.get(song["mp3_url"], headers=auth)).content
    size = len(full)

    async def fetch(range_header):
        return await api.client.get(song["mp3_url"], headers={**auth, "Range": range_header})

    first = await fetch("bytes=0-99")
    assert first.status_code == 206
    assert first.content == full[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    assert first.headers["content-length"] == "100"

    tail = await fetch("bytes=-10")
    assert tail.status_code == 206 and tail.content == full[-10:]
    open_ended = await fetch(f"bytes={size - 5}-")
    assert open_ended.content == full[-5:]
    clipped = await fetch(f"bytes=10-{size * 2}")
    assert clipped.content == full[10:]
    assert clipped.headers["content-range"] == f"bytes 10-{size - 1}/{size}"

    for unsatisfiable in (f"bytes={size}-", "bytes=-0"):
        response = await fetch(unsatisfiable)
        assert response.status_code == 416
        assert response.headers["content-range"] == f"bytes */{size}"
        assert response.json()["code"] == 416

    # Several ranges, other units or garbage: the whole file, as RFC 9110 allows.
    for ignored in ("bytes=0-1,5-6", "items=0-1", "bytes=abc", "bytes=9-3"):
        response = await fetch(ignored)
        assert response.status_code == 200 and response.content == full


async def test_timeline_supports_range_too(api):
    auth = await api.login()
    song = await api.song_ready(auth)
    full = (await api.client.get(song["timeline_url"], headers=auth)).content
    part = await api.client.get(song["timeline_url"], headers={**auth, "Range": "bytes=1-8"})
    assert part.status_code == 206 and part.content == full[1:9]
    json.loads(full)


async def test_media_over_real_sockets(socket_api):
    auth = await socket_api.login()
    song = await socket_api.song_ready(auth, length=2)
    response = await socket_api.client.get(song["mp3_url"], headers={**auth, "Range": "bytes=0-3"})
    assert response.status_code == 206 and len(response.content) == 4
    assert song["mp3_url"].startswith(str(socket_api.client.base_url).rstrip("/"))


async def test_same_title_and_arrangement_download_identical_bytes(api):
    auth = await api.login()
    first = await api.song_ready(auth, title="Same Seed", arrangement_id=7, length=4)
    second = await api.song_ready(auth, title="Same Seed", arrangement_id=7, length=4)
    other = await api.song_ready(auth, title="Other Seed", arrangement_id=7, length=4)
    assert first["id"] != second["id"]

    async def mp3(song):
        return (await api.client.get(song["mp3_url"], headers=auth)).content

    assert await mp3(first) == await mp3(second)
    assert await mp3(first) != await mp3(other)


@pytest.mark.parametrize("dialect", ["spec", "rails"])
async def test_a_chosen_media_query_and_chosen_tokens(make_api, dialect):
    # Test-only options: a presigned-looking query on every media URL, tokens of our own.
    issued = iter(["tok-one", "tok-two"])
    query = "X-Amz-Credential=AKIA%2Fx&X-Amz-Signature=s1gn%22ed"
    config = MockConfig(
        render_delay=0.0, dialect=dialect, media_query=query, issue_token=lambda: next(issued)
    )
    async with make_api(config) as api:
        login = {"token": {"email": DEMO.email, "password": DEMO.password}}
        token = (await api.client.post("/tokens", json=login)).json()["response"]
        assert token == "tok-one"
        auth = {"Authorization": token}
        created = await api.create(auth, length=2)
        song = await api.wait_ready(auth, created.json()["id"])
        for url in (song["mp3_url"], song["timeline_url"]):
            assert url.endswith(f"?{query}")
            absolute = httpx.URL("http://mock.test/api/4/").join(url)
            assert (await api.client.get(absolute, headers=auth)).status_code == 200
