"""Library hygiene: a process that configures no logging prints nothing, retries included;
imuze_ext's retries are logged on the `imuze_ext` logger, an app's own stamina use stays put."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import stamina
from deviant import Receive, Scope, Send, serve
from ext_helpers import API, Recorder, error_body, sequence, song_json

from imuze_ext import AsyncImuze, Imuze
from imuze_ext._config import configure_from_env, logger

ARRANGEMENTS = {"count": 1, "response": [{"id": 1, "name": "Chamber Strings"}]}

CLIENT = """
import sys
from imuze_ext import AsyncImuze, Imuze

with Imuze(api_key="imuze-test-key", base_url=sys.argv[1]) as api:
    print(api.arrangements.list().count)
"""


class FlakyOnce:
    """Answers 503 (Retry-After: 0) to the first request, then 203 with a valid list:
    one retry and one tolerated deviation."""

    def __init__(self) -> None:
        self.requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        self.requests += 1
        if self.requests == 1:
            status, body, extra = (
                503,
                error_body(503, "unavailable", "busy"),
                [(b"retry-after", b"0")],
            )
        else:
            status, body, extra = 203, ARRANGEMENTS, []
        payload = json.dumps(body).encode()
        headers = [(b"content-type", b"application/json"), *extra]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


@pytest.fixture
def flaky() -> Iterator[tuple[FlakyOnce, str]]:
    app = FlakyOnce()
    with serve(app) as origin:
        yield app, f"{origin}/api/4"


def _run(base_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IMUZE_")}
    return subprocess.run(
        [sys.executable, "-c", CLIENT, base_url],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
        check=False,
    )


def test_a_process_without_logging_prints_nothing_on_a_retry(flaky: tuple[FlakyOnce, str]) -> None:
    app, base_url = flaky
    result = _run(base_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1\n"
    assert result.stderr == ""
    assert app.requests == 2  # the retry and the tolerated 203 both happened, silently


def test_imuze_log_shows_the_retry_and_the_deviation_on_imuze_ext(
    flaky: tuple[FlakyOnce, str],
) -> None:
    _, base_url = flaky
    result = _run(base_url, IMUZE_LOG="warning")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].endswith(
        "imuze_ext WARNING retry 1 of GET /api/4/arrangements in 0.00 s after status 503"
    )
    assert "listArrangements answered 203, the spec documents 200" in lines[1]
    assert "stamina.retry_scheduled" not in result.stderr
    assert "imuze-test-key" not in result.stderr


def test_retries_are_logged_on_imuze_ext_and_the_apps_own_stamina_use_is_untouched(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    answers = sequence(
        httpx.Response(503, json=error_body(503)), httpx.Response(200, json=ARRANGEMENTS)
    )
    with Imuze(api_key="k", base_url=API, transport=Recorder(answers).transport()) as api:
        api.arrangements.list()
    ours = [
        r for r in caplog.records if r.name == "imuze_ext" and r.getMessage().startswith("retry")
    ]
    assert len(ours) == 1
    assert ours[0].imuze_retry_num == 1
    assert not [r for r in caplog.records if r.name == "stamina"]

    calls = 0
    for attempt in stamina.retry_context(on=ValueError, attempts=2):
        with attempt:
            calls += 1
            if calls == 1:
                raise ValueError("the application's own retry")
    theirs = [r for r in caplog.records if r.name == "stamina"]
    assert [r.getMessage() for r in theirs] == ["stamina.retry_scheduled"]


def test_the_library_logger_never_reaches_the_last_resort_handler() -> None:
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)


@pytest.mark.parametrize(
    ("value", "level"),
    [("debug", logging.DEBUG), ("info", logging.INFO), ("WARNING", logging.WARNING)],
)
def test_imuze_log_levels(value: str, level: int, imuze_logger_kept: logging.Logger) -> None:
    imuze_logger_kept.setLevel(logging.NOTSET)
    configure_from_env({"IMUZE_LOG": value})
    assert logger.level == level


def _env_handlers() -> list[logging.Handler]:
    return [h for h in logger.handlers if type(h).__name__ == "_EnvHandler"]


def test_the_latest_imuze_log_wins_and_unset_undoes_it(imuze_logger_kept: logging.Logger) -> None:
    imuze_logger_kept.setLevel(logging.NOTSET)
    before = list(logger.handlers)
    configure_from_env({"IMUZE_LOG": "debug"})
    configure_from_env({"IMUZE_LOG": "warning"})
    assert logger.level == logging.WARNING
    assert len(_env_handlers()) == 1  # one handler, however many configurations
    configure_from_env({"IMUZE_LOG": ""})
    assert logger.level == logging.NOTSET
    assert logger.handlers == before


def test_unsetting_imuze_log_keeps_a_level_the_application_set_since(
    imuze_logger_kept: logging.Logger,
) -> None:
    imuze_logger_kept.setLevel(logging.NOTSET)
    configure_from_env({"IMUZE_LOG": "info"})
    imuze_logger_kept.setLevel(logging.ERROR)
    configure_from_env({})
    assert logger.level == logging.ERROR
    assert _env_handlers() == []


def test_a_level_the_application_set_between_two_imuze_logs_is_restored(
    imuze_logger_kept: logging.Logger,
) -> None:
    imuze_logger_kept.setLevel(logging.NOTSET)
    configure_from_env({"IMUZE_LOG": "debug"})
    imuze_logger_kept.setLevel(logging.ERROR)
    configure_from_env({"IMUZE_LOG": "warning"})
    assert logger.level == logging.WARNING
    configure_from_env({})
    assert logger.level == logging.ERROR
    assert _env_handlers() == []


def test_unset_imuze_log_leaves_an_application_s_own_configuration_alone(
    imuze_logger_kept: logging.Logger,
) -> None:
    mine = logging.StreamHandler()
    imuze_logger_kept.addHandler(mine)
    imuze_logger_kept.setLevel(logging.DEBUG)
    configure_from_env({})
    assert logger.level == logging.DEBUG
    assert mine in logger.handlers


async def test_async_retries_are_rerouted_too(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    answers = sequence(
        httpx.Response(503, json=error_body(503)), httpx.Response(200, json=ARRANGEMENTS)
    )
    async with AsyncImuze(
        api_key="k", base_url=API, transport=Recorder(answers).transport()
    ) as api:
        await api.arrangements.list()
    messages = [r.getMessage() for r in caplog.records if r.name == "imuze_ext"]
    assert "retry 1 of GET /api/4/arrangements in 0.00 s after status 503" in messages
    assert not [r for r in caplog.records if r.name == "stamina"]


def test_download_retries_are_rerouted_too(caplog: pytest.LogCaptureFixture, tmp_path: Any) -> None:
    caplog.set_level(logging.INFO)
    media = [
        httpx.Response(
            200,
            headers={"Content-Length": "20", "ETag": '"v1"'},
            stream=httpx.ByteStream(b"ID3" + b"0" * 7),  # an mp3's first bytes
        ),
        httpx.Response(
            206, headers={"Content-Range": "bytes 10-19/20", "ETag": '"v1"'}, content=b"1" * 10
        ),
    ]

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/4/songs/1":
            return httpx.Response(200, json=song_json(1))
        return media.pop(0)

    with Imuze(api_key="k", base_url=API, transport=Recorder(handle).transport()) as api:
        path = api.songs.download(1, tmp_path / "x.mp3")
    assert path.read_bytes() == b"ID3" + b"0" * 7 + b"1" * 10
    messages = [r.getMessage() for r in caplog.records if r.name == "imuze_ext"]
    assert any(m.startswith("retry 1 of download of /api/4/songs/1/audio.mp3") for m in messages)
    assert not [r for r in caplog.records if r.name == "stamina"]
