"""Wait for songs to be ready: a deadline on a monotonic clock and a growing interval.

The schedule and the readiness rule are pure and shared by the sync and async loops; the
clock and the sleep are injected, so tests run without waiting.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from imuze_client.models import Song, SongStatus, SongSummary

from .errors import (
    APIConnectionError,
    RateLimitError,
    ServerError,
    SongFailedError,
    SongTimeoutError,
)

DEFAULT_INTERVAL = 0.5
MAX_INTERVAL = 10.0
GROWTH = 1.5

Clock = Callable[[], float]
Fetched = tuple[Song | None, float | None]  # the song (None after a transient error), Retry-After
ListFetched = tuple[Sequence[SongSummary] | None, float | None]


@dataclass
class Schedule:
    """When to poll next: the interval grows by GROWTH up to MAX_INTERVAL (or the initial
    interval, if larger), a Retry-After lengthens one wait, and nothing passes the deadline."""

    deadline: float
    interval: float
    cap: float

    @classmethod
    def start(cls, now: float, timeout: float, interval: float) -> Schedule:
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"timeout must be a finite number of seconds > 0, not {timeout!r}")
        if not (math.isfinite(interval) and interval > 0):
            raise ValueError(f"interval must be a finite number of seconds > 0, not {interval!r}")
        return cls(deadline=now + timeout, interval=interval, cap=max(interval, MAX_INTERVAL))

    def next_delay(self, now: float, retry_after: float | None) -> float | None:
        """Seconds to sleep before the next poll, or None when the deadline has passed."""
        remaining = self.deadline - now
        if remaining <= 0:
            return None
        delay = max(self.interval, retry_after or 0.0)
        self.interval = min(self.interval * GROWTH, self.cap)
        return min(delay, remaining)


def is_ready(status: SongStatus | str) -> bool:
    """Only `ready` ends a wait; any other status, seen or not, means not ready yet."""
    return status == SongStatus.READY


def check_ready(song_id: int, song: Song | SongSummary) -> bool:
    """Whether the song is ready to download; SongFailedError if ready without an mp3."""
    if not is_ready(song.status):
        return False
    if not song.mp3_url:
        raise SongFailedError(song_id, "it is ready but has no mp3_url")
    return True


def transient_delay(exc: Exception) -> float | None:
    """For an error a wait outlives (the request's own retries spent), the seconds the
    server asked for (0 = the usual interval); None for an error that ends the wait."""
    if isinstance(exc, RateLimitError):
        return exc.retry_after or 0.0
    if isinstance(exc, ServerError) and exc.status_code in (502, 503, 504):
        return 0.0
    if isinstance(exc, APIConnectionError):  # a network blip; the deadline still bounds it
        return 0.0
    return None


def pick_ready(
    ids: Sequence[int], listed: Sequence[SongSummary], ready: dict[int, SongSummary]
) -> dict[int, str]:
    """Record in `ready` the listed songs that became ready; return pending id -> status.

    A song that is absent from the list is not in your scope any more: SongFailedError.
    """
    by_id = {song.id: song for song in listed}
    pending: dict[int, str] = {}
    for song_id in ids:
        if song_id in ready:
            continue
        song = by_id.get(song_id)
        if song is None:
            raise SongFailedError(song_id, "it is no longer in your song list")
        if check_ready(song_id, song):
            ready[song_id] = song
        else:
            pending[song_id] = str(song.status)
    return pending


def wait_for_song(
    song_id: int,
    fetch: Callable[[], Fetched],
    *,
    timeout: float,
    interval: float,
    clock: Clock,
    sleep: Callable[[float], None],
) -> Song:
    """Poll `fetch` until the song is ready or the deadline passes (SongTimeoutError)."""
    schedule = Schedule.start(clock(), timeout, interval)
    last_status: str | None = None
    while True:
        song, retry_after = fetch()
        if song is not None:
            if check_ready(song_id, song):
                return song
            last_status = str(song.status)
        delay = schedule.next_delay(clock(), retry_after)
        if delay is None:
            raise SongTimeoutError(song_id, last_status)
        sleep(delay)


async def await_song(
    song_id: int,
    fetch: Callable[[], Awaitable[Fetched]],
    *,
    timeout: float,  # noqa: ASYNC109 - a polling deadline (injectable clock), not a cancel scope
    interval: float,
    clock: Clock,
    sleep: Callable[[float], Awaitable[None]],
) -> Song:
    """The async twin of wait_for_song."""
    schedule = Schedule.start(clock(), timeout, interval)
    last_status: str | None = None
    while True:
        song, retry_after = await fetch()
        if song is not None:
            if check_ready(song_id, song):
                return song
            last_status = str(song.status)
        delay = schedule.next_delay(clock(), retry_after)
        if delay is None:
            raise SongTimeoutError(song_id, last_status)
        await sleep(delay)


def wait_for_songs(
    ids: Sequence[int],
    fetch_list: Callable[[], ListFetched],
    *,
    timeout: float,
    interval: float,
    clock: Clock,
    sleep: Callable[[float], None],
) -> list[SongSummary]:
    """Poll the song list (one request per round) until every id is ready."""
    schedule = Schedule.start(clock(), timeout, interval)
    ready: dict[int, SongSummary] = {}
    pending: dict[int, str | None] = dict.fromkeys(ids)
    while pending:
        listed, retry_after = fetch_list()
        if listed is not None:
            pending = dict(pick_ready(ids, listed, ready))
            if not pending:
                break
        delay = schedule.next_delay(clock(), retry_after)
        if delay is None:
            first = next(iter(pending))
            raise SongTimeoutError(first, pending[first], pending=tuple(pending))
        sleep(delay)
    return [ready[song_id] for song_id in ids]


async def await_songs(
    ids: Sequence[int],
    fetch_list: Callable[[], Awaitable[ListFetched]],
    *,
    timeout: float,  # noqa: ASYNC109 - a polling deadline (injectable clock), not a cancel scope
    interval: float,
    clock: Clock,
    sleep: Callable[[float], Awaitable[None]],
) -> list[SongSummary]:
    """The async twin of wait_for_songs."""
    schedule = Schedule.start(clock(), timeout, interval)
    ready: dict[int, SongSummary] = {}
    pending: dict[int, str | None] = dict.fromkeys(ids)
    while pending:
        listed, retry_after = await fetch_list()
        if listed is not None:
            pending = dict(pick_ready(ids, listed, ready))
            if not pending:
                break
        delay = schedule.next_delay(clock(), retry_after)
        if delay is None:
            first = next(iter(pending))
            raise SongTimeoutError(first, pending[first], pending=tuple(pending))
        await sleep(delay)
    return [ready[song_id] for song_id in ids]
