"""Download a song's mp3 safely: which URL, where to save it, and the transfer itself.

A download: a temp file in the destination folder, fsync, atomic rename (a hard link when
the caller did not ask to overwrite). What arrives is checked to be the media promised
(`Media`: type, signature; an HTML page answered with 200 is an
UnexpectedMediaError, in strict and tolerant modes alike). The byte count is
checked against Content-Length; a broken transfer resumes (the RESUME rule of _retry) with a
Range request guarded by `If-Range` (the first answer's strong ETag, else its
Last-Modified), and the partial answer must continue the first one (same start, same total
length); without a validator the transfer starts over. On any failure or cancellation the
temp file is removed, so the destination either holds the whole file or nothing.

Time: the client's `timeout` is a stall limit here (no byte for that long), and the
`deadline` bounds the whole transfer, retries included. The download is one call: its
resumed segments and the transport's retries spend the same `max_retries`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
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
    SongFailedError,
    SongNotReadyError,
    UnexpectedMediaError,
)

_T = TypeVar("_T")

GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
"""Media types that say nothing of the content: the bytes' signature decides."""

HEAD_BYTES = 64
"""How many first bytes a message quotes, and the most the signature check needs."""


@dataclass(frozen=True)
class Media:
    """What a media field promises: its name, its media types, how its bytes start."""

    field: str
    types: frozenset[str]
    what: str
    whole: bool = False
    """Whether the signature check needs the whole body (JSON), not just its first bytes."""

    def check_type(self, response: httpx.Response) -> None:
        """Refuse an answer whose Content-Type is neither this media's nor a generic one."""
        kind = media_type(response)
        if kind not in self.types and kind not in GENERIC_TYPES:
            raise UnexpectedMediaError(
                f"{self.field} answered {kind}, not {self.what}", response=response
            )

    def check_head(self, head: bytes, complete: bytes | None, response: httpx.Response) -> None:
        """Refuse bytes without this media's signature: `head` (the first HEAD_BYTES, or all
        of a shorter body), `complete` the whole body when the media needs it (JSON)."""
        if not self.signed(head, complete):
            raise UnexpectedMediaError(
                f"{self.field} did not send {self.what}: {describe(head, media_type(response))}",
                response=response,
                head=head,
            )

    def signed(self, head: bytes, complete: bytes | None) -> bool:
        """Whether the bytes carry this media's signature."""
        if self is MP3:
            return head.startswith(b"ID3") or (
                len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
            )
        try:
            json.loads(complete if complete is not None else head)
        except ValueError:
            return False
        return True


MP3 = Media("mp3_url", frozenset({"audio/mpeg", "audio/mp3", "audio/mpeg3"}), "an MP3")
TIMELINE = Media("timeline_url", frozenset({"application/json"}), "JSON", whole=True)


def media_type(response: httpx.Response) -> str:
    """The answer's media type, lower case, without parameters ("" when none)."""
    value: str = response.headers.get("Content-Type", "")
    return value.split(";")[0].strip().lower()


def describe(head: bytes, kind: str) -> str:
    """The first bytes of a body, for a message: `text/html, starting '<!DOCTYPE html>…'`."""
    text = head[:HEAD_BYTES].decode("latin-1")
    shown = "".join(char if char.isprintable() else "." for char in text)
    return f"{kind or 'no Content-Type'}, starting {shown!r}" if head else f"{kind}, empty"


async def run_to_the_end(step: Callable[[], _T]) -> _T:
    """`step()` in a worker thread; on cancellation, wait for a begun step, then re-raise.

    anyio's `CancelScope(shield=True)` stops anyio's own cancellations, but not asyncio's
    `Task.cancel()` (which `asyncio.wait_for` and `asyncio.timeout` use): the await would be
    cancelled while the worker thread goes on with the file, and the caller would clean up
    under its feet. Here a cancellation waits for the step that has begun; a step that has
    not begun never will."""
    claim = threading.Lock()  # whoever takes it first decides whether the step runs
    ended = threading.Event()

    def in_thread() -> _T:
        if not claim.acquire(blocking=False):
            raise RuntimeError("cancelled before the step began")
        try:
            return step()
        finally:
            ended.set()

    try:  # run_sync shields itself from anyio's cancellations, not from asyncio's
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
    received: int = 0
    total: int | None = None
    validator: str | None = None
    """The first answer's strong ETag, else its Last-Modified: what If-Range sends."""
    media: Media = MP3
    head: bytes = b""
    """The file's first bytes (up to HEAD_BYTES), for the signature check."""
    body: bytearray | None = None
    """The whole body, kept only for a media checked whole (JSON)."""
    checked: bool = False

    def __post_init__(self) -> None:
        if self.media.whole and self.body is None:
            self.body = bytearray()

    def restart(self) -> None:
        """The transfer starts over at byte 0: what was seen of the old one is forgotten."""
        self.received, self.head, self.checked = 0, b"", False
        self.body = bytearray() if self.media.whole else None

    def take(self, chunk: bytes, response: httpx.Response) -> None:
        """Note a chunk written at `received`; check the signature once the head is in."""
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[: HEAD_BYTES - len(self.head)]
        if self.body is not None:
            self.body += chunk
        self.received += len(chunk)
        if not self.checked and not self.media.whole and len(self.head) >= HEAD_BYTES:
            self.check(response)

    def check(self, response: httpx.Response) -> None:
        """The signature check (the whole body's, for JSON), once."""
        if not self.checked:
            whole = bytes(self.body) if self.body is not None else None
            self.media.check_head(self.head, whole, response)
            self.checked = True


def song_filename(song_id: int, title: str) -> str:
    """A safe file name for a song, e.g. `morning-over-the-bay-42.mp3`."""
    slug = "-".join(re.sub(r"[^a-z0-9 ]", "", title.lower()).split())[:60]
    return f"{slug or 'song'}-{song_id}.mp3"


def target_path(dest: str | os.PathLike[str], song_id: int, title: str) -> Path:
    """The file a download writes, by the one destination rule of the library and the CLI:
    an existing folder, a file named after the song inside it; a path ending in `.mp3`,
    that file; anything else, a folder to create, the file named after the song inside."""
    path = Path(dest)
    as_file = path.suffix.lower() == ".mp3" and not os.fspath(dest).endswith(("/", os.sep))
    return path if as_file and not path.is_dir() else path / song_filename(song_id, title)


def check_destination(path: Path, *, overwrite: bool) -> None:
    """Refuse, before any byte is fetched, a destination that is taken: an existing file
    (unless `overwrite`), a folder where the file should be, a file where a folder should."""
    if path.is_dir():
        raise DestinationExistsError(f"{path} is a folder, not a file", os.fspath(path))
    if path.exists() and not overwrite:
        raise DestinationExistsError(
            f"{path} exists: pass overwrite=True to replace it",
            os.fspath(path),
            replaceable=True,
        )
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise DestinationExistsError(
                    f"{folder} is a file, not a folder to save into", os.fspath(folder)
                )
            return


def check_dest(dest: str | os.PathLike[str], *, overwrite: bool) -> None:
    """check_destination for a `dest` as given, before the song's name is known (compose
    checks it before it creates a song)."""
    target = target_path(dest, 0, "song")
    the_file = target == Path(dest)  # else a folder, the song's own name inside it unknown yet
    check_destination(target, overwrite=overwrite or not the_file)


def range_headers(state: _State) -> dict[str, str]:
    """The headers of the next request: a Range when some bytes are already on disk and
    the first answer gave a validator (If-Range: the server sends it all if it changed)."""
    if state.received and state.validator is not None:
        return {**_HEADERS, "Range": f"bytes={state.received}-", "If-Range": state.validator}
    return dict(_HEADERS)


def _validator(response: httpx.Response) -> str | None:
    etag: str | None = response.headers.get("ETag")
    if etag and not etag.startswith("W/"):  # If-Range takes a strong ETag only
        return etag
    modified: str | None = response.headers.get("Last-Modified")
    return modified


def plan_segment(response: httpx.Response, state: _State) -> int:
    """Where this answer's bytes start in the file (0 restarts); sets `state.total`.

    Raises the typed error for an error status or a partial answer that does not continue
    the first one (another start, another total length, another ETag).
    """
    length = _content_length(response)
    if response.status_code in (200, 206):
        state.media.check_type(response)
    if response.status_code == 200:
        state.total = length
        state.validator = _validator(response)
        return 0
    if response.status_code == 206 and state.received and state.validator is not None:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
        if match is None or int(match.group(1)) != state.received:
            raise ResponseValidationError(
                "the server answered a Range request with a different range", response=response
            )
        total = None if match.group(3) == "*" else int(match.group(3))
        etag = response.headers.get("ETag")
        if (total is not None and state.total is not None and total != state.total) or (
            etag and state.validator.startswith('"') and etag != state.validator
        ):
            raise ResponseValidationError(
                "the resumed download is another version of the file "
                f"({total} bytes, not {state.total})",
                response=response,
            )
        if total is not None:
            state.total = total
        return state.received
    raise _responses.status_error(response)


def _content_length(response: httpx.Response) -> int | None:
    """The byte count to expect; unknown when a server compressed the body anyway."""
    if response.headers.get("Content-Encoding", "identity").lower() != "identity":
        return None
    value = response.headers.get("Content-Length")
    return int(value) if value is not None and value.isdigit() else None


def _check_complete(state: _State) -> None:
    if state.total is None:
        return
    if state.received < state.total:
        raise _retry.BodyCutOff(state.received, state.total)
    if state.received > state.total:
        raise ResponseValidationError(
            f"the download sent {state.received} bytes, more than its {state.total}"
        )


def _failure(exc: Exception, url: str, state: _State) -> Exception:
    """The typed error of a failed transfer: a timeout says which limit; a broken
    connection how far it got; anything else as `_responses.typed` types it."""
    got = f"{state.received} of {state.total if state.total is not None else '?'} bytes"
    if isinstance(exc, httpx.TimeoutException):
        timed_out = _responses.typed(exc)
        assert timed_out is not None
        timed_out.args = (f"download {timed_out} after {got}",)
        return timed_out
    if isinstance(exc, (httpx.TransportError, _retry.BodyCutOff)):
        host = httpx.URL(url).host
        return APIConnectionError(f"download from {host} failed after {got}: {type(exc).__name__}")
    return _responses.typed(exc) or exc


def _resolved_url(base: httpx.URL, url: str) -> str:
    """The media URL resolved against the API base URL (an absolute http(s) URL as it is),
    checked by httpx; ResponseValidationError when it is no usable URL."""
    resolved = url if url.startswith(("https://", "http://")) else resolve_url(directory(base), url)
    if resolved is None:
        raise ResponseValidationError(f"the media URL {url!r} does not resolve to http(s)")
    try:
        _ = httpx.URL(resolved).host  # .host decodes an IDNA host, which may fail
    except (httpx.InvalidURL, ValueError):  # ValueError: e.g. idna's IDNAError for a bad host
        raise ResponseValidationError(f"the media URL {url!r} is not a valid URL") from None
    return resolved


def _resume(exc: Exception, call: _deadlines.Call, url: str, state: _State) -> float:
    """The wait before resuming after `exc` (by the RESUME rule, within the call's budget
    and time); else the typed error of the failed transfer is raised."""
    if isinstance(exc, ImuzeError):
        raise exc
    delay = _retry.resume_delay(call, exc)
    if delay is None:
        raise _failure(exc, url, state) from exc
    what = f"download of {httpx.URL(url).path}"
    _retry.announce_wait(what, delay, retry_after=False)
    _retry.log_retry(call.attempts, what, delay, type(exc).__name__)
    return _retry.pause(delay)


@functools.cache
def file_mode() -> int:
    """The mode open() gives a new file in this process (0o666 less the umask), read from a
    probe file: os.umask can only be read by setting it, process-wide, under other threads'
    feet. mkstemp's 0600 would be too tight for a song the user saves."""
    with tempfile.TemporaryDirectory() as folder:
        probe = os.path.join(folder, "probe")
        os.close(os.open(probe, os.O_CREAT | os.O_WRONLY, 0o666))
        return stat.S_IMODE(os.stat(probe).st_mode)


def _temp_file(path: Path) -> tuple[IO[bytes], Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.fchmod(fd, file_mode())
    return os.fdopen(fd, "wb"), Path(name)


def _finish(file: IO[bytes], temp: Path, path: Path, overwrite: bool) -> None:
    file.flush()
    os.fsync(file.fileno())
    file.close()
    if overwrite:
        os.replace(temp, path)  # atomic: the old file or the new one, never half of either
    else:
        _link_new(temp, path)
    with contextlib.suppress(OSError):  # make the rename durable where the OS allows it
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _link_new(temp: Path, path: Path) -> None:
    """Put `temp` at `path` only if `path` is still free (a hard link fails on an existing
    name: no check-then-write race), then drop the temp name."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise DestinationExistsError(
            f"{path} appeared during the download: pass overwrite=True (--overwrite) to replace it",
            os.fspath(path),
        ) from None
    except OSError:  # a file system without hard links: check, then rename
        check_destination(path, overwrite=False)
        os.replace(temp, path)
        return
    temp.unlink()


def _discard(file: IO[bytes], temp: Path) -> None:
    file.close()
    temp.unlink(missing_ok=True)


def _plan(
    base: httpx.URL,
    ready: Song | SongSummary,
    dest: str | os.PathLike[str],
    limits: _deadlines.Limits,
    deadline: float | None,
    overwrite: bool,
) -> tuple[str, Path, float | None]:
    """A download's URL (resolved against the API base URL), file (see target_path) and
    deadline (see download_deadline); a taken destination is refused before any request."""
    path = target_path(dest, ready.id, ready.title)
    limit = download_deadline(deadline, limits)
    url = media_of(ready)
    check_destination(path, overwrite=overwrite)
    return _resolved_url(base, url), path, limit


def save(
    http: httpx.Client,
    ready: Song | SongSummary,
    dest: str | os.PathLike[str],
    limits: _deadlines.Limits,
    deadline: float | None,
    progress: ProgressCallback | None,
    overwrite: bool = False,
) -> Path:
    """Stream a ready song's mp3 to its file atomically; return the file. `deadline`
    (seconds, None: none) bounds the whole transfer. An existing file is replaced only if
    `overwrite`. What arrives must be an MP3 (see Media), else UnexpectedMediaError."""
    url, path, limit = _plan(http.base_url, ready, dest, limits, deadline, overwrite)
    state = _State()
    with _deadlines.call_scope(limit, settled=True) as call:
        _deadlines.settle(call, limits)
        file, temp = _temp_file(path)
        try:
            while True:
                try:
                    _segment(http, url, file, state, progress)
                    break
                except Exception as exc:
                    time.sleep(_resume(exc, call, url, state))
            _finish(file, temp, path, overwrite)
        except BaseException:
            _discard(file, temp)
            raise
    return path


def _segment(
    http: httpx.Client,
    url: str,
    file: IO[bytes],
    state: _State,
    progress: ProgressCallback | None,
) -> None:
    with http.stream("GET", url, headers=range_headers(state), extensions=_STREAMED) as response:
        if response.status_code not in (200, 206):
            response.read()
        start = plan_segment(response, state)
        if start != state.received:
            file.seek(start)
            file.truncate()
            state.restart()
        for chunk in response.iter_bytes():
            file.write(chunk)
            state.take(chunk, response)
            if progress is not None:
                progress(state.received, state.total)
        _check_complete(state)
        state.check(response)


async def asave(
    http: httpx.AsyncClient,
    ready: Song | SongSummary,
    dest: str | os.PathLike[str],
    limits: _deadlines.Limits,
    deadline: float | None,
    progress: ProgressCallback | None,
    overwrite: bool = False,
) -> Path:
    """The async twin of save (chunk writes and the final fsync run in a worker thread;
    the temp file is made and removed in this one, so that a cancellation at any point
    leaves no file and no open handle)."""
    url, path, limit = _plan(http.base_url, ready, dest, limits, deadline, overwrite)
    state = _State()
    with _deadlines.call_scope(limit, settled=True) as call:
        _deadlines.settle(call, limits)
        raw_file, temp = _temp_file(path)
        try:
            while True:
                try:
                    await _asegment(http, url, raw_file, state, progress)
                    break
                except Exception as exc:
                    await anyio.sleep(_resume(exc, call, url, state))
            # once begun, the rename completes, whichever way the call is cancelled
            await run_to_the_end(lambda: _finish(raw_file, temp, path, overwrite))
        except BaseException:
            _discard(raw_file, temp)
            raise
    return path


async def _asegment(
    http: httpx.AsyncClient,
    url: str,
    raw_file: IO[bytes],
    state: _State,
    progress: ProgressCallback | None,
) -> None:
    file = anyio.wrap_file(raw_file)
    async with http.stream(
        "GET", url, headers=range_headers(state), extensions=_STREAMED
    ) as response:
        if response.status_code not in (200, 206):
            await response.aread()
        start = plan_segment(response, state)
        if start != state.received:
            await file.seek(start)
            await file.truncate()
            state.restart()
        async for chunk in response.aiter_bytes():
            await file.write(chunk)
            state.take(chunk, response)
            if progress is not None:
                progress(state.received, state.total)
        _check_complete(state)
        state.check(response)


def download_deadline(deadline: float | None, limits: _deadlines.Limits) -> float | None:
    """A download's deadline: the one passed, else the client's when the caller set one
    (a derived per-call default would cut a long transfer short), else none."""
    if deadline is not None:
        return _deadlines.check_seconds("deadline", deadline)
    return limits.deadline if limits.explicit else None


def ready_media(song: object) -> Song | SongSummary | None:
    """The song itself when it already names its mp3, else None (fetch it first)."""
    if isinstance(song, (Song, SongSummary)) and _polling.is_ready(song.status) and song.mp3_url:
        return song
    return None


def media_of(song: Song | SongSummary) -> str:
    """The mp3 URL of a ready song; SongFailedError or SongNotReadyError otherwise."""
    if _polling.progress(song.status) is _polling.Progress.FAILED:
        raise SongFailedError(song.id, _polling.failure_reason(song), status=str(song.status))
    if not _polling.is_ready(song.status):
        raise SongNotReadyError(song.id, str(song.status))
    if not song.mp3_url:
        raise SongFailedError(song.id, "it is ready but has no mp3_url", status=str(song.status))
    return song.mp3_url
