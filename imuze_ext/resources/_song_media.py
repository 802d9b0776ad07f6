"""Which mp3 a download fetches (the song as given when it names its mp3, else as
fetched), how long the transfer may take, and where it is saved.

The transfer itself (imuze_ext._download) is imported at the first download, not by
`import imuze`: most programs that import the client make calls before they save a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from imuze_client.models import Song, SongCreated, SongSummary

from .. import _polling
from .._deadlines import Limits, check_seconds
from ..errors import SongFailedError, SongNotReadyError

if TYPE_CHECKING:
    from .._download import ProgressCallback

SongRef = int | Song | SongSummary | SongCreated
"""A song id, or any song model the API answered."""


def song_id_of(song: SongRef) -> int:
    """The id of a song given by id or by model."""
    return song if isinstance(song, int) else song.id


def ready_media(song: SongRef) -> Song | SongSummary | None:
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


def download_deadline(deadline: float | None, limits: Limits) -> float | None:
    """A download's deadline: the one passed, else the client's when the caller set one
    (a derived per-call default would cut a long transfer short), else none."""
    if deadline is not None:
        return check_seconds("deadline", deadline)
    return limits.deadline if limits.explicit else None


def save(
    http: httpx.Client,
    ready: Song | SongSummary,
    dest: str | os.PathLike[str],
    limits: Limits,
    deadline: float | None,
    progress: ProgressCallback | None,
) -> Path:
    """Download a ready song's mp3 to `dest` (a file, or a folder to name it in)."""
    from .._download import download, target_path

    path = target_path(dest, ready.id, ready.title)
    limit = download_deadline(deadline, limits)
    return download(http, media_of(ready), path, limits=limits, deadline=limit, progress=progress)


async def asave(
    http: httpx.AsyncClient,
    ready: Song | SongSummary,
    dest: str | os.PathLike[str],
    limits: Limits,
    deadline: float | None,
    progress: ProgressCallback | None,
) -> Path:
    """The async twin of save."""
    from .._download import adownload, target_path

    path = target_path(dest, ready.id, ready.title)
    limit = download_deadline(deadline, limits)
    return await adownload(
        http, media_of(ready), path, limits=limits, deadline=limit, progress=progress
    )
