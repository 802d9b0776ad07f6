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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from edge_server import (
    PAYLOAD,
    SIGNATURE,
    EdgeServer,
    Exchange,
    answer,
    as_json,
    created,
    deflated,
    gzipped,
    head,
    http_date,
    running,
    song,
)
from typer.testing import CliRunner

from imuze_cli.app import app
from imuze_ext import (
    APIConnectionError,
    APITimeoutError,
    AsyncImuze,
    Imuze,
    ImuzeError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    SongFailedError,
    _network,
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


JSON_SONG = json.dumps(song()).encode()


# --- behaviours ---------------------------------------------------------------------------


async def trickle_body(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Type": "application/json", "Content-Length": "150"}))
    await x.trickle(JSON_SONG.ljust(150), every=0.05)
    return False


async def trickle_headers(x: Exchange) -> bool:
    await x.trickle(answer("200 OK", JSON_SONG), every=0.05)
    return False


async def stall(x: Exchange) -> bool:
    await asyncio.sleep(30)
    return False


async def redirect_loop(x: Exchange) -> bool:
    await x.send(answer("302 Found", b"", Location=f"{x.origin}{x.path}"))
    return True


def _media(x: Exchange, **song_fields: Any) -> bytes | None:
    """The song (its mp3 on this server) for GET /songs/1; None for other paths."""
    if x.path == "/api/4/songs/1":
        return as_json(song(media=f"{x.origin}/api/4/media/1.mp3", **song_fields))
    return None


def _mp3(**extra: str) -> bytes:
    return answer("200 OK", PAYLOAD, "audio/mpeg", **extra)


async def presigned_redirect(x: Exchange) -> bool:
    if (first := _media(x)) is not None:
        await x.send(first)
    elif x.path.startswith("/api/4/media"):
        signed = f"{x.other_origin}/cdn/1.mp3?X-Amz-Credential=AKIA&X-Amz-Signature={SIGNATURE}"
        await x.send(answer("302 Found", b"", Location=signed))
    else:
        await x.send(_mp3())
    return True


async def see_other_on_post(x: Exchange) -> bool:
    if x.method == "POST":
        await x.send(answer("303 See Other", b"", Location=f"{x.origin}/api/4/songs/1"))
    else:
        await x.send(as_json(created()))
    return True


async def temporary_redirect_on_post(x: Exchange) -> bool:
    if x.path == "/api/4/songs":
        await x.send(answer("307 Temporary Redirect", b"", Location=f"{x.origin}/api/4/again"))
    else:
        await x.send(as_json(created(), "201 Created"))
    return True


def _unavailable_first(retry_after: str) -> Callable[[Exchange], Any]:
    async def behaviour(x: Exchange) -> bool:
        if x.count == 1:
            await x.send(
                as_json(
                    {"error": "busy"}, "503 Service Unavailable", **{"Retry-After": retry_after}
                )
            )
        else:
            await x.send(as_json(song()))
        return True

    return behaviour


def _encoded(encoding: str, encode: Callable[[bytes], bytes]) -> Callable[[Exchange], Any]:
    async def behaviour(x: Exchange) -> bool:
        await x.send(answer("200 OK", encode(JSON_SONG), **{"Content-Encoding": encoding}))
        return True

    return behaviour


async def wrong_charset(x: Exchange) -> bool:
    body = json.dumps(song(title="Édge Song"), ensure_ascii=False).encode()
    await x.send(answer("200 OK", body, "application/json; charset=iso-8859-1"))
    return True


async def no_content_type(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(len(JSON_SONG))}) + JSON_SONG)
    return True


async def bom(x: Exchange) -> bool:
    await x.send(answer("200 OK", b"\xef\xbb\xbf" + JSON_SONG))
    return True


async def length_longer(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(len(JSON_SONG) + 100)}) + JSON_SONG)
    return False


async def length_shorter(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(len(JSON_SONG) - 5)}) + JSON_SONG)
    return False


async def reset_mid_body(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(len(JSON_SONG))}) + JSON_SONG[:20])
    x.reset()
    return False


async def informational(x: Exchange) -> bool:
    await x.send(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n")
    await x.send(answer("200 OK", JSON_SONG))
    return True


async def http10(x: Exchange) -> bool:
    await x.send(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + JSON_SONG)
    return False


async def huge_declared(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(200_000_000)}) + b"[" * 4096)
    await asyncio.sleep(5)
    return False


def _body(body: bytes) -> Callable[[Exchange], Any]:
    async def behaviour(x: Exchange) -> bool:
        await x.send(answer("200 OK", body))
        return True

    return behaviour


def _titled(title: str) -> Callable[[Exchange], Any]:
    async def behaviour(x: Exchange) -> bool:
        await x.send(_media(x, title=title) or _mp3())
        return True

    return behaviour


async def failed_status(x: Exchange) -> bool:
    failed = {**song(status="failed"), "failure_reason": "the renderer crashed"}
    await x.send(as_json(failed))
    return True


async def unknown_status(x: Exchange) -> bool:
    await x.send(as_json(song(status="mastering") if x.count == 1 else song()))
    return True


async def slow_login(x: Exchange) -> bool:
    if x.path.endswith("/tokens"):
        await asyncio.sleep(30)
    await x.send(as_json(song()))
    return True


async def long_retry_after(x: Exchange) -> bool:
    await x.send(as_json({"error": "slow down"}, "429 Too Many Requests", **{"Retry-After": "120"}))
    return True


async def maintenance(x: Exchange) -> bool:
    await x.send(
        as_json({"error": "maintenance"}, "503 Service Unavailable", **{"Retry-After": "5"})
    )
    return True


async def html_gateway(x: Exchange) -> bool:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    await x.send(answer("502 Bad Gateway", page, "text/html"))
    return True


async def truncated_media(x: Exchange) -> bool:
    if (first := _media(x)) is not None:
        await x.send(first)
        return True
    size = {"Content-Length": str(len(PAYLOAD)), "ETag": '"v1"'}
    await x.send(head("200 OK", size) + PAYLOAD[:1000])
    return False


async def changed_media(x: Exchange) -> bool:
    if (first := _media(x)) is not None:
        await x.send(first)
        return True
    if "range" not in x.headers:
        await x.send(head("200 OK", {"Content-Length": "1000", "ETag": '"v1"'}) + b"a" * 500)
        return False
    # ignores If-Range and splices the 1,500-byte version on
    headers = {"Content-Length": "1000", "Content-Range": "bytes 500-1499/1500", "ETag": '"v1"'}
    await x.send(head("206 Partial Content", headers) + b"b" * 1000)
    return True


@dataclass(frozen=True)
class Case:
    behaviour: Callable[[Exchange], Any]
    op: str  # get, create, download, wait, login
    expect: tuple[type[ImuzeError], ...] | None  # None: the call works


TYPED_BODY = (ResponseValidationError,)
CASES: dict[str, Case] = {
    "trickle_body": Case(trickle_body, "get", (APITimeoutError,)),
    "trickle_headers": Case(trickle_headers, "get", (APITimeoutError,)),
    "stall": Case(stall, "get", (APITimeoutError,)),
    "redirect_loop": Case(redirect_loop, "get", (APIConnectionError,)),
    "presigned_redirect": Case(presigned_redirect, "download", None),
    "see_other_on_post": Case(see_other_on_post, "create", None),
    "temporary_redirect_on_post": Case(temporary_redirect_on_post, "create", None),
    "retry_after_http_date": Case(_unavailable_first(http_date(1)), "get", None),
    "retry_after_past_date": Case(_unavailable_first(http_date(-3600)), "get", None),
    "gzip": Case(_encoded("gzip", gzipped), "get", None),
    "deflate": Case(_encoded("deflate", deflated), "get", None),
    # without the brotli package httpx does not ask for br and reads the body as sent
    "brotli_unasked": Case(_encoded("br", lambda data: data), "get", None),
    "gzip_header_on_plain_body": Case(_encoded("gzip", lambda data: data), "get", TYPED_BODY),
    "wrong_charset": Case(wrong_charset, "get", None),
    "no_content_type": Case(no_content_type, "get", None),
    "bom": Case(bom, "get", None),
    "content_length_longer": Case(length_longer, "get", (APIConnectionError,)),
    "content_length_shorter": Case(length_shorter, "get", TYPED_BODY),
    "reset_mid_body": Case(reset_mid_body, "get", (APIConnectionError,)),
    "informational_1xx": Case(informational, "get", None),
    "http10_no_keep_alive": Case(http10, "get", None),
    "huge_declared_body": Case(huge_declared, "get", TYPED_BODY),
    "deep_json": Case(_body(b"[" * 100_000 + b"]" * 100_000), "get", TYPED_BODY),
    "invalid_json": Case(_body(b'{"id": 1,'), "get", TYPED_BODY),
    "empty_body": Case(_body(b""), "get", TYPED_BODY),
    "null_body": Case(_body(b"null"), "get", TYPED_BODY),
    "array_for_object": Case(_body(b"[1, 2]"), "get", TYPED_BODY),
    "title_path_separators": Case(_titled("../../etc/passwd"), "download", None),
    "title_nul_and_controls": Case(_titled("a\x00b\x07c\x1b[2J"), "download", None),
    "title_windows_reserved": Case(_titled("CON"), "download", None),
    "failed_status": Case(failed_status, "wait", (SongFailedError,)),
    "unknown_status": Case(unknown_status, "wait", None),
    "slow_login": Case(slow_login, "login", (APITimeoutError,)),
    "long_retry_after": Case(long_retry_after, "get", (RateLimitError,)),
    "maintenance_past_deadline": Case(maintenance, "get", (ServerError,)),
    "html_gateway_error": Case(html_gateway, "get", (ServerError,)),
    "truncated_media": Case(truncated_media, "download", (APIConnectionError,)),
    "changed_media": Case(changed_media, "download", TYPED_BODY),
}


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
    """Our sockets bound the trickle cases only while httpx keeps its pool in `_pool`."""
    transport = _network.http_transport(_network_limits())
    pool = transport._pool
    assert isinstance(pool._network_backend, _network.DeadlineBackend)


def _network_limits() -> Any:
    import httpx

    return httpx.Limits()
