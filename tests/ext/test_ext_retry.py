"""Every retry rule: which failures are retried, for which requests, and how long to wait."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator

import httpx
import pytest
from ext_helpers import API, Recorder, created_json, error_body, sequence, song_json

from imuze_ext import (
    APIConnectionError,
    APITimeoutError,
    AsyncImuze,
    Imuze,
    RateLimitError,
    ServerError,
)
from imuze_ext._deadlines import Call
from imuze_ext._retry import (
    REQUEST,
    _request_delay,
    retry_after_seconds,
    should_retry,
)
from imuze_mock import MockConfig, MockServer, running

GET_SONG = httpx.Request("GET", f"{API}/songs/1")
POST_SONG = httpx.Request("POST", f"{API}/songs")
POST_TOKEN = httpx.Request("POST", f"{API}/tokens")


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_get_is_retried_on_every_transient_status(status: int) -> None:
    assert should_retry(GET_SONG, status)
    assert should_retry(POST_TOKEN, status)


@pytest.mark.parametrize("status", [200, 201, 400, 401, 403, 404, 410, 418, 422, 501, 505])
def test_other_statuses_are_never_retried(status: int) -> None:
    assert not should_retry(GET_SONG, status)
    assert not should_retry(POST_SONG, status)


@pytest.mark.parametrize(
    ("status", "retried"),
    [(429, True), (503, True), (500, False), (502, False), (504, False), (408, False)],
)
def test_create_is_retried_only_when_provably_not_processed(status: int, retried: bool) -> None:
    assert should_retry(POST_SONG, status) is retried


@pytest.mark.parametrize(
    ("exc", "for_get", "for_create"),
    [
        (httpx.ConnectError("refused"), True, True),
        (httpx.ConnectTimeout("slow connect"), True, True),
        (httpx.PoolTimeout("pool"), True, True),
        (httpx.ReadTimeout("slow"), True, False),
        (httpx.ReadError("reset"), True, False),
        (httpx.RemoteProtocolError("disconnected"), True, False),
        (httpx.WriteError("broken pipe"), True, False),
        (httpx.UnsupportedProtocol("ftp"), False, False),
    ],
)
def test_transport_errors(exc: Exception, for_get: bool, for_create: bool) -> None:
    assert should_retry(GET_SONG, exc) is for_get
    assert should_retry(POST_SONG, exc) is for_create


def test_retry_after_in_seconds_and_as_http_date() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(" 0 ") == 0.0
    now = 1_800_000_000.0
    date = email.utils.formatdate(now + 12, usegmt=True)
    assert retry_after_seconds(date, now=now) == pytest.approx(12.0)
    assert retry_after_seconds(email.utils.formatdate(now - 50, usegmt=True), now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("-3") is None
    assert retry_after_seconds(None) is None


def _call(retries: int = 5, deadline: float | None = None) -> Call:
    now = time.monotonic()
    call = Call(now, None if deadline is None else now + deadline, retries_left=retries)
    call.attempts = 1
    return call


WAIT_INITIAL, WAIT_JITTER = REQUEST.backoff.initial, REQUEST.backoff.jitter
RETRY_AFTER_CAP = REQUEST.retry_after_cap or 0.0


def _answer(status: int, retry_after: str | None = None) -> httpx.Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return httpx.Response(status, request=GET_SONG, headers=headers)


def test_the_delay_is_retry_after_else_the_exponential_backoff() -> None:
    assert _request_delay(GET_SONG, _call(), _answer(503, "3")) == 3.0
    delay = _request_delay(GET_SONG, _call(), _answer(503))
    assert delay is not None and WAIT_INITIAL <= delay <= WAIT_INITIAL + WAIT_JITTER
    delay = _request_delay(GET_SONG, _call(), httpx.ReadTimeout("slow"))
    assert delay is not None and WAIT_INITIAL <= delay <= WAIT_INITIAL + WAIT_JITTER
    assert _request_delay(POST_SONG, _call(), httpx.ReadTimeout("slow")) is None
    assert _request_delay(GET_SONG, _call(), ValueError("a bug")) is None


def test_no_wait_is_begun_that_ends_after_the_deadline() -> None:
    assert _request_delay(GET_SONG, _call(deadline=1.0), _answer(503, "5")) is None
    assert _request_delay(GET_SONG, _call(deadline=9.0), _answer(503, "5")) == 5.0


def test_a_retry_spends_the_calls_budget() -> None:
    call = _call(retries=2)
    delays = [_request_delay(GET_SONG, call, httpx.ConnectError("x")) for _ in range(3)]
    assert [d is not None for d in delays] == [True, True, False]
    assert call.retries_left == 0


def _client(recorder: Recorder, max_retries: int = 2) -> Imuze:
    return Imuze(
        api_key="key", base_url=API, transport=recorder.transport(), max_retries=max_retries
    )


def test_get_retries_then_succeeds() -> None:
    rec = Recorder(
        sequence(
            httpx.Response(503, json=error_body(503)),
            httpx.ReadTimeout("slow"),
            httpx.Response(200, json=song_json()),
        )
    )
    with _client(rec) as api:
        assert api.songs.get(1).id == 1
    assert len(rec.requests) == 3


def test_retries_are_bounded_by_max_retries() -> None:
    rec = Recorder(sequence(httpx.Response(502, text="bad gateway")))
    with _client(rec, max_retries=4) as api, pytest.raises(ServerError) as caught:
        api.songs.get(1)
    assert len(rec.requests) == 5
    assert caught.value.status_code == 502


def test_connection_errors_become_typed_after_the_retries() -> None:
    rec = Recorder(sequence(httpx.ConnectError("refused")))
    with _client(rec) as api, pytest.raises(APIConnectionError) as caught:
        api.arrangements.list()
    assert not isinstance(caught.value, APITimeoutError)
    assert len(rec.requests) == 3
    rec = Recorder(sequence(httpx.ReadTimeout("slow")))
    with _client(rec) as api, pytest.raises(APITimeoutError):
        api.arrangements.list()


@pytest.mark.parametrize("status", [500, 502, 504])
def test_create_is_not_retried_after_a_server_error(status: int) -> None:
    rec = Recorder(sequence(httpx.Response(status, json=error_body(status))))
    with _client(rec) as api, pytest.raises(ServerError):
        api.songs.create(title="Night Drive", desired_length=10)
    assert rec.paths("POST") == ["/api/4/songs"]


def test_create_is_not_retried_after_a_read_timeout() -> None:
    rec = Recorder(sequence(httpx.ReadTimeout("slow"), httpx.Response(201, json=created_json())))
    with _client(rec) as api, pytest.raises(APITimeoutError):
        api.songs.create(title="Night Drive", desired_length=10)
    assert len(rec.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(429, json=error_body(429), headers={"Retry-After": "1"}),
        httpx.Response(503, json=error_body(503)),
        httpx.ConnectError("refused"),
    ],
)
def test_create_is_retried_when_not_processed(failure: httpx.Response | Exception) -> None:
    rec = Recorder(sequence(failure, httpx.Response(201, json=created_json(7))))
    with _client(rec) as api:
        assert api.songs.create(title="Night Drive", desired_length=10).id == 7
    assert len(rec.requests) == 2


def test_a_retry_after_beyond_the_cap_is_not_waited_for() -> None:
    too_long = str(int(RETRY_AFTER_CAP) + 60)
    rec = Recorder(
        sequence(httpx.Response(429, json=error_body(429), headers={"Retry-After": too_long}))
    )
    with _client(rec) as api, pytest.raises(RateLimitError) as caught:
        api.songs.list()
    assert len(rec.requests) == 1
    assert caught.value.retry_after == float(too_long)


async def test_async_follows_the_same_rules() -> None:
    rec = Recorder(sequence(httpx.Response(500, json=error_body(500))))
    async with AsyncImuze(api_key="key", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(ServerError):
            await api.songs.create(title="Night Drive", desired_length=10)
        assert len(rec.requests) == 1
        with pytest.raises(ServerError):
            await api.songs.get(1)
        assert len(rec.requests) == 4


class _ProcessedThenFails(httpx.BaseTransport):
    """Forwards to the live mock (so the song IS created), then loses the answer."""

    def __init__(self, failure: httpx.Response | Exception) -> None:
        self._inner = httpx.HTTPTransport()
        self._failure = failure
        self.creates = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/songs"):
            self.creates += 1
            response.read()
            response.close()
            if isinstance(self._failure, Exception):
                raise self._failure
            return self._failure
        return response

    def close(self) -> None:
        self._inner.close()


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500, json=error_body(500)),
        httpx.ReadTimeout("answer lost"),
        httpx.RemoteProtocolError("server disconnected"),
    ],
)
def test_no_duplicate_song_when_a_processed_create_fails(
    imuze_mock_server: MockServer, failure: httpx.Response | Exception
) -> None:
    transport = _ProcessedThenFails(failure)
    demo = imuze_mock_server.demo
    with Imuze(
        email=demo.email,
        password=demo.password,
        base_url=imuze_mock_server.base_url,
        transport=transport,
    ) as api:
        with pytest.raises((ServerError, APIConnectionError)):
            api.songs.create(title="Night Drive", desired_length=5)
        assert transport.creates == 1
        assert api.songs.list().count == 1


def test_injected_faults_are_retried_over_real_sockets() -> None:
    """With 503/429/500/reset faults on half the requests, GETs still get through."""
    config = MockConfig(render_delay=0.05, faults="503:0.2,429:0.1,500:0.1,reset:0.1", seed=7)
    with (
        running(config) as server,
        Imuze(api_key=server.demo.api_key, base_url=server.base_url, max_retries=6) as api,
    ):
        for _ in range(10):
            assert api.arrangements.list().count > 0


class _CutBody(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b'{"id": 1, "tit'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def _cut_answer(status: int) -> httpx.Response:
    return httpx.Response(status, headers={"Content-Length": "500"}, stream=_CutBody())


def test_a_body_cut_off_mid_way_is_retried_for_a_get() -> None:
    answers = iter([_cut_answer(200), httpx.Response(200, json=song_json())])
    rec = Recorder(lambda r: next(answers))
    with _client(rec) as api:
        assert api.songs.get(1).title == "Morning Over The Bay"
    assert len(rec.requests) == 2


def test_a_create_whose_answer_is_cut_off_is_not_retried() -> None:
    answers = iter([_cut_answer(201), httpx.Response(201, json=created_json())])
    rec = Recorder(lambda r: next(answers))
    with _client(rec) as api, pytest.raises(APIConnectionError):
        api.songs.create(title="Night Drive", desired_length=10)
    assert len(rec.requests) == 1
