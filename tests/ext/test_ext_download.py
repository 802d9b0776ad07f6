"""Downloads: whole file or nothing, Content-Length checked, resumed with Range, sync and async."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import mutagen.mp3
import pytest
from ext_helpers import API, Recorder, song_json

from imuze_ext import (
    APIConnectionError,
    AsyncImuze,
    DestinationExistsError,
    Imuze,
    NotFoundError,
    ResponseValidationError,
    SongNotReadyError,
)
from imuze_mock import MockConfig, MockServer, running

MEDIA = f"{API}/songs/1/audio.mp3"
PAYLOAD = b"ID3" + (bytes(range(256)) * 40)[3:]  # 10 240 bytes


class CutStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Sends `data`, then breaks the connection like a server that died mid-body."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __iter__(self) -> Iterator[bytes]:
        yield self._data
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._data
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def _media_server(*media: Callable[[], httpx.Response]) -> Recorder:
    """The API answers a ready song; its media URL answers `media()` in order (last repeats)."""
    answers = list(media)

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/4/songs/1":
            return httpx.Response(200, json=song_json(1, "ready"))
        return (answers.pop(0) if len(answers) > 1 else answers[0])()

    return Recorder(handle)


def _cut(start: int, upto: int, status: int = 200) -> httpx.Response:
    headers = {"Content-Length": str(len(PAYLOAD) - start), "ETag": '"v1"'}
    if status == 206:
        headers["Content-Range"] = f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}"
    return httpx.Response(status, headers=headers, stream=CutStream(PAYLOAD[start:upto]))


def _whole(start: int = 0, status: int = 200) -> httpx.Response:
    headers = {"Content-Length": str(len(PAYLOAD) - start), "ETag": '"v1"'}
    if status == 206:
        headers["Content-Range"] = f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}"
    return httpx.Response(status, headers=headers, content=PAYLOAD[start:])


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_download_that_keeps_breaking_leaves_nothing(tmp_path: Path) -> None:
    rec = _media_server(lambda: _cut(0, 4000))
    with Imuze(api_key="k", base_url=API, transport=rec.transport(), max_retries=2) as api:
        with pytest.raises(APIConnectionError, match="download"):
            api.songs.download(1, tmp_path)
    assert _listing(tmp_path) == []
    assert len(rec.paths()) == 1 + 3  # the song, then three attempts at the media


def test_a_failed_download_keeps_the_previous_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "keep.mp3"
    target.write_bytes(b"the old, complete file")
    rec = _media_server(lambda: _cut(0, 100))
    with Imuze(api_key="k", base_url=API, transport=rec.transport(), max_retries=1) as api:
        with pytest.raises(APIConnectionError):
            api.songs.download(1, target, overwrite=True)
    assert target.read_bytes() == b"the old, complete file"
    assert _listing(tmp_path) == ["keep.mp3"]


def test_a_body_shorter_than_content_length_is_not_accepted(tmp_path: Path) -> None:
    short = httpx.Response(
        200, headers={"Content-Length": str(len(PAYLOAD))}, stream=httpx.ByteStream(PAYLOAD[:10])
    )
    rec = _media_server(lambda: short)
    with Imuze(api_key="k", base_url=API, transport=rec.transport(), max_retries=0) as api:
        with pytest.raises(APIConnectionError, match="10 of 10240 bytes"):
            api.songs.download(1, tmp_path)
    assert _listing(tmp_path) == []


def test_a_broken_download_resumes_with_range(tmp_path: Path) -> None:
    rec = _media_server(
        lambda: _cut(0, 4000), lambda: _cut(4000, 7000, 206), lambda: _whole(7000, 206)
    )
    seen: list[tuple[int, int | None]] = []
    with Imuze(api_key="k", base_url=API, transport=rec.transport(), max_retries=3) as api:
        path = api.songs.download(
            1, tmp_path, progress=lambda got, total: seen.append((got, total))
        )
    assert path.read_bytes() == PAYLOAD
    ranges = [r.headers.get("Range") for r in rec.requests[1:]]
    assert ranges == [None, "bytes=4000-", "bytes=7000-"]
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert _listing(tmp_path) == [path.name]


def test_a_server_that_ignores_range_restarts_cleanly(tmp_path: Path) -> None:
    rec = _media_server(lambda: _cut(0, 4000), lambda: _whole())
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        path = api.songs.download(1, tmp_path / "song.mp3")
    assert path == tmp_path / "song.mp3"
    assert path.read_bytes() == PAYLOAD


def test_a_media_error_status_is_typed_and_leaves_nothing(tmp_path: Path) -> None:
    gone = httpx.Response(
        404, json={"code": 404, "error": "not_found", "message": "no audio", "field": None}
    )
    rec = _media_server(lambda: gone)
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(NotFoundError, match="no audio"):
            api.songs.download(1, tmp_path)
    assert _listing(tmp_path) == []


async def test_async_resume_and_failure(tmp_path: Path) -> None:
    rec = _media_server(lambda: _cut(0, 5000), lambda: _whole(5000, 206))
    async with AsyncImuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        path = await api.songs.download(1, tmp_path)
    assert path.read_bytes() == PAYLOAD
    rec = _media_server(lambda: _cut(0, 5000))
    empty = tmp_path / "empty"
    empty.mkdir()
    async with AsyncImuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(APIConnectionError):
            await api.songs.download(1, empty)
    assert _listing(empty) == []


def _duration(path: Path) -> float:
    return float(mutagen.mp3.MP3(path).info.length)  # type: ignore[no-untyped-call]


def test_download_from_the_mock_is_a_real_mp3(
    imuze_mock_server: MockServer, tmp_path: Path
) -> None:
    server = imuze_mock_server
    with Imuze(api_key=server.demo.api_key, base_url=server.base_url) as api:
        created = api.songs.create(title="Morning Over The Bay", tags=["calm"], desired_length=4)
        with pytest.raises(SongNotReadyError):
            api.songs.download(created.id, tmp_path)  # still processing
        song = api.songs.wait(created, timeout=30.0, interval=0.05)
        progress: list[int] = []
        path = api.songs.download(song, tmp_path, progress=lambda got, total: progress.append(got))
    assert path.name == f"morning-over-the-bay-{song.id}.mp3"
    assert _listing(tmp_path) == [path.name]
    assert progress == sorted(progress) and progress[-1] == path.stat().st_size
    assert _duration(path) == pytest.approx(4.0, abs=0.5)


def test_truncating_mock_gives_whole_files_or_nothing(tmp_path: Path) -> None:
    config = MockConfig(render_delay=0.05, faults="truncate:0.35,reset:0.1", seed=11)
    saved: list[Path] = []
    failures = 0
    with (
        running(config) as server,
        Imuze(api_key=server.demo.api_key, base_url=server.base_url, max_retries=8) as api,
    ):
        for title in ("Night Drive", "Blue Hour", "Quiet Harbour", "Low Tide", "Red Sky"):
            try:
                created = api.songs.create(title=title, tags=["calm"], desired_length=3)
                song = api.songs.wait(created, timeout=30.0, interval=0.05)
                saved.append(api.songs.download(song, tmp_path))
            except APIConnectionError:
                failures += 1  # a create cut off mid-answer is not retried: that is the rule
    assert saved, "with 8 retries some downloads must get through"
    assert _listing(tmp_path) == sorted(p.name for p in saved)
    for path in saved:
        assert _duration(path) == pytest.approx(3.0, abs=0.5)


def test_a_destination_ending_with_a_separator_is_a_new_folder(tmp_path: Path) -> None:
    rec = _media_server(lambda: _whole())
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        path = api.songs.download(1, f"{tmp_path}/new/")
    assert path == tmp_path / "new" / "morning-over-the-bay-1.mp3"
    assert path.read_bytes() == PAYLOAD


def test_a_media_url_that_is_no_url_is_a_typed_error(tmp_path: Path) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=song_json(1, "ready", mp3_url="http://[::1/a.mp3"))

    rec = Recorder(handle)
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(ResponseValidationError, match="not a valid URL"):
            api.songs.download(1, tmp_path)
    assert _listing(tmp_path) == []


def test_the_umask_is_read_without_changing_it(tmp_path: Path) -> None:
    """Setting the umask to read it would give another thread's new file mode 0o666."""
    script = f"""
import os, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
os.umask(0o027)
def refuse(mask):
    raise AssertionError("os.umask changed the process's umask")
os.umask = refuse
import httpx
from ext_helpers import API, song_json
from imuze_ext import Imuze

def handle(request):
    if request.url.path.endswith("/audio.mp3"):
        return httpx.Response(200, content=b"ID3mp3")
    return httpx.Response(200, json=song_json(1))

with Imuze(api_key="k", base_url=API, transport=httpx.MockTransport(handle)) as api:
    path = api.songs.download(1, {str(tmp_path)!r} + "/song.mp3")
print(oct(os.stat(path).st_mode & 0o777))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0o640"


def test_a_file_that_appears_during_the_download_is_not_replaced(tmp_path: Path) -> None:
    """No check-then-write race: the file is put in place only if its name is still free."""
    target = tmp_path / "race.mp3"

    def media() -> httpx.Response:
        target.write_bytes(b"written meanwhile")
        return httpx.Response(200, content=PAYLOAD)

    rec = _media_server(media)
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(DestinationExistsError, match="appeared"):
            api.songs.download(1, target)
    assert target.read_bytes() == b"written meanwhile"
    assert _listing(tmp_path) == ["race.mp3"]
