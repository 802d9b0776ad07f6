"""Waiting for songs: the deadline, the growing interval, Retry-After, unseen statuses,
and wait_all's one list request per round. The clock and sleep are fakes: no real waiting."""

from __future__ import annotations

import asyncio
import itertools
import math

import httpx
import pytest
from ext_helpers import API, Recorder, error_body, sequence, song_json

from imuze_ext import (
    AsyncImuze,
    GoneError,
    Imuze,
    NotFoundError,
    ServerError,
    SongFailedError,
    SongTimeoutError,
)
from imuze_ext._polling import MAX_INTERVAL, Schedule
from imuze_mock import MockServer


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def _api(rec: Recorder) -> Imuze:
    return Imuze(api_key="k", base_url=API, transport=rec.transport(), max_retries=0)


def test_schedule_grows_to_a_cap_and_stops_at_the_deadline() -> None:
    schedule = Schedule([1], True, timeout=100.0, interval=1.0, clock=lambda: 0.0)
    delays = []
    now = 0.0
    while (delay := schedule.next_delay(now, None)) is not None:
        delays.append(delay)
        now += delay
    assert delays[:4] == pytest.approx([1.0, 1.5, 2.25, 3.375])
    assert max(delays) == MAX_INTERVAL
    assert sum(delays) == pytest.approx(100.0)
    assert all(b >= a for a, b in itertools.pairwise(delays[:-1]))  # the last is cut short


def test_schedule_honours_retry_after_within_the_deadline() -> None:
    schedule = Schedule([1], True, timeout=30.0, interval=1.0, clock=lambda: 0.0)
    assert schedule.next_delay(0.0, 7.0) == 7.0
    assert schedule.next_delay(7.0, None) == 1.5
    assert schedule.next_delay(25.0, 60.0) == 5.0  # never past the deadline
    assert schedule.next_delay(30.0, None) is None


@pytest.mark.parametrize("timeout", [0.0, -1.0, math.inf, math.nan])
def test_the_deadline_is_mandatory_and_finite(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        Schedule([1], True, timeout=timeout, interval=1.0, clock=lambda: 0.0)


def test_wait_gives_up_at_the_deadline_with_the_last_status() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json=song_json(1, "processing")))
    fake = FakeTime()
    with _api(rec) as api, pytest.raises(SongTimeoutError) as caught:
        api.songs.wait(1, timeout=60.0, interval=1.0, clock=fake.clock, sleep=fake.sleep)
    assert caught.value.last_status == "processing"
    assert caught.value.song_id == 1
    assert sum(fake.sleeps) == pytest.approx(60.0)
    assert len(rec.requests) == len(fake.sleeps) + 1  # one last look at the deadline
    assert fake.sleeps[1] > fake.sleeps[0]


def test_unseen_statuses_keep_waiting_until_ready() -> None:
    rec = Recorder(
        sequence(
            httpx.Response(200, json=song_json(1, "queued")),
            httpx.Response(200, json=song_json(1, "mastering")),
            httpx.Response(200, json=song_json(1, "ready")),
        )
    )
    fake = FakeTime()
    with _api(rec) as api:
        song = api.songs.wait(1, timeout=30.0, clock=fake.clock, sleep=fake.sleep)
    assert song.status == "ready"
    assert len(rec.requests) == 3


def test_wait_honours_retry_after_and_outlives_a_rate_limit() -> None:
    rec = Recorder(
        sequence(
            httpx.Response(200, json=song_json(1, "processing"), headers={"Retry-After": "4"}),
            httpx.Response(429, json=error_body(429), headers={"Retry-After": "6"}),
            httpx.Response(200, json=song_json(1, "ready")),
        )
    )
    fake = FakeTime()
    with _api(rec) as api:
        api.songs.wait(1, timeout=30.0, interval=0.5, clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == [4.0, 6.0]


@pytest.mark.parametrize(("status", "error"), [(404, NotFoundError), (410, GoneError)])
def test_a_song_that_disappears_ends_the_wait(status: int, error: type[Exception]) -> None:
    rec = Recorder(
        sequence(
            httpx.Response(200, json=song_json(1, "processing")),
            httpx.Response(status, json=error_body(status)),
        )
    )
    fake = FakeTime()
    with _api(rec) as api, pytest.raises(error):
        api.songs.wait(1, timeout=30.0, clock=fake.clock, sleep=fake.sleep)


def test_ready_without_an_mp3_is_a_failed_song() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json=song_json(1, "ready", mp3_url=None)))
    fake = FakeTime()
    with _api(rec) as api, pytest.raises(SongFailedError):
        api.songs.wait(1, timeout=30.0, clock=fake.clock, sleep=fake.sleep)


def _listing(*statuses: str) -> dict[str, object]:
    songs = [song_json(i + 1, status) for i, status in enumerate(statuses)]
    for song in songs:
        del song["timeline_url"]
    return {"count": len(songs), "response": songs}


def test_wait_all_makes_one_list_request_per_round() -> None:
    rec = Recorder(
        sequence(
            httpx.Response(200, json=_listing("processing", "processing", "processing")),
            httpx.Response(200, json=_listing("ready", "processing", "queued")),
            httpx.Response(200, json=_listing("ready", "ready", "ready")),
        )
    )
    fake = FakeTime()
    with _api(rec) as api:
        songs = api.songs.wait_all([3, 1, 2], timeout=60.0, clock=fake.clock, sleep=fake.sleep)
    assert [s.id for s in songs] == [3, 1, 2]
    assert rec.paths() == ["/api/4/songs"] * 3


def test_wait_all_times_out_naming_the_pending_songs() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json=_listing("ready", "processing", "queued")))
    fake = FakeTime()
    with _api(rec) as api, pytest.raises(SongTimeoutError) as caught:
        api.songs.wait_all([1, 2, 3], timeout=20.0, clock=fake.clock, sleep=fake.sleep)
    assert caught.value.pending == (2, 3)
    assert caught.value.last_status == "processing"
    assert sum(fake.sleeps) == pytest.approx(20.0)


@pytest.mark.parametrize(("status", "error"), [(404, NotFoundError), (410, GoneError)])
def test_wait_all_ends_for_a_missing_song_when_a_direct_read_says_it_is_gone(
    status: int, error: type[Exception]
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/songs/9"):
            return httpx.Response(status, json=error_body(status))
        return httpx.Response(200, json=_listing("processing"))

    rec = Recorder(handle)
    fake = FakeTime()
    with _api(rec) as api, pytest.raises(error):
        api.songs.wait_all([1, 9], timeout=20.0, clock=fake.clock, sleep=fake.sleep)
    assert rec.paths() == ["/api/4/songs", "/api/4/songs/9"]


async def test_async_wait_deadline_with_fake_time() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json=song_json(1, "processing")))
    fake = FakeTime()
    async with AsyncImuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(SongTimeoutError):
            await api.songs.wait(1, timeout=15.0, clock=fake.clock, sleep=fake.asleep)
        assert sum(fake.sleeps) == pytest.approx(15.0)
        rec.handler = lambda r: httpx.Response(200, json=_listing("ready", "ready"))
        rec.requests.clear()
        songs = await api.songs.wait_all([2, 1], timeout=5.0, clock=fake.clock, sleep=fake.asleep)
        assert [s.id for s in songs] == [2, 1]
        assert rec.paths() == ["/api/4/songs"]


class _CountingAsync(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(f"{request.method} {request.url.path}")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_async_waits_run_concurrently_against_the_mock(
    imuze_mock_server: MockServer,
) -> None:
    transport = _CountingAsync()
    server = imuze_mock_server
    async with AsyncImuze(
        api_key=server.demo.api_key, base_url=server.base_url, transport=transport
    ) as api:
        titles = ["Morning Over The Bay", "Night Drive", "Quiet Harbour", "Blue Hour"]
        created = await asyncio.gather(
            *(api.songs.create(title=t, tags=["calm"], desired_length=2) for t in titles)
        )
        songs = await asyncio.gather(
            *(api.songs.wait(c, timeout=30.0, interval=0.05) for c in created)
        )
        assert [s.id for s in songs] == [c.id for c in created]
        assert all(s.status == "ready" and s.mp3_url for s in songs)
        transport.paths.clear()
        summaries = await api.songs.wait_all(created, timeout=30.0, interval=0.05)
    assert [s.id for s in summaries] == [c.id for c in created]
    assert transport.paths == ["GET /api/4/songs"]  # all ready already: one round, one request


def test_wait_all_against_the_mock_only_polls_the_list(imuze_mock_server: MockServer) -> None:
    server = imuze_mock_server
    rec_paths: list[str] = []

    class Counting(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            rec_paths.append(f"{request.method} {request.url.path}")
            return super().handle_request(request)

    with Imuze(api_key=server.demo.api_key, base_url=server.base_url, transport=Counting()) as api:
        created = [
            api.songs.create(title=t, tags=["rock"], desired_length=3)
            for t in ("Night Drive", "Blue Hour", "Quiet Harbour")
        ]
        rec_paths.clear()
        songs = api.songs.wait_all(created, timeout=30.0, interval=0.05)
    assert [s.id for s in songs] == [c.id for c in created]
    assert set(rec_paths) == {"GET /api/4/songs"}


def test_wait_outlives_network_blips_and_gateway_errors() -> None:
    answers = iter(
        [
            httpx.ConnectError("refused"),
            httpx.Response(502, text="bad gateway"),
            httpx.Response(200, json=song_json(1, "ready")),
        ]
    )

    def handle(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    rec = Recorder(handle)
    fake = FakeTime()
    with _api(rec) as api:
        assert api.songs.wait(1, timeout=30.0, clock=fake.clock, sleep=fake.sleep).id == 1
    assert len(rec.requests) == 3 and len(fake.sleeps) == 2


def test_a_server_bug_ends_the_wait() -> None:
    rec = Recorder(lambda r: httpx.Response(500, json=error_body(500)))
    fake = FakeTime()
    with _api(rec) as api, pytest.raises(ServerError):
        api.songs.wait(1, timeout=30.0, clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == []
