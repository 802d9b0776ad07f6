"""Media is media: a download checks the media type, the length where known and the
file's own signature; anything else is an UnexpectedMediaError describing the first bytes,
with no file left. Strict and tolerant modes agree."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from ext_helpers import API, CutStream, Recorder, song_json

from imuze_ext import AsyncImuze, Imuze, ResponseValidationError, UnexpectedMediaError
from imuze_ext._download import MP3, TIMELINE, Media

SIGN_IN = b"<!DOCTYPE html><html><head><title>Sign in to continue</title></head></html>"
FRAME = b"\xff\xfb\x90\x64" + bytes(400)
ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + FRAME

# (content type, body) -> accepted, for an mp3_url
MP3_CASES: list[tuple[str | None, bytes, bool]] = [
    ("audio/mpeg", ID3, True),
    ("audio/mpeg", FRAME, True),
    ("audio/mpeg; charset=binary", FRAME, True),
    ("application/octet-stream", ID3, True),  # storage services' generic type
    (None, FRAME, True),
    ("text/html; charset=utf-8", SIGN_IN, False),  # the sign-in page
    ("audio/mpeg", SIGN_IN, False),  # the type lies: the bytes decide
    (None, SIGN_IN, False),
    ("application/json", b'{"error": "expired"}', False),
    ("text/plain", ID3, False),  # the type says it is no mp3
    ("audio/mpeg", b"", False),
    ("audio/mpeg", b"ID", False),
]


def _server(content_type: str | None, body: bytes) -> Recorder:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/4/songs/1":
            return httpx.Response(200, json=song_json(1, "ready"))
        headers = {"Content-Type": content_type} if content_type else {}
        return httpx.Response(200, headers=headers, content=body)

    return Recorder(handle)


def _sync(rec: Recorder, dest: Path, strict: bool) -> Path:
    with Imuze(api_key="k", base_url=API, transport=rec.transport(), strict=strict) as api:
        return api.songs.download(1, dest)


def _async(rec: Recorder, dest: Path, strict: bool) -> Path:
    async def go() -> Path:
        transport = rec.transport()
        async with AsyncImuze(api_key="k", base_url=API, transport=transport, strict=strict) as api:
            return await api.songs.download(1, dest)

    return asyncio.run(go())


FACES: dict[str, Callable[[Recorder, Path, bool], Path]] = {"sync": _sync, "async": _async}


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize(("content_type", "body", "accepted"), MP3_CASES)
def test_an_mp3_download_is_an_mp3(
    content_type: str | None,
    body: bytes,
    accepted: bool,
    face: str,
    strict: bool,
    tmp_path: Path,
) -> None:
    dest = tmp_path / "song.mp3"
    rec = _server(content_type, body)
    if accepted:
        assert FACES[face](rec, dest, strict).read_bytes() == body
        return
    with pytest.raises(UnexpectedMediaError) as caught:
        FACES[face](rec, dest, strict)
    assert isinstance(caught.value, ResponseValidationError)
    assert list(tmp_path.iterdir()) == []  # no file, no temp file
    if body.startswith(b"<!DOCTYPE") and "text/html" not in str(content_type):
        assert "Sign in to" in str(caught.value) or "<!DOCTYPE" in str(caught.value)
    media_requests = [r for r in rec.requests if r.url.path.endswith("audio.mp3")]
    assert len(media_requests) == 1  # a wrong answer is not retried


def test_the_sign_in_page_is_described(tmp_path: Path) -> None:
    with pytest.raises(UnexpectedMediaError) as caught:
        _sync(_server(None, SIGN_IN), tmp_path, False)
    assert str(caught.value).startswith("mp3_url did not send an MP3: no Content-Type, starting")
    assert "'<!DOCTYPE html><html><head><title>Sign in to continue</title></h'" in str(caught.value)
    assert caught.value.head == SIGN_IN[:64]


def test_a_body_longer_than_its_length_is_refused(tmp_path: Path) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/4/songs/1":
            return httpx.Response(200, json=song_json(1, "ready"))
        stream = httpx.ByteStream(ID3)
        return httpx.Response(200, headers={"Content-Length": "20"}, stream=stream)

    with pytest.raises(ResponseValidationError, match="more than its 20"):
        _sync(Recorder(handle), tmp_path / "a.mp3", False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("media", "content_type", "body", "accepted"),
    [
        (TIMELINE, "application/json", b'{"sections": [], "notes": []}', True),
        (TIMELINE, None, b'{"sections": []}', True),
        (TIMELINE, "application/json", SIGN_IN, False),
        (TIMELINE, "text/html", b"{}", False),
        (TIMELINE, "application/json", b'{"sections": [', False),
        (MP3, "audio/mpeg", b'{"sections": []}', False),
    ],
)
def test_each_media_field_checks_its_own_promise(
    media: Media, content_type: str | None, body: bytes, accepted: bool
) -> None:
    """The checks of both media fields of the spec (mp3_url, timeline_url)."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.Response(200, headers=headers, content=body)
    try:
        media.check_type(response)
        media.check_head(body[:64], body if media.whole else None, response)
    except UnexpectedMediaError:
        assert not accepted
    else:
        assert accepted


def test_a_wrong_head_is_refused_as_it_arrives_not_resumed(tmp_path: Path) -> None:
    """The signature is checked once the first bytes are in: a page cut short is refused,
    not resumed until its end."""
    page = SIGN_IN * 4

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/4/songs/1":
            return httpx.Response(200, json=song_json(1, "ready"))
        headers = {"Content-Length": str(len(page) * 2), "ETag": '"v1"'}
        cut = CutStream(page, httpx.RemoteProtocolError)
        return httpx.Response(200, headers=headers, stream=cut)

    rec = Recorder(handle)
    with pytest.raises(UnexpectedMediaError):
        _sync(rec, tmp_path / "a.mp3", False)
    assert list(tmp_path.iterdir()) == []
    assert len([r for r in rec.requests if r.url.path.endswith("audio.mp3")]) == 1
