"""The status rule of a wait, and the deadline rule of a call."""

from __future__ import annotations

import logging

import httpx
import pytest
from ext_helpers import API, Recorder, error_body, song_json

from imuze_ext import Imuze, ResponseValidationError, ServerError, SongFailedError

# statuses -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", ["failed", "error", "errored", "cancelled", "canceled", "rejected", "EXPIRED"]
)
def test_a_failure_status_ends_the_wait_at_once(status: str) -> None:
    failed = song_json(1, status, error={"message": "renderer crashed"})
    rec = Recorder(lambda request: httpx.Response(200, json=failed))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(SongFailedError) as caught:
            api.songs.wait(1, timeout=30.0)
    assert caught.value.status == status
    assert "renderer crashed" in str(caught.value)
    assert len(rec.requests) == 1


def test_wait_all_names_the_failed_and_the_pending_songs() -> None:
    listed = {
        "count": 3,
        "response": [
            {**song_json(1, "ready"), "id": 1},
            {**song_json(2, "failed"), "id": 2},
            {**song_json(3, "processing"), "id": 3},
        ],
    }
    rec = Recorder(lambda request: httpx.Response(200, json=listed))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(SongFailedError) as caught:
            api.songs.wait_all([1, 2, 3], timeout=30.0)
    assert dict(caught.value.failed) == {2: "failed"}
    assert caught.value.pending == (3,)


def test_an_unknown_status_is_reported_once_and_strict_mode_names_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers = [song_json(1, "mastering")] * 2 + [song_json(1, "ready")]

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answers.pop(0) if len(answers) > 1 else answers[0])

    with caplog.at_level(logging.WARNING, logger="imuze_ext"):
        with Imuze(api_key="k", base_url=API, transport=httpx.MockTransport(handle)) as api:
            assert api.songs.wait(1, timeout=30.0, interval=0.01).status == "ready"
    said = [r.getMessage() for r in caplog.records if "mastering" in r.getMessage()]
    assert len(said) == 1
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=song_json(1, "mastering")))
    with Imuze(api_key="k", base_url=API, transport=transport, strict=True) as api:
        with pytest.raises(ResponseValidationError) as caught:
            api.songs.wait(1, timeout=30.0)
    assert caught.value.deviation is not None
    assert caught.value.deviation.kind.value == "unknown-status"


# the deadline rule ----------------------------------------------------------------------------


def test_the_default_deadline_derives_from_timeout_and_retries() -> None:
    with Imuze(api_key="k", base_url=API) as api:
        assert api.deadline == 3 * 30.0 + 2 * 8.0
        assert api.with_options(timeout=2.0, max_retries=0).deadline == 2.0
        assert api.with_options(deadline=5.0).deadline == 5.0
    with Imuze(api_key="k", base_url=API, deadline=7.0) as api:
        assert api.with_options(timeout=1.0).deadline == 7.0
    with pytest.raises(ValueError, match="deadline"):
        Imuze(api_key="k", base_url=API, deadline=0)


def test_a_call_fails_at_once_when_the_next_wait_would_pass_its_deadline() -> None:
    busy = httpx.Response(503, json=error_body(503), headers={"Retry-After": "3"})
    rec = Recorder(lambda request: busy)
    with Imuze(api_key="k", base_url=API, transport=rec.transport(), deadline=2.0) as api:
        with pytest.raises(ServerError):
            api.songs.get(1)
    assert len(rec.requests) == 1
