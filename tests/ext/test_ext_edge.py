"""The client against a hostile edge (tests/ext/edge_server.py), over real sockets.

Each behaviour runs through the sync client, the async client and the `imuze` CLI. The
outcome must be the expected one: the answer, or a typed error within the call's
deadline; never a partial file, never a credential in a message, a repr or our logs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpcore
import httpx
import pytest
from edge_behaviours import CASES, Case
from edge_server import (
    PAYLOAD,
    SIGNATURE,
    EdgeServer,
    Exchange,
    as_json,
    head,
    running,
    song,
)
from typer.testing import CliRunner

from imuze_cli.app import app
from imuze_ext import (
    APITimeoutError,
    AsyncImuze,
    Imuze,
    ImuzeError,
    ServerError,
    _deadlines,
)

KEY = "edge-secret-key-0123456789"
EMAIL = "edge@imuze.test"
PASSWORD = "edge-secret-password-42"
SECRETS = (KEY, PASSWORD, SIGNATURE)
TIMEOUT = 0.25
DEADLINE = 0.8
SLACK = 1.0  # a loaded 2-core machine
DOWNLOAD_DEADLINE = 4.0  # room for a backoff (0.5-1 s) before a resumed segment


def _deadline(op: str) -> float:
    return DOWNLOAD_DEADLINE if op == "download" else DEADLINE


@pytest.fixture(scope="module")
def edge() -> Iterator[EdgeServer]:
    with running({name: case.behaviour for name, case in CASES.items()}) as server:
        yield server


def _run_id() -> str:
    return uuid.uuid4().hex[:8]


def _credentials(op: str) -> dict[str, str]:
    return {"email": EMAIL, "password": PASSWORD} if op == "login" else {"api_key": KEY}


def _sync(api: Imuze, op: str, folder: Path) -> object:
    if op == "get":
        return api.songs.get(1)
    if op == "create":
        return api.songs.create(title="Edge Song", desired_length=10)
    if op == "download":
        return api.songs.download(1, folder)
    if op == "wait":
        return api.songs.wait(1, timeout=DEADLINE, interval=0.05)
    return api.songs.get(1)  # login: the first call logs in


async def _async(api: AsyncImuze, op: str, folder: Path) -> object:
    if op == "get":
        return await api.songs.get(1)
    if op == "create":
        return await api.songs.create(title="Edge Song", desired_length=10)
    if op == "download":
        return await api.songs.download(1, folder)
    if op == "wait":
        return await api.songs.wait(1, timeout=DEADLINE, interval=0.05)
    return await api.songs.get(1)


def _check_outcome(case: Case, outcome: object, elapsed: float, folder: Path) -> None:
    assert elapsed < _deadline(case.op) + SLACK, f"took {elapsed:.2f} s"
    leftovers = [p.name for p in folder.iterdir()]
    if case.expect is None:
        assert not isinstance(outcome, BaseException), repr(outcome)
        if case.op == "download":
            assert isinstance(outcome, Path) and outcome.parent == folder, outcome
            assert leftovers == [outcome.name]
            assert outcome.read_bytes() == PAYLOAD
        return
    assert isinstance(outcome, case.expect), repr(outcome)
    assert str(outcome).strip() and "\n" not in str(outcome)
    assert leftovers == []
    for secret in SECRETS:
        assert secret not in str(outcome) and secret not in repr(outcome)


def _check_logs(caplog: pytest.LogCaptureFixture) -> None:
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("imuze"))
    for secret in SECRETS:
        assert secret not in ours


@pytest.mark.parametrize("name", CASES)
def test_sync_client(
    name: str, edge: EdgeServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="imuze_ext")
    case = CASES[name]
    url = edge.base_url(name, _run_id())
    started = time.monotonic()
    with Imuze(
        base_url=url,
        timeout=TIMEOUT,
        max_retries=1,
        deadline=_deadline(case.op),
        **_credentials(case.op),
    ) as api:
        try:
            outcome: object = _sync(api, case.op, tmp_path)
        except ImuzeError as exc:
            outcome = exc
    _check_outcome(case, outcome, time.monotonic() - started, tmp_path)
    _check_logs(caplog)


@pytest.mark.parametrize("name", CASES)
async def test_async_client(
    name: str, edge: EdgeServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="imuze_ext")
    case = CASES[name]
    url = edge.base_url(name, _run_id())
    started = time.monotonic()
    async with AsyncImuze(
        base_url=url,
        timeout=TIMEOUT,
        max_retries=1,
        deadline=_deadline(case.op),
        **_credentials(case.op),
    ) as api:
        try:
            outcome: object = await _async(api, case.op, tmp_path)
        except ImuzeError as exc:
            outcome = exc
    _check_outcome(case, outcome, time.monotonic() - started, tmp_path)
    _check_logs(caplog)


def _cli_args(op: str, folder: Path) -> list[str]:
    return {
        "get": ["songs", "show", "1"],
        "login": ["songs", "show", "1"],
        "create": ["songs", "create", "--title", "Edge Song", "--length", "10"],
        "download": ["songs", "download", "1", "--out", str(folder)],
        "wait": ["songs", "wait", "1", "--timeout", str(DEADLINE)],
    }[op]


@pytest.mark.parametrize("name", CASES)
def test_cli(name: str, edge: EdgeServer, tmp_path: Path) -> None:
    case = CASES[name]
    env: dict[str, str | None] = {"IMUZE_LOG": None, "IMUZE_BASE_URL": None}
    if case.op == "login":
        env |= {"IMUZE_API_KEY": None, "IMUZE_EMAIL": EMAIL, "IMUZE_PASSWORD": PASSWORD}
    else:
        env |= {"IMUZE_API_KEY": KEY, "IMUZE_EMAIL": None, "IMUZE_PASSWORD": None}
    url = edge.base_url(name, _run_id())
    deadline = _deadline(case.op)
    args = ["--base-url", url, "--deadline", str(deadline), *_cli_args(case.op, tmp_path)]
    started = time.monotonic()
    result = CliRunner(env=env).invoke(app, args)
    elapsed = time.monotonic() - started
    # a wait may take its own --timeout and then one more call's deadline
    assert elapsed < deadline * (2 if case.op == "wait" else 1) + SLACK, f"took {elapsed:.2f} s"
    assert "Traceback" not in result.output
    for secret in SECRETS:
        assert secret not in result.output
    leftovers = [p.name for p in tmp_path.iterdir()]
    if case.expect is None:
        assert result.exit_code == 0, result.output
        if case.op == "download":
            [saved] = leftovers
            assert (tmp_path / saved).read_bytes() == PAYLOAD
    else:
        assert result.exit_code == 1, result.output
        errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, result.output
        assert leftovers == []


def test_an_ipv6_loopback_base_url_works() -> None:
    async def plain(x: Exchange) -> bool:
        await x.send(as_json(song()))
        return True

    with running({"plain": plain}, host="::1") as server:
        url = server.base_url("plain", _run_id())
        assert url.startswith("http://[::1]:")
        with Imuze(api_key=KEY, base_url=url, timeout=TIMEOUT) as api:
            assert api.songs.get(1).id == 1

        async def call() -> int:
            async with AsyncImuze(api_key=KEY, base_url=url, timeout=TIMEOUT) as api:
                return (await api.songs.get(1)).id

        assert asyncio.run(call()) == 1
        result = CliRunner(env={"IMUZE_API_KEY": KEY}).invoke(
            app, ["--base-url", url, "songs", "show", "1"]
        )
        assert result.exit_code == 0, result.output


def test_credentials_stay_on_the_api_origin_across_a_presigned_redirect(
    edge: EdgeServer, tmp_path: Path
) -> None:
    run = _run_id()
    with Imuze(api_key=KEY, base_url=edge.base_url("presigned_redirect", run)) as api:
        api.songs.download(1, tmp_path)
    cdn = [s for s in edge.seen if f"/{run}/cdn/" in s.target]
    assert cdn and all("authorization" not in s.headers for s in cdn)
    api_calls = [s for s in edge.seen if f"/{run}/api/4/" in s.target]
    assert api_calls and all(s.headers.get("authorization") == KEY for s in api_calls)


def test_maintenance_is_not_waited_out_past_the_deadline(edge: EdgeServer) -> None:
    run = _run_id()
    url = edge.base_url("maintenance_past_deadline", run)
    with Imuze(api_key=KEY, base_url=url, deadline=DEADLINE) as api, pytest.raises(ServerError):
        api.songs.get(1)
    assert (
        edge.counts[("maintenance_past_deadline", run, "GET /api/4/songs/1")] == 1
    )  # Retry-After 5 > 1.5


def test_the_deadline_aware_pool_is_installed() -> None:
    """Our sockets bound the trickle cases: our own transport, over httpcore's public pool
    built with our backend, is the bottom of a client that names no proxy."""
    transport = _deadlines.http_transport(httpx.Limits(), trust_env=False)
    assert isinstance(transport, _deadlines.PoolTransport)
    assert isinstance(transport.pool, httpcore.ConnectionPool)


def test_a_trickling_server_cannot_hold_get_past_its_timeout() -> None:
    """The issue's probe: headers at once, then one byte every 0.3 s; timeout=2."""

    async def trickle(x: Exchange) -> bool:
        body = json.dumps(song()).encode()
        await x.send(head("200 OK", {"Content-Length": str(len(body))}))
        await x.trickle(body, every=0.3)
        return False

    with running({"trickle": trickle}) as server:
        url = server.base_url("trickle", _run_id())
        started = time.monotonic()
        with Imuze(api_key=KEY, base_url=url, timeout=2.0, max_retries=0) as api:
            with pytest.raises(APITimeoutError) as caught:
                api.songs.get(9)
        elapsed = time.monotonic() - started
    assert elapsed < 3.0, elapsed
    assert caught.value.limit in ("timeout", "deadline")
    assert caught.value.elapsed == pytest.approx(2.0, abs=0.5)
    assert "2.0 s" in str(caught.value)


def test_a_callers_client_is_bounded_too(edge: EdgeServer) -> None:
    """With http_client=, our sockets are not in play: the async twin awaits the headers in
    a cancel scope, and both twins check the body's time chunk by chunk."""
    body_url = edge.base_url("trickle_body", _run_id())
    started = time.monotonic()
    with (
        httpx.Client() as mine,
        Imuze(
            api_key=KEY, base_url=body_url, http_client=mine, timeout=TIMEOUT, max_retries=0
        ) as api,
    ):
        with pytest.raises(APITimeoutError):
            api.songs.get(1)
    assert time.monotonic() - started < TIMEOUT + SLACK

    async def run() -> None:
        for name in ("trickle_headers", "trickle_body"):
            url = edge.base_url(name, _run_id())
            async with httpx.AsyncClient() as mine:
                async with AsyncImuze(
                    api_key=KEY, base_url=url, http_client=mine, timeout=TIMEOUT, max_retries=0
                ) as api:
                    with pytest.raises(APITimeoutError):
                        await api.songs.get(1)

    started = time.monotonic()
    asyncio.run(run())
    assert time.monotonic() - started < 2 * TIMEOUT + SLACK
