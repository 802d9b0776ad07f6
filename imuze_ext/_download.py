"""Download a media URL safely: temp file in the destination folder, fsync, atomic rename.

The byte count is checked against Content-Length; a broken transfer resumes with a Range
request guarded by `If-Range` (the first answer's strong ETag, else its Last-Modified),
and the partial answer must continue the first one (same start, same total length);
without a validator the transfer starts over. On any failure or cancellation the temp
file is removed, so the destination either holds the whole file or nothing.

Time: the client's `timeout` is a stall limit here (no byte for that long), and the
`deadline` bounds the whole transfer, retries included. The download is one call: its
resumed segments and the transport's retries spend the same `max_retries`.
Credentials are attached by the client's auth flow, which only sends them to the API's
own origin.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

from . import _deadlines, _retry
from ._failures import typed
from ._logging import retrying
from ._media import directory, resolve_url
from ._responses import status_error
from ._to_the_end import run_to_the_end
from .errors import APIConnectionError, ImuzeError, ResponseValidationError

ProgressCallback = Callable[[int, int | None], None]
"""Called as `progress(received_bytes, total_bytes_or_None)` after every chunk."""

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_STREAMED = {_retry.STREAM_EXTENSION: True}
_HEADERS = {"Accept": "*/*", "Accept-Encoding": "identity"}  # bytes on disk = bytes sent


class _Truncated(Exception):
    """The body ended before Content-Length bytes: worth resuming."""

    def __init__(self, received: int, total: int) -> None:
        super().__init__(f"got {received} of {total} bytes")
        self.received = received
        self.total = total


@dataclass
class _State:
    received: int = 0
    total: int | None = None
    validator: str | None = None
    """The first answer's strong ETag, else its Last-Modified: what If-Range sends."""


def song_filename(song_id: int, title: str) -> str:
    """A safe file name for a song, e.g. `morning-over-the-bay-42.mp3`."""
    slug = "-".join(re.sub(r"[^a-z0-9 ]", "", title.lower()).split())[:60]
    return f"{slug or 'song'}-{song_id}.mp3"


def target_path(dest: str | os.PathLike[str], song_id: int, title: str) -> Path:
    """`dest` itself, or a file named after the song when `dest` is a folder: one that
    exists, or a path ending with a separator (`"out/"`), which is then created."""
    path = Path(dest)
    as_folder = path.is_dir() or os.fspath(dest).endswith(("/", os.sep))
    return path / song_filename(song_id, title) if as_folder else path


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
    raise status_error(response)


def _content_length(response: httpx.Response) -> int | None:
    """The byte count to expect; unknown when a server compressed the body anyway."""
    if response.headers.get("Content-Encoding", "identity").lower() != "identity":
        return None
    value = response.headers.get("Content-Length")
    return int(value) if value is not None and value.isdigit() else None


def _is_transient(exc: Exception) -> bool:
    """A cut-off body or a network failure: worth resuming (a download is a GET)."""
    return isinstance(exc, (_Truncated, *_retry.NOT_SENT_ERRORS, *_retry.MAYBE_SENT_ERRORS))


def _check_complete(state: _State) -> None:
    if state.total is None:
        return
    if state.received < state.total:
        raise _Truncated(state.received, state.total)
    if state.received > state.total:
        raise ResponseValidationError(
            f"the download sent {state.received} bytes, more than its {state.total}"
        )


def _failure(exc: Exception, url: str, state: _State) -> Exception:
    """The typed error of a failed transfer: a timeout says which limit; a broken
    connection how far it got; anything else as `_failures` types it."""
    got = f"{state.received} of {state.total if state.total is not None else '?'} bytes"
    if isinstance(exc, httpx.TimeoutException):
        timed_out = typed(exc)
        assert timed_out is not None
        timed_out.args = (f"download {timed_out} after {got}",)
        return timed_out
    if isinstance(exc, (httpx.TransportError, _Truncated)):
        host = httpx.URL(url).host
        return APIConnectionError(f"download from {host} failed after {got}: {type(exc).__name__}")
    return typed(exc) or exc


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


def _resume_hook(call: _deadlines.Call) -> Any:
    """stamina's `on`: resume a transient failure while the call's budget and time last."""

    def hook(exc: Exception) -> bool | float:
        if not _is_transient(exc):
            return False
        delay = _retry.backoff(max(call.attempts, 1))
        return delay if _deadlines.may_wait(call, delay) else False

    return hook


def _retrying(call: _deadlines.Call) -> Any:
    import stamina  # at the first download, not at `import imuze` (it loads tenacity)

    return stamina.retry_context(
        on=_resume_hook(call),
        attempts=None,
        timeout=None,
        wait_initial=_retry.WAIT_INITIAL,
        wait_max=_retry.WAIT_MAX,
        wait_jitter=_retry.WAIT_JITTER,
    )


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_current_umask()  # what open() would give; mkstemp's 0600 is too tight


def _temp_file(path: Path) -> tuple[IO[bytes], Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.fchmod(fd, _FILE_MODE)
    return os.fdopen(fd, "wb"), Path(name)


def _finish(file: IO[bytes], temp: Path, path: Path) -> None:
    file.flush()
    os.fsync(file.fileno())
    file.close()
    os.replace(temp, path)
    with contextlib.suppress(OSError):  # make the rename durable where the OS allows it
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _discard(file: IO[bytes], temp: Path) -> None:
    file.close()
    temp.unlink(missing_ok=True)


def download(
    http: httpx.Client,
    url: str,
    path: Path,
    *,
    limits: _deadlines.Limits,
    deadline: float | None = None,
    progress: ProgressCallback | None = None,
) -> Path:
    """Stream `url` (resolved against the API base URL) to `path` atomically; return `path`.
    `deadline` (seconds, None: none) bounds the whole transfer."""
    url = _resolved_url(http.base_url, url)
    state = _State()
    with _deadlines.call_scope(deadline, settled=True) as call:
        _deadlines.settle(call, limits)
        file, temp = _temp_file(path)
        try:
            try:
                with retrying(f"download of {httpx.URL(url).path}"):
                    for attempt in _retrying(call):
                        with attempt:
                            _segment(http, url, file, state, progress)
            except ImuzeError:
                raise
            except Exception as exc:
                raise _failure(exc, url, state) from exc
            _finish(file, temp, path)
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
            state.received = start
        for chunk in response.iter_bytes():
            file.write(chunk)
            state.received += len(chunk)
            if progress is not None:
                progress(state.received, state.total)
    _check_complete(state)


async def adownload(
    http: httpx.AsyncClient,
    url: str,
    path: Path,
    *,
    limits: _deadlines.Limits,
    deadline: float | None = None,
    progress: ProgressCallback | None = None,
) -> Path:
    """The async twin of download (chunk writes and the final fsync run in a worker
    thread; the temp file is made and removed in this one, so that a cancellation at any
    point leaves no file and no open handle)."""
    url = _resolved_url(http.base_url, url)
    state = _State()
    with _deadlines.call_scope(deadline, settled=True) as call:
        _deadlines.settle(call, limits)
        raw_file, temp = _temp_file(path)
        try:
            try:
                with retrying(f"download of {httpx.URL(url).path}"):
                    async for attempt in _retrying(call):
                        with attempt:
                            await _asegment(http, url, raw_file, state, progress)
            except ImuzeError:
                raise
            except Exception as exc:
                raise _failure(exc, url, state) from exc
            # once begun, the rename completes, whichever way the call is cancelled
            await run_to_the_end(lambda: _finish(raw_file, temp, path))
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
    import anyio

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
            state.received = start
        async for chunk in response.aiter_bytes():
            await file.write(chunk)
            state.received += len(chunk)
            if progress is not None:
                progress(state.received, state.total)
    _check_complete(state)
