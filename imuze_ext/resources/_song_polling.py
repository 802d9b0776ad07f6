"""One poll of a wait: the answer, or the delay after an error the wait outlives; and the
report of a status the client cannot place (once, or an error in strict mode)."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
from imuze_client.models import Song, SongList, SongSummary

from .. import _deviations, _polling
from .._raw_response import RawResponse
from .._retry import retry_after_seconds
from .._tolerance import Tolerance
from ..errors import ImuzeError


def transient(exc: ImuzeError) -> float:
    """The delay before polling again after an error a wait outlives; re-raise any other."""
    delay = _polling.transient_delay(exc)
    if delay is None:
        raise exc
    return delay


def _check_statuses(
    songs: Sequence[Song | SongSummary],
    operation: str,
    response: httpx.Response,
    tolerance: Tolerance,
) -> None:
    for song in songs:
        if _polling.progress(song.status) is _polling.Progress.UNKNOWN:
            deviation = _deviations.unknown_status(operation, str(song.status))
            if (strict := tolerance.report(deviation, response)) is not None:
                raise strict


def fetched(answer: RawResponse[Song], tolerance: Tolerance) -> _polling.Fetched:
    """A poll's song and the server's Retry-After, its status checked."""
    song = answer.parse()
    _check_statuses([song], "getSong", answer.http_response, tolerance)
    return song, retry_after_seconds(answer.headers.get("Retry-After"))


def listed(
    answer: RawResponse[SongList], ids: Sequence[int], tolerance: Tolerance
) -> _polling.ListFetched:
    """A list poll's songs and the server's Retry-After, the awaited songs' statuses checked."""
    songs = answer.parse().response
    wanted = set(ids)
    awaited = [s for s in songs if s.id in wanted]
    _check_statuses(awaited, "listSongs", answer.http_response, tolerance)
    return songs, retry_after_seconds(answer.headers.get("Retry-After"))
