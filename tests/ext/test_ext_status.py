"""Success is any 2xx whose body matches the operation's success schema; the deviation is
logged once per operation, and strict mode makes it a ResponseValidationError naming it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from deviant import Layers, fixed, layered, serve
from ext_helpers import API, Recorder, created_json, song_json

from imuze_ext import AsyncImuze, Imuze, ResponseValidationError
from imuze_ext._responses import documented_success
from imuze_ext._tolerance import DeviationKind, undocumented_status
from imuze_mock import DEMO, MockConfig

UNDOCUMENTED = Layers(
    statuses={
        ("POST", "/tokens"): 200,  # Rails' `render json:` default
        ("POST", "/songs"): 202,
        ("GET", "/songs/{id}"): 203,
        ("GET", "/arrangements"): 206,
    }
)


@pytest.fixture
def deviating_api() -> Iterator[str]:
    """The real mock, answering 200/202/203/206 where the spec documents 201/201/200/200."""
    with serve(layered(MockConfig(render_delay=0.05), UNDOCUMENTED)) as origin:
        yield f"{origin}/api/4"


def _deviations(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "imuze_ext" and r.levelno == logging.WARNING
    ]


def test_the_spec_documents_one_success_status_per_operation() -> None:
    assert documented_success("createToken") == {201}
    assert documented_success("createSong") == {201}
    for operation in ("listArrangements", "getArrangement", "listSongs", "getSong"):
        assert documented_success(operation) == {200}
    with pytest.raises(LookupError):
        documented_success("deleteSong")


@pytest.mark.parametrize(
    ("status", "deviates"), [(201, False), (200, True), (202, True), (299, True), (404, False)]
)
def test_the_rule_spots_only_undocumented_2xx(status: int, deviates: bool) -> None:
    deviation = undocumented_status("createSong", {201}, status)
    assert (deviation is not None) is deviates
    if deviation is not None:
        assert deviation.kind is DeviationKind.UNDOCUMENTED_STATUS
        assert str(deviation) == f"createSong answered {status}, the spec documents 201"


def test_login_create_and_show_answered_with_other_2xx_work(
    deviating_api: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="imuze_ext")
    with Imuze(email=DEMO.email, password=DEMO.password, base_url=deviating_api) as api:
        assert api.arrangements.list().count > 0
        created = [api.songs.create(title="Night Drive", desired_length=1) for _ in range(3)]
        song = api.songs.wait(created[0], timeout=30)
        assert api.songs.get(song.id).id == created[0].id
    assert sorted(_deviations(caplog)) == sorted(
        f"tolerated a deviation from the spec: {detail} ({where}; logged once per operation, "
        "strict mode makes it an error)"
        for detail, where in [
            ("createToken answered 200, the spec documents 201", "POST /api/4/tokens"),
            ("listArrangements answered 206, the spec documents 200", "GET /api/4/arrangements"),
            ("createSong answered 202, the spec documents 201", "POST /api/4/songs"),
            ("getSong answered 203, the spec documents 200", f"GET /api/4/songs/{song.id}"),
        ]
    )  # three creates and many polls, each operation logged once


async def test_async_tolerates_them_too(deviating_api: str) -> None:
    async with AsyncImuze(email=DEMO.email, password=DEMO.password, base_url=deviating_api) as api:
        created = await api.songs.create(title="Night Drive", desired_length=1)
        song = await api.songs.wait(created, timeout=30)
        assert song.status == "ready"


def test_each_client_logs_its_own_first_deviation(
    deviating_api: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="imuze_ext")
    for _ in range(2):
        with Imuze(api_key=DEMO.api_key, base_url=deviating_api) as api:
            api.arrangements.list()
            api.arrangements.list()
    assert len(_deviations(caplog)) == 2


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_strict_mode_names_the_deviation(
    deviating_api: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "environment":
        monkeypatch.setenv("IMUZE_STRICT", "1")
    strict = True if how == "argument" else None
    with Imuze(
        email=DEMO.email, password=DEMO.password, base_url=deviating_api, strict=strict
    ) as api:
        with pytest.raises(ResponseValidationError) as caught:
            api.songs.list()
    error = caught.value
    assert str(error) == (
        "POST /api/4/tokens: createToken answered 200, the spec documents 201 (strict mode)"
    )
    assert error.deviation is not None
    assert error.deviation.kind is DeviationKind.UNDOCUMENTED_STATUS
    assert error.deviation.operation == "createToken"
    assert error.response is not None and error.response.status_code == 200
    assert DEMO.password not in repr(error)


async def test_async_strict_mode_names_the_deviation(deviating_api: str) -> None:
    async with AsyncImuze(api_key=DEMO.api_key, base_url=deviating_api, strict=True) as api:
        assert (await api.songs.list()).count == 0  # listSongs is answered as documented
        with pytest.raises(ResponseValidationError, match=r"createSong answered 202, the spec"):
            await api.songs.create(title="Night Drive", desired_length=1)


@pytest.mark.parametrize(
    ("status", "content", "content_type"),
    [
        (200, b"", "application/json"),  # a 2xx with no body
        (204, b"", "application/json"),
        (202, b'{"status": "queued"}', "application/json"),  # a 2xx with the wrong body
        (200, b"<html><title>OK</title></html>", "text/html"),
    ],
)
@pytest.mark.parametrize("strict", [False, True])
def test_a_2xx_without_the_right_body_is_still_an_error(
    status: int, content: bytes, content_type: str, strict: bool
) -> None:
    with serve(fixed(status, content, content_type)) as origin:
        with Imuze(api_key="k", base_url=f"{origin}/api/4", strict=strict) as api:
            with pytest.raises(ResponseValidationError) as caught:
                api.songs.create(title="Night Drive", desired_length=1)
    assert caught.value.deviation is None  # not a tolerated deviation: a broken answer
    assert "POST /api/4/songs" in str(caught.value)


@pytest.mark.parametrize("status", [200, 202, 299])
def test_statuses_the_generated_code_cannot_parse_are_judged_from_the_raw_answer(
    status: int,
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(status, json=created_json(7))
        return httpx.Response(status, json=song_json(7))

    rec = Recorder(handle)
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        assert api.songs.create(title="Night Drive", desired_length=1).id == 7
        assert api.songs.get(7).id == 7
