"""Download a song's mp3 safely: which URL, where to save it, and the transfer itself.

The whole file or nothing (a temp file, fsynced, then renamed or hard-linked), and the media
its field promises; a broken transfer resumes with a Range guarded by `If-Range`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

import anyio
import anyio.to_thread
import httpx
from imuze_client.models import Song, SongSummary

from . import _deadlines, _polling, _responses, _retry
from ._tolerance import directory, resolve_url
from .errors import (
    APIConnectionError,
    DestinationExistsError,
    ImuzeError,
    ResponseValidationError,
    SongNotReadyError,
    UnexpectedMediaError,
)

_T = TypeVar("_T")

GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})  # bytes decide
HEAD_BYTES = 64  # how many first bytes a message quotes, and all the MP3 check needs
_MP3_SIGNATURE = re.compile(rb"ID3|\xff[\xe0-\xff]")  # an ID3 tag, or a frame sync (11 bits)


@dataclass(frozen=True)
class Media:
    """What a media field promises: its name, its media types, how its bytes start."""

    field: str
    types: frozenset[str]
    what: str
    whole: bool = False
    """Whether the whole body is checked (it must parse as JSON), not an MP3's first bytes."""

    def check_type(self, response: httpx.Response) -> None:
        """Refuse an answer whose Content-Type is neither this media's nor a generic one."""
        kind = _responses.media_type(response)
        if kind not in self.types and kind not in GENERIC_TYPES:
            raise UnexpectedMediaError(
                f"{self.field} answered {kind}, not {self.what}", response=response
            )

    def check_head(self, head: bytes, complete: bytes | None, response: httpx.Response) -> None:
        """Refuse a body without this media's signature (`complete`: the whole, for JSON)."""
        if self.whole:
            with contextlib.suppress(ValueError):
                json.loads(complete if complete is not None else head)
                return
        elif _MP3_SIGNATURE.match(head):
            return
        kind = _responses.media_type(response)  # the message quotes the first bytes
        text = "".join(c if c.isprintable() else "." for c in head[:HEAD_BYTES].decode("latin-1"))
        shown = f"{kind or 'no Content-Type'}, starting {text!r}" if head else f"{kind}, empty"
        raise UnexpectedMediaError(
            f"{self.field} did not send {self.what}: {shown}", response=response, head=head
        )


MP3 = Media("mp3_url", frozenset({"audio/mpeg", "audio/mp3", "audio/mpeg3"}), "an MP3")
TIMELINE = Media("timeline_url", frozenset({"application/json"}), "JSON", whole=True)


async def run_to_the_end(step: Callable[[], _T]) -> _T:
    """`step()` in a worker thread; on cancellation, wait for a begun step, then re-raise
    (anyio's shielding does not stop asyncio's `Task.cancel()`: the caller would clean up
    while the thread still works on the file)."""
    claim = threading.Lock()  # whoever takes it first decides whether the step runs
    ended = threading.Event()

    def in_thread() -> _T:
        if not claim.acquire(blocking=False):
            raise RuntimeError("cancelled before the step began")
        try:
            return step()
        finally:
            ended.set()

    try:
        return await anyio.to_thread.run_sync(in_thread)
    except BaseException:
        if not claim.acquire(blocking=False):  # the step has begun: it owns the file
            ended.wait()  # blocks this loop for at most the step in flight
        raise


ProgressCallback = Callable[[int, int | None], None]
"""Called as `progress(received_bytes, total_bytes_or_None)` after every chunk."""

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_STREAMED = {_retry.STREAM_EXTENSION: True}
_HEADERS = {"Accept": "*/*", "Accept-Encoding": "identity"}  # bytes on disk = bytes sent


@dataclass
class _State:
    """One transfer: its URL, file and call, and what has arrived so far."""

    url: str
    file: IO[bytes]
    temp: Path
    call: _deadlines.Call
    received: int = 0
    total: int | None = None
    validator: str | None = None  # the first answer's strong ETag, else its Last-Modified
    seen: bytearray = field(default_factory=bytearray)  # the head (the whole, if checked whole)
    media: Media = MP3

    def headers(self) -> dict[str, str]:
        """A Range when some bytes are on disk and the first answer gave a validator."""
        if self.received and self.validator is not None:
            return {**_HEADERS, "Range": f"bytes={self.received}-", "If-Range": self.validator}
        return dict(_HEADERS)

    def plan(self, response: httpx.Response) -> bool:
        """Whether this answer restarts the file; sets `total`. An error status, or a partial
        answer that does not continue the first one, is raised."""
        if response.status_code in (200, 206):
            self.media.check_type(response)
        if response.status_code == 200:
            length = response.headers.get("Content-Length", "")  # unknown if compressed anyway
            identity = response.headers.get("Content-Encoding", "identity").lower() == "identity"
            self.total = int(length) if identity and length.isdigit() else None
            etag = response.headers.get("ETag")  # If-Range takes a strong ETag only
            strong = etag and not etag.startswith("W/")
            self.validator = etag if strong else response.headers.get("Last-Modified")
            restarts = self.received > 0
            self.received, self.seen = 0, bytearray()
            return restarts
        if response.status_code == 206 and self.received and self.validator is not None:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
            if match is None or int(match.group(1)) != self.received:
                raise ResponseValidationError(
                    "the server answered a Range request with a different range", response=response
                )
            total = None if match.group(3) == "*" else int(match.group(3))
            etag = response.headers.get("ETag")
            if (total is not None and self.total is not None and total != self.total) or (
                etag and self.validator.startswith('"') and etag != self.validator
            ):
                raise ResponseValidationError(
                    "the resumed download is another version of the file "
                    f"({total} bytes, not {self.total})",
                    response=response,
                )
            self.total = self.total if total is None else total
            return False
        raise _responses.status_error(response)

    def take(
        self, chunk: bytes, response: httpx.Response, progress: ProgressCallback | None
    ) -> None:
        """Note a chunk written at `received`; check the signature once the head is in."""
        head = chunk if self.media.whole else chunk[: HEAD_BYTES - len(self.seen)]
        self.seen += head
        self.received += len(chunk)
        if head and len(self.seen) == HEAD_BYTES and not self.media.whole:
            self.media.check_head(bytes(self.seen), None, response)
        if progress is not None:
            progress(self.received, self.total)

    def end(self, response: httpx.Response) -> None:
        """At the end of a segment: all the bytes promised, no more, and the signature."""
        if self.total is not None and self.received < self.total:
            raise _retry.BodyCutOff(self.received, self.total)
        if self.total is not None and self.received > self.total:
            raise ResponseValidationError(
                f"the download sent {self.received} bytes, more than its {self.total}"
            )
        if self.media.whole or len(self.seen) < HEAD_BYTES:  # else checked as it came
            self.media.check_head(bytes(self.seen[:HEAD_BYTES]), bytes(self.seen), response)


def song_filename(song_id: int, title: str) -> str:
    """A safe file name for a song, e.g. `morning-over-the-bay-42.mp3`."""
    slug = "-".join(re.sub(r"[^a-z0-9 ]", "", title.lower()).split())[:60]
    return f"{slug or 'song'}-{song_id}.mp3"


def target_path(dest: str | os.PathLike[str], song_id: int, title: str) -> Path:
    """The file a download writes (the library's and the CLI's one rule): a path ending in
    `.mp3` that is no folder is the file; else a folder, with the song's file inside."""
    path = Path(dest)
    as_file = path.suffix.lower() == ".mp3" and not os.fspath(dest).endswith(("/", os.sep))
    return path if as_file and not path.is_dir() else path / song_filename(song_id, title)


def check_destination(path: Path, *, overwrite: bool) -> None:
    """Refuse a taken destination: a file (unless `overwrite`), a folder where the file
    should be, a file where a folder should."""
    if path.is_dir():
        raise DestinationExistsError(f"{path} is a folder, not a file", os.fspath(path))
    if path.exists() and not overwrite:
        raise DestinationExistsError(
            f"{path} exists: pass overwrite=True to replace it",
            os.fspath(path),
            replaceable=True,
        )
    folder = next((f for f in path.parents if f.exists()), None)
    if folder is not None and not folder.is_dir():
        raise DestinationExistsError(
            f"{folder} is a file, not a folder to save into", os.fspath(folder)
        )


def check_dest(dest: str | os.PathLike[str], *, overwrite: bool) -> None:
    """check_destination for a `dest` as given, before the song (and its name) exists."""
    target = target_path(dest, 0, "song")
    the_file = target == Path(dest)  # else a folder, the song's own name inside it unknown yet
    check_destination(target, overwrite=overwrite or not the_file)


def _resolved_url(base: httpx.URL, url: str) -> str:
    """The media URL resolved against the API base URL, and checked by httpx."""
    resolved = url if url.startswith(("https://", "http://")) else resolve_url(directory(base), url)
    if resolved is None:
        raise ResponseValidationError(f"the media URL {url!r} does not resolve to http(s)")
    try:
        _ = httpx.URL(resolved).host  # .host decodes an IDNA host, which may fail
    except (httpx.InvalidURL, ValueError):  # ValueError: e.g. idna's IDNAError for a bad host
        raise ResponseValidationError(f"the media URL {url!r} is not a valid URL") from None
    return resolved


def _resume(exc: Exception, state: _State) -> float:
    """The wait before resuming after `exc`; else the typed error, saying how far it got."""
    if isinstance(exc, ImuzeError):
        raise exc
    delay = _retry.resume_delay(state.call, exc)
    if delay is None:
        got = f"{state.received} of {state.total if state.total is not None else '?'} bytes"
        error = _responses.typed(exc) or exc
        if isinstance(exc, httpx.TimeoutException):
            error.args = (f"download {error} after {got}",)
        elif isinstance(exc, (httpx.TransportError, _retry.BodyCutOff)):
            host = httpx.URL(state.url).host
            failed = f"download from {host} failed after {got}: {type(exc).__name__}"
            error = APIConnectionError(failed)
        raise error from exc
    what = f"download of {httpx.URL(state.url).path}"
    _retry.announce_wait(what, delay, retry_after=False)
    _retry.log_retry(state.call.attempts, what, delay, type(exc).__name__)
    return _retry.pause(delay)


def _finish(state: _State, path: Path, overwrite: bool) -> None:
    """fsync the temp file, then put it at `path` (a hard link unless `overwrite`: no race)."""
    state.file.flush()
    os.fsync(state.file.fileno())
    state.file.close()
    if overwrite:
        os.replace(state.temp, path)  # atomic: the old file or the new one, never half of either
    else:
        try:
            os.link(state.temp, path)
        except FileExistsError:
            raise DestinationExistsError(
                f"{path} appeared during the download: pass overwrite=True (--overwrite) to "
                "replace it",
                os.fspath(path),
            ) from None
        except OSError:  # a file system without hard links: check, then rename
            check_destination(path, overwrite=False)
            os.replace(state.temp, path)
        state.temp.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # make the rename durable where the OS allows it
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def _transfer(
    base: httpx.URL,
    ready: Song | SongSummary,
    dest: str | os.PathLike[str],
    limits: _deadlines.Limits,
    deadline: float | None,
    overwrite: bool,
) -> Iterator[tuple[_State, Path]]:
    """A download's state (a temp file, removed on any failure) and its file. Only a deadline
    the caller set bounds it: a derived per-call one would cut a long transfer short."""
    path = target_path(dest, ready.id, ready.title)
    limit = _deadlines.check_seconds("deadline", deadline) or (
        limits.deadline if limits.explicit else None
    )
    url = media_of(ready)
    check_destination(path, overwrite=overwrite)
    url = _resolved_url(base, url)
    with _deadlines.call_scope(limit, settled=True) as call:
        _deadlines.settle(call, limits)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.parent / f".{path.name}.{secrets.token_hex(8)}.part"
        # open()'s own mode, the umask applied (mkstemp's 0600 is too tight); O_EXCL: a new file
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        file = os.fdopen(os.open(temp, flags, 0o666), "wb")
        try:
            yield _State(url, file, temp, call), path
        except BaseException:
            file.close()
            temp.unlink(missing_ok=True)
            raise


def save(
    http: httpx.Client,
    ready: Song | SongSummary,
    dest: str | os.PathLike[str],
    limits: _deadlines.Limits,
    deadline: float | None,
    progress: ProgressCallback | None,
    overwrite: bool = False,
) -> Path:
    """Stream a ready song's mp3 to its file atomically, within `deadline`; return the file."""
    with _transfer(http.base_url, ready, dest, limits, deadline, overwrite) as (state, path):
        while True:
            try:
                _segment(http, state, progress)
                break
            except Exception as exc:
                time.sleep(_resume(exc, state))
        _finish(state, path, overwrite)
    return path


def _segment(http: httpx.Client, state: _State, progress: ProgressCallback | None) -> None:
    with http.stream("GET", state.url, headers=state.headers(), extensions=_STREAMED) as answer:
        if answer.status_code not in (200, 206):
            answer.read()
        if state.plan(answer):
            state.file.seek(0)
            state.file.truncate()
        for chunk in answer.iter_bytes():
            state.file.write(chunk)
            state.take(chunk, answer, progress)
        state.end(answer)


async def asave(
    http: httpx.AsyncClient,
    ready: Song | SongSummary,
    dest: str | os.PathLike[str],
    limits: _deadlines.Limits,
    deadline: float | None,
    progress: ProgressCallback | None,
    overwrite: bool = False,
) -> Path:
    """The async twin of save: writes and fsync run in a worker thread; the temp file is
    made and removed in this one, so that a cancellation leaves no file and no handle."""
    with _transfer(http.base_url, ready, dest, limits, deadline, overwrite) as (state, path):
        while True:
            try:
                await _asegment(http, state, progress)
                break
            except Exception as exc:
                await anyio.sleep(_resume(exc, state))
        # once begun, the rename completes, whichever way the call is cancelled
        await run_to_the_end(lambda: _finish(state, path, overwrite))
    return path


async def _asegment(
    http: httpx.AsyncClient, state: _State, progress: ProgressCallback | None
) -> None:
    file = anyio.wrap_file(state.file)
    async with http.stream(
        "GET", state.url, headers=state.headers(), extensions=_STREAMED
    ) as answer:
        if answer.status_code not in (200, 206):
            await answer.aread()
        if state.plan(answer):
            await file.seek(0)
            await file.truncate()
        async for chunk in answer.aiter_bytes():
            await file.write(chunk)
            state.take(chunk, answer, progress)
        state.end(answer)


def ready_media(song: object) -> Song | SongSummary | None:
    """The song itself when it already names its mp3, else None (fetch it first)."""
    if isinstance(song, (Song, SongSummary)) and _polling.is_ready(song.status) and song.mp3_url:
        return song
    return None


def media_of(song: Song | SongSummary) -> str:
    """The mp3 URL of a ready song; SongFailedError or SongNotReadyError otherwise."""
    if (failed := _polling.never_downloadable(song.id, song)) is not None:
        raise failed
    if not _polling.is_ready(song.status) or not song.mp3_url:
        raise SongNotReadyError(song.id, str(song.status))
    return song.mp3_url
