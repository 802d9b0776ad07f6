"""Waiting for songs: the status rule, the schedule of polls, one poll, and the wait loops.

The rules are pure and shared by both loops, whose clock and sleep are injected. The wait's
deadline also bounds every poll, its retries included (`_deadlines.bounded`).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from imuze_client.models import Song, SongList, SongStatus, SongSummary

from . import _deadlines
from ._responses import RawResponse
from ._retry import WAIT, announce_wait, retry_after_seconds, wait_outlives
from ._tolerance import Tolerance, unknown_status
from .errors import ImuzeError, SongFailedError, SongTimeoutError

DEFAULT_INTERVAL = WAIT.backoff.initial
MAX_INTERVAL = WAIT.backoff.cap

Clock = Callable[[], float]
Polled = tuple[Mapping[int, Any] | None, float | None]
"""One poll: the songs fetched by id (None after an error the wait outlives), Retry-After."""
_S = TypeVar("_S", Song, SongSummary)


@dataclass
class Schedule:
    """When to poll next: the interval grows by WAIT's growth up to MAX_INTERVAL (or the initial
    interval, if larger), a Retry-After lengthens one wait, and nothing passes the deadline."""

    deadline: float
    interval: float
    cap: float

    @classmethod
    def start(cls, now: float, timeout: float, interval: float) -> Schedule:
        """The schedule of a wait of `timeout` s from `now` (ValueError for a bad number)."""
        _deadlines.check_seconds("timeout", timeout)
        _deadlines.check_seconds("interval", interval)
        return cls(deadline=now + timeout, interval=interval, cap=max(interval, MAX_INTERVAL))

    def next_delay(self, now: float, retry_after: float | None) -> float | None:
        """Seconds to sleep before the next poll, or None when the deadline has passed."""
        remaining = self.deadline - now
        if remaining <= 0:
            return None
        delay = max(self.interval, retry_after or 0.0)
        self.interval = min(self.interval * WAIT.backoff.growth, self.cap)
        return min(delay, remaining)


FAILED_STATUSES = frozenset(
    {"failed", "error", "errored", "cancelled", "canceled", "rejected", "expired"}
)
"""Statuses that end a wait at once: the words a real deployment plausibly uses for a
song that will never be ready (compared case-insensitively)."""

IN_PROGRESS_STATUSES = frozenset({SongStatus.PROCESSING.value})
"""The statuses the spec names for a song still rendering."""

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
    if word in IN_PROGRESS_STATUSES:
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


def check_ready(song_id: int, song: Song | SongSummary) -> bool:
    """Whether the song is ready to download; SongFailedError if its status is a failure,
    or if it is ready without an mp3."""
    state = progress(song.status)
    if state is Progress.FAILED:
        raise SongFailedError(song_id, failure_reason(song), status=str(song.status))
    if state is not Progress.READY:
        return False
    if not song.mp3_url:
        raise SongFailedError(song_id, "it is ready but has no mp3_url", status=str(song.status))
    return True


def transient(exc: ImuzeError) -> float:
    """The delay before polling again after an error a wait outlives; re-raise any other."""
    delay = wait_outlives(exc)
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
        if progress(song.status) is Progress.UNKNOWN:
            deviation = unknown_status(operation, str(song.status))
            if (strict := tolerance.report(deviation, response)) is not None:
                raise strict


def polled(
    answer: RawResponse[Song] | RawResponse[SongList], ids: Sequence[int], tolerance: Tolerance
) -> Polled:
    """A poll's songs by id (one song's answer, or the list's) and the server's Retry-After,
    the awaited songs' statuses checked."""
    parsed = answer.parse()
    if isinstance(parsed, Song):
        by_id: dict[int, Any] = {ids[0]: parsed}
        operation = "getSong"
    else:
        by_id = {song.id: song for song in parsed.response}
        operation = "listSongs"
    awaited = [by_id[i] for i in ids if i in by_id]
    _check_statuses(awaited, operation, answer.http_response, tolerance)
    return by_id, retry_after_seconds(answer.headers.get("Retry-After"))


def unlisted(ids: Sequence[int], by_id: Mapping[int, Any] | None) -> list[int]:
    """The awaited songs a list answer does not show: each is read directly (the same poll
    as `wait`), so a lagging list never fails a song that exists."""
    return [] if by_id is None else [song_id for song_id in ids if song_id not in by_id]


def merged(by_id: Mapping[int, Any], song_id: int, read: Polled) -> dict[int, Any]:
    """`by_id` with a directly read song added in the list's shape (its other fields kept
    as extras); unchanged when the read met a transient error."""
    found = read[0]
    if found is None or song_id not in found:
        return dict(by_id)
    return {**by_id, song_id: SongSummary.from_dict(found[song_id].to_dict())}


def pick_ready(ids: Sequence[int], by_id: Mapping[int, _S], ready: dict[int, _S]) -> dict[int, str]:
    """Record in `ready` the fetched songs that became ready; return pending id -> status.

    A song whose status is a failure ends the wait: SongFailedError names every failed
    song and the pending ones. A song absent from `by_id` stays pending: a list may lag
    behind a create (a replica, a cache), and only a direct read says a song is gone.
    """
    pending: dict[int, str] = {}
    failures: dict[int, SongFailedError] = {}
    for song_id in ids:
        if song_id in ready:
            continue
        song = by_id.get(song_id)
        if song is None:
            pending[song_id] = "not listed yet"
            continue
        try:
            if check_ready(song_id, song):
                ready[song_id] = song
            else:
                pending[song_id] = str(song.status)
        except SongFailedError as failed:
            failures[song_id] = failed
    if failures:
        first = next(iter(failures.values()))
        raise SongFailedError(
            first.song_id,
            first.reason,
            status=first.status,
            failed={i: f.status for i, f in failures.items()},
            pending=tuple(pending),
        )
    return pending


class _Round:
    """One wait's state between polls: its schedule, the songs ready and those pending."""

    def __init__(self, ids: Sequence[int], timeout: float, interval: float, clock: Clock) -> None:
        self.ids = ids
        self.clock = clock
        self.schedule = Schedule.start(clock(), timeout, interval)
        self.end = time.monotonic() + timeout  # the real end, which bounds each poll
        self.ready: dict[int, Any] = {}
        self.pending: dict[int, str | None] = dict.fromkeys(ids)

    def delay(
        self, by_id: Mapping[int, Any] | None, retry_after: float | None, what: str
    ) -> float | None:
        """The wait before the next poll after this one, None when every song is ready;
        SongTimeoutError when the deadline has passed."""
        if by_id is not None:
            self.pending = dict(pick_ready(self.ids, by_id, self.ready))
            if not self.pending:
                return None
        delay = self.schedule.next_delay(self.clock(), retry_after)
        if delay is None:
            first = next(iter(self.pending))
            raise SongTimeoutError(first, self.pending[first], pending=tuple(self.pending))
        if retry_after is not None and retry_after >= delay > 0:
            announce_wait(what, delay, retry_after=True)
        return delay


def wait_for(
    ids: Sequence[int],
    poll: Callable[[], Polled],
    what: str,
    timeout: float,
    interval: float,
    clock: Clock,
    sleep: Callable[[float], None],
) -> list[Any]:
    """Poll until every id is ready (in the order of `ids`), a song fails
    (SongFailedError) or the deadline passes (SongTimeoutError)."""
    state = _Round(ids, timeout, interval, clock)
    with _deadlines.bounded(state.end):
        while state.pending and (delay := state.delay(*poll(), what)) is not None:
            sleep(delay)
    return [state.ready[song_id] for song_id in ids]


async def await_for(
    ids: Sequence[int],
    poll: Callable[[], Awaitable[Polled]],
    what: str,
    timeout: float,  # noqa: ASYNC109 - a polling deadline (injectable clock), not a cancel scope
    interval: float,
    clock: Clock,
    sleep: Callable[[float], Awaitable[None]],
) -> list[Any]:
    """The async twin of wait_for."""
    state = _Round(ids, timeout, interval, clock)
    with _deadlines.bounded(state.end):
        while state.pending and (delay := state.delay(*(await poll()), what)) is not None:
            await sleep(delay)
    return [state.ready[song_id] for song_id in ids]
