"""Lag is not failure: `wait` and `wait_all` end alike on every server either can serve.

Each server below is a song's life on a fake clock: when it is ready, fails or is gone,
and from when the list shows it (a read replica or a cache lags behind creates). Both
waits run against a fresh copy of each server, sync and async, and must end the same way:
the same song ready, or the same typed error.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from ext_helpers import API, error_body, song_json
from imuze_client.models import Song, SongSummary

from imuze_ext import AsyncImuze, Imuze

SONG = 7


@dataclass(frozen=True)
class Life:
    """One song's life on the server's clock (seconds since the wait began)."""

    listed_from: float = 0.0  # the list shows the song from then on (inf: never)
    ready_at: float | None = None
    failed_at: float | None = None
    gone_at: float | None = None
    gone_status: int = 404

    def status(self, t: float) -> str:
        if self.failed_at is not None and t >= self.failed_at:
            return "failed"
        if self.ready_at is not None and t >= self.ready_at:
            return "ready"
        return "processing"


LIVES = {
    "listed, ready later": Life(ready_at=4.0),
    "list lags, ready before it shows": Life(listed_from=6.0, ready_at=2.0),
    "list lags, ready after it shows": Life(listed_from=1.2, ready_at=5.0),
    "never listed, ready by a direct read": Life(listed_from=float("inf"), ready_at=3.0),
    "list lags, then the song fails": Life(listed_from=9.0, failed_at=2.0),
    "listed, then fails": Life(failed_at=3.0),
    "never listed, gone (404)": Life(listed_from=float("inf"), gone_at=0.0),
    "list lags, then gone (410)": Life(listed_from=5.0, gone_at=1.0, gone_status=410),
    "listed, then removed (404)": Life(gone_at=2.5),
    "never ready: the deadline": Life(listed_from=2.0),
    "never listed, never ready": Life(listed_from=float("inf")),
}


class Server:
    """A MockTransport handler that answers `GET /songs` and `GET /songs/{id}` from a Life."""

    def __init__(self, life: Life, clock: FakeClock) -> None:
        self.life = life
        self.clock = clock

    def __call__(self, request: httpx.Request) -> httpx.Response:
        t = self.clock.now - self.clock.start
        life = self.life
        gone = life.gone_at is not None and t >= life.gone_at
        if request.url.path.endswith(f"/songs/{SONG}"):
            if gone:
                return httpx.Response(life.gone_status, json=error_body(life.gone_status))
            return httpx.Response(200, json=song_json(SONG, life.status(t)))
        listed = [] if gone or t < life.listed_from else [song_json(SONG, life.status(t))]
        for song in listed:
            del song["timeline_url"]
        return httpx.Response(200, json={"count": len(listed), "response": listed})


class FakeClock:
    """A monotonic clock that moves only when the wait sleeps."""

    def __init__(self) -> None:
        self.start = self.now = 500.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


Outcome = tuple[str, object]


def _sync(life: Life, many: bool) -> Outcome:
    fake = FakeClock()
    transport = httpx.MockTransport(Server(life, fake))
    song: Song | SongSummary
    with Imuze(api_key="k", base_url=API, transport=transport, max_retries=0) as api:
        try:
            if many:
                [song] = api.songs.wait_all(
                    [SONG], timeout=12.0, interval=0.5, clock=fake.clock, sleep=fake.sleep
                )
            else:
                song = api.songs.wait(
                    SONG, timeout=12.0, interval=0.5, clock=fake.clock, sleep=fake.sleep
                )
        except Exception as exc:
            return ("raised", type(exc).__name__)
    return ("ready", (song.id, str(song.status), song.title))


async def _async(life: Life, many: bool) -> Outcome:
    fake = FakeClock()
    transport = httpx.MockTransport(Server(life, fake))
    song: Song | SongSummary
    async with AsyncImuze(api_key="k", base_url=API, transport=transport, max_retries=0) as api:
        try:
            if many:
                [song] = await api.songs.wait_all(
                    [SONG], timeout=12.0, interval=0.5, clock=fake.clock, sleep=fake.asleep
                )
            else:
                song = await api.songs.wait(
                    SONG, timeout=12.0, interval=0.5, clock=fake.clock, sleep=fake.asleep
                )
        except Exception as exc:
            return ("raised", type(exc).__name__)
    return ("ready", (song.id, str(song.status), song.title))


EXPECTED: dict[str, Outcome] = {
    "listed, ready later": ("ready", (SONG, "ready", "Morning Over The Bay")),
    "list lags, ready before it shows": ("ready", (SONG, "ready", "Morning Over The Bay")),
    "list lags, ready after it shows": ("ready", (SONG, "ready", "Morning Over The Bay")),
    "never listed, ready by a direct read": ("ready", (SONG, "ready", "Morning Over The Bay")),
    "list lags, then the song fails": ("raised", "SongFailedError"),
    "listed, then fails": ("raised", "SongFailedError"),
    "never listed, gone (404)": ("raised", "NotFoundError"),
    "list lags, then gone (410)": ("raised", "GoneError"),
    "listed, then removed (404)": ("raised", "NotFoundError"),
    "never ready: the deadline": ("raised", "SongTimeoutError"),
    "never listed, never ready": ("raised", "SongTimeoutError"),
}


def test_every_life_has_an_expected_outcome() -> None:
    assert set(EXPECTED) == set(LIVES)


@pytest.mark.parametrize("name", sorted(LIVES))
def test_wait_and_wait_all_end_alike(name: str) -> None:
    life = LIVES[name]
    assert _sync(life, many=False) == EXPECTED[name]
    assert _sync(life, many=True) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(LIVES))
async def test_the_async_waits_end_alike(name: str) -> None:
    life = LIVES[name]
    assert await _async(life, many=False) == EXPECTED[name]
    assert await _async(life, many=True) == EXPECTED[name]


def test_a_lagging_list_costs_one_direct_read_per_unlisted_song_per_round() -> None:
    fake = FakeClock()
    seen: list[str] = []
    server = Server(Life(listed_from=3.0, ready_at=4.0), fake)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return server(request)

    with Imuze(api_key="k", base_url=API, transport=httpx.MockTransport(handle)) as api:
        api.songs.wait_all([SONG], timeout=12.0, interval=0.5, clock=fake.clock, sleep=fake.sleep)
    rounds = seen.count("/api/4/songs")
    direct = seen.count(f"/api/4/songs/{SONG}")
    assert 0 < direct < rounds  # read directly only while the list did not show it
    assert set(seen) == {"/api/4/songs", f"/api/4/songs/{SONG}"}
