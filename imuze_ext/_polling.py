"""Waiting for songs: the status rule, the schedule of polls, one poll's reading, the wait loops.

The rules are pure and shared by both loops, whose clock and sleep are injected. The wait's
deadline also bounds every poll, its retries included (`_deadlines.bounded`).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from imuze_client.models import Song, SongList, SongStatus, SongSummary

from . import _deadlines
from ._responses import RawResponse
from ._retry import WAIT, announce_wait, retry_after_seconds, wait_outlives
from ._tolerance import Tolerance, unknown_status
from .errors import ImuzeError, SongFailedError, SongTimeoutError

DEFAULT_INTERVAL = WAIT.backoff.initial
MAX_INTERVAL = WAIT.backoff.cap

Clock = Callable[[], float]
Polled = tuple[dict[int, Any] | None, float | None]
"""One poll: the songs fetched by id (None after an error the wait outlives), Retry-After."""

FAILED_STATUSES = frozenset(
    {"failed", "error", "errored", "cancelled", "canceled", "rejected", "expired"}
)
"""Statuses that end a wait at once (compared case-insensitively)."""

_REASON_FIELDS = ("failure_reason", "reason", "error_message", "error", "message", "detail")


class Progress(enum.Enum):
    """Where a status leaves a wait."""

    READY = "ready"
    FAILED = "failed"
    IN_PROGRESS = "in progress"
    UNKNOWN = "unknown"


def progress(status: SongStatus | str) -> Progress:
    """The status rule: ready, failed (ends the wait), in progress, or unknown (waits on)."""
    word = str(status).strip().lower()
    if word == SongStatus.READY.value:
        return Progress.READY
    if word in FAILED_STATUSES:
        return Progress.FAILED
    if word == SongStatus.PROCESSING.value:
        return Progress.IN_PROGRESS
    return Progress.UNKNOWN


def is_ready(status: SongStatus | str) -> bool:
    """Whether a status says the song is ready."""
    return progress(status) is Progress.READY


def failure_reason(song: Song | SongSummary) -> str:
    """The reason a failed song's body gives (an undocumented field), else a plain one."""
    extra: Mapping[str, Any] = song.additional_properties
    for name in _REASON_FIELDS:
        value = extra.get(name)
        if isinstance(value, dict):
            value = value.get("message") or value.get("reason")
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:200]
    return "its status says it will not be ready"


def transient(exc: ImuzeError) -> float:
    """The delay before polling again after an error a wait outlives; re-raise any other."""
    delay = wait_outlives(exc)
    if delay is None:
        raise exc
    return delay


def polled(
    answer: RawResponse[Song] | RawResponse[SongList], ids: Sequence[int], tolerance: Tolerance
) -> tuple[dict[int, Any], float | None]:
    """A poll's songs by id (one song's answer, or the list's) and the server's Retry-After;
    an awaited song's status the spec does not name is a deviation `tolerance` reports."""
    parsed = answer.parse()
    if isinstance(parsed, Song):
        by_id: dict[int, Any] = {ids[0]: parsed}
        operation = "getSong"
    else:
        by_id = {song.id: song for song in parsed.response}
        operation = "listSongs"
    for song in (by_id[i] for i in ids if i in by_id):
        if progress(song.status) is Progress.UNKNOWN:
            deviation = unknown_status(operation, str(song.status))
            if (strict := tolerance.report(deviation, answer.http_response)) is not None:
                raise strict
    return by_id, retry_after_seconds(answer.headers.get("Retry-After"))


def merge(by_id: dict[int, Any], read: Mapping[int, Any] | None) -> None:
    """Add to `by_id` the songs a direct read found, in the list's shape (their other fields
    kept as extras); nothing when the read met a transient error."""
    for song_id, song in (read or {}).items():
        by_id[song_id] = SongSummary.from_dict(song.to_dict())


def never_downloadable(song_id: int, song: Song | SongSummary) -> SongFailedError | None:
    """The error a song's status or missing mp3 says it will never be downloadable, else None."""
    state = progress(song.status)
    if state is Progress.FAILED:
        return SongFailedError(song_id, failure_reason(song), status=str(song.status))
    if state is Progress.READY and not song.mp3_url:
        return SongFailedError(song_id, "it is ready but has no mp3_url", status=str(song.status))
    return None


class Schedule:
    """One wait's state: the songs ready and pending, and when to poll next (the interval
    grows by WAIT's curve, a Retry-After lengthens one wait, nothing passes the deadline)."""

    def __init__(
        self,
        ids: Sequence[int],
        one: bool,
        timeout: float,
        interval: float,
        clock: Clock,
    ) -> None:
        _deadlines.check_seconds("timeout", timeout)
        _deadlines.check_seconds("interval", interval)
        self.what = f"GET song {ids[0]}" if one else "GET the song list"
        self.clock = clock
        self.deadline = clock() + timeout
        self.end = time.monotonic() + timeout  # the real end, which bounds each poll
        self.interval = interval
        self.cap = max(interval, MAX_INTERVAL)
        self.ready: dict[int, Any] = {}
        self.pending: dict[int, str | None] = dict.fromkeys(ids)

    def next_delay(self, now: float, retry_after: float | None) -> float | None:
        """Seconds to sleep before the next poll, or None when the deadline has passed."""
        remaining = self.deadline - now
        if remaining <= 0:
            return None
        delay = max(self.interval, retry_after or 0.0)
        self.interval = min(self.interval * WAIT.backoff.growth, self.cap)
        return min(delay, remaining)

    def pick_ready(self, by_id: Mapping[int, Any]) -> None:
        """Move the fetched songs that became ready from `pending` to `ready`; SongFailedError
        names every failed song and the pending ones. A song absent from `by_id` stays
        pending: a list may lag behind a create, and only a direct read says it is gone."""
        failures: list[SongFailedError] = []
        for song_id in list(self.pending):
            song = by_id.get(song_id)
            if song is None:
                self.pending[song_id] = "not listed yet"
            elif (failure := never_downloadable(song_id, song)) is not None:
                failures.append(failure)
                del self.pending[song_id]
            elif progress(song.status) is Progress.READY:
                self.ready[song_id] = song
                del self.pending[song_id]
            else:
                self.pending[song_id] = str(song.status)
        if failures:
            first = failures[0]
            failed = {f.song_id: f.status for f in failures}
            raise SongFailedError(
                first.song_id,
                first.reason,
                status=first.status,
                failed=failed,
                pending=tuple(self.pending),
            )

    def delay(self, by_id: Mapping[int, Any] | None, retry_after: float | None) -> float | None:
        """The wait before the next poll after this one, None when every song is ready;
        SongTimeoutError when the deadline has passed."""
        if by_id is not None:
            self.pick_ready(by_id)
            if not self.pending:
                return None
        delay = self.next_delay(self.clock(), retry_after)
        if delay is None:
            first = next(iter(self.pending))
            raise SongTimeoutError(first, self.pending[first], pending=tuple(self.pending))
        if retry_after is not None and retry_after >= delay > 0:
            announce_wait(self.what, delay, retry_after=True)
        return delay


def wait_for(
    ids: Sequence[int],
    one: bool,
    poll: Callable[[Sequence[int], bool], Polled],
    timeout: float,
    interval: float,
    clock: Clock,
    sleep: Callable[[float], None],
) -> list[Any]:
    """Poll (`one`: each round reads the song, else the list) until every id is ready (the
    songs in the order of `ids`), a song fails, or the deadline passes (SongTimeoutError)."""
    state = Schedule(ids, one, timeout, interval, clock)
    with _deadlines.bounded(state.end):
        while state.pending and (delay := state.delay(*poll(ids, one))) is not None:
            sleep(delay)
    return [state.ready[song_id] for song_id in ids]


async def await_for(
    ids: Sequence[int],
    one: bool,
    poll: Callable[[Sequence[int], bool], Awaitable[Polled]],
    timeout: float,  # noqa: ASYNC109 - a polling deadline (injectable clock), not a cancel scope
    interval: float,
    clock: Clock,
    sleep: Callable[[float], Awaitable[None]],
) -> list[Any]:
    """The async twin of wait_for."""
    state = Schedule(ids, one, timeout, interval, clock)
    with _deadlines.bounded(state.end):
        while state.pending and (delay := state.delay(*(await poll(ids, one)))) is not None:
            await sleep(delay)
    return [state.ready[song_id] for song_id in ids]
