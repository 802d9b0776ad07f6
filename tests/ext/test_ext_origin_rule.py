"""The origin rule by construction: no credential ever reaches another origin.

Every request the client can make (the login, each operation of the packaged spec, the
media download and its Range resume) is redirected, with each redirect status, to another
host, another port and another scheme, directly and through a same-origin hop first. A
raw recording server stands at each foreign origin; whatever reached it must hold no
password, no API key, no token and no Authorization header, sync and async. A login
redirected to another origin is refused with RedirectRefusedError naming the new location.
(The client never fetches timeline_url: it is a link for the caller, not a request.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import socketserver
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import imuze_ext
from imuze import AsyncImuze, Imuze
from imuze_ext import RedirectRefusedError
from imuze_mock import MockConfig
from imuze_mock.app import PREFIX, create_app

SPEC = Path(imuze_ext.__file__).with_name("openapi.yaml")
STATUSES = (301, 302, 303, 307, 308)
PASSWORD = 'p\u00e4ss "w\\ord" 42'
EMAIL = "origin-rule@example.test"
API_KEY = "origin-rule-api-key-0123456789"
MEDIA = re.compile(rf"{PREFIX}/songs/[^/]+/audio\.mp3")


def spec_operations() -> dict[str, tuple[str, re.Pattern[str]]]:
    """operationId -> (method, path pattern), read from the packaged spec."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    found: dict[str, tuple[str, re.Pattern[str]]] = {}
    for path, item in spec["paths"].items():
        pattern = re.compile(PREFIX + re.sub(r"\{[^}]+\}", "[^/]+", path))
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (method.upper(), pattern)
    return found


OPERATIONS = spec_operations()
KINDS = (*sorted(OPERATIONS), "login", "media", "resume")
# Every kind with a logged-in client and with an API key (which never logs in).
MODES = [(k, m) for k in KINDS for m in ("login", "api key") if (k, m) != ("login", "api key")]


class Recorder(socketserver.ThreadingTCPServer):
    """A foreign origin: keeps every byte any connection sent, answers `{}` to HTTP."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str) -> None:
        super().__init__((host, 0), _Record)
        self.received: list[bytes] = []
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Record(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(0.5)
        data = bytearray()
        with contextlib.suppress(OSError):
            self._read(sock, data)
        server: Any = self.server
        with server.lock:  # recorded before any answer, so a case sees its own bytes
            server.received.append(bytes(data))
        if data[:1] != b"\x16":  # not a TLS handshake: answer as a plain HTTP server
            with contextlib.suppress(OSError):
                sock.sendall(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"content-length: 2\r\nconnection: close\r\n\r\n{}"
                )

    @staticmethod
    def _read(sock: socket.socket, data: bytearray) -> None:
        """The request's head and body (or the first bytes of a TLS handshake)."""
        while b"\r\n\r\n" not in data and data[:1] != b"\x16":
            chunk = sock.recv(65536)
            if not chunk:
                return
            data += chunk
        length = re.search(rb"(?i)content-length:\s*(\d+)", bytes(data))
        wanted = data.find(b"\r\n\r\n") + 4 + (int(length.group(1)) if length else 0)
        while len(data) < wanted:
            chunk = sock.recv(65536)
            if not chunk:
                return
            data += chunk


@dataclass
class Rule:
    """Redirect the first request of `kind` with `status` to `target` (via a same-origin
    hop first when `via`)."""

    kind: str
    status: int
    target: str
    via: bool
    fired: bool = False


@dataclass
class Redirector:
    """ASGI layer over the mock: applies the armed rule, cuts the first media answer short
    (so that the client resumes with Range), and notes every Authorization it sees."""

    app: ASGIApp
    rule: Rule | None = None
    cut_media: bool = False
    authorizations: set[str] = field(default_factory=set)

    def matches(self, scope: Scope, headers: dict[str, str]) -> bool:
        rule = self.rule
        if rule is None or rule.fired:
            return False
        method, path = scope["method"], scope["path"]
        if rule.kind == "login":
            return bool(method == "POST" and path == f"{PREFIX}/tokens")
        if rule.kind in ("media", "resume"):
            resuming = "range" in headers
            return bool(MEDIA.fullmatch(path)) and resuming == (rule.kind == "resume")
        wanted, pattern = OPERATIONS[rule.kind]
        return method == wanted and bool(pattern.fullmatch(path))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if "authorization" in headers:
            self.authorizations.add(headers["authorization"])
        rule = self.rule
        if rule is not None and scope["path"].startswith("/__hop/"):
            await _redirect(send, rule.status, rule.target + scope["path"][len("/__hop") :])
        elif rule is not None and self.matches(scope, headers):
            rule.fired = True
            query = scope["query_string"].decode("latin-1")
            path = scope["path"] + (f"?{query}" if query else "")
            await _redirect(send, rule.status, ("/__hop" if rule.via else rule.target) + path)
        elif self.cut_media and MEDIA.fullmatch(scope["path"]) and "range" not in headers:
            self.cut_media = False
            await self.app(scope, receive, _cut(send))
        else:
            await self.app(scope, receive, send)


async def _redirect(send: Send, status: int, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"location", location.encode()), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})


def _cut(send: Send) -> Send:
    """Passes the answer's head and half its body, then drops the connection."""

    async def cut(message: Message) -> None:
        if message["type"] == "http.response.body":
            body = message.get("body", b"")
            await send({"type": "http.response.body", "body": body[: len(body) // 2] or b"x"})
            raise ConnectionResetError("cut short on purpose")
        await send(message)

    return cut


@dataclass
class World:
    """The API (mock + redirector) and the foreign origins' recorders."""

    base_url: str
    redirector: Redirector
    recorders: list[Recorder]
    targets: dict[str, str]
    arrangement_id: int = 0
    song_id: int = 0

    def mark(self) -> list[int]:
        """How many connections each foreign origin has had so far."""
        return [len(r.received) for r in self.recorders]

    def since(self, mark: list[int]) -> bytes:
        """Every byte the foreign origins received since `mark`."""
        return b"".join(b"".join(r.received[n:]) for r, n in zip(self.recorders, mark, strict=True))


@contextlib.contextmanager
def _serving(app: ASGIApp) -> Iterator[int]:
    sock = socket.create_server(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="on", log_level="critical", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "the API did not start"
            thread.join(0.01)
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def _recording(host: str) -> Iterator[Recorder]:
    recorder = Recorder(host)
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        recorder.shutdown()
        recorder.server_close()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    from imuze_mock.config import Account

    config = MockConfig(render_delay=0.0, accounts=(Account(EMAIL, PASSWORD, API_KEY),))
    redirector = Redirector(create_app(config))
    with (
        _serving(redirector) as port,
        _recording("127.0.0.2") as other_host,
        _recording("127.0.0.1") as other_port,
        _recording("127.0.0.1") as tls,
    ):
        targets = {
            "another host": f"http://127.0.0.2:{other_host.port}",
            "another port": f"http://127.0.0.1:{other_port.port}",
            "another scheme": f"https://127.0.0.1:{tls.port}",
        }
        yield World(
            f"http://127.0.0.1:{port}{PREFIX}", redirector, [other_host, other_port, tls], targets
        )


def _prepare(world: World) -> None:
    """A ready song and an arrangement to ask for (once)."""
    if world.song_id:
        return
    with Imuze(api_key=API_KEY, base_url=world.base_url) as api:
        arrangement = api.arrangements.list().response[0]
        world.arrangement_id = arrangement.id
        created = api.songs.create(title="origin rule", desired_length=5)
        world.song_id = api.songs.wait(created.id, timeout=10).id


def sync_calls(world: World, tmp: Path) -> dict[str, Callable[[Imuze], object]]:
    """One client call per kind of request (each operation of the spec by its id)."""
    return {
        "createToken": lambda api: api.authentication.post(email=EMAIL, password=PASSWORD),
        "listArrangements": lambda api: api.arrangements.list(),
        "getArrangement": lambda api: api.arrangements.get(world.arrangement_id),
        "createSong": lambda api: api.songs.create(title="t", desired_length=5),
        "listSongs": lambda api: api.songs.list(),
        "getSong": lambda api: api.songs.get(world.song_id),
        "login": lambda api: api.songs.list(),
        "media": lambda api: api.songs.download(world.song_id, tmp),
        "resume": lambda api: api.songs.download(world.song_id, tmp),
    }


def async_calls(world: World, tmp: Path) -> dict[str, Callable[[AsyncImuze], Awaitable[object]]]:
    """The async twins of sync_calls."""
    return {
        "createToken": lambda api: api.authentication.post(email=EMAIL, password=PASSWORD),
        "listArrangements": lambda api: api.arrangements.list(),
        "getArrangement": lambda api: api.arrangements.get(world.arrangement_id),
        "createSong": lambda api: api.songs.create(title="t", desired_length=5),
        "listSongs": lambda api: api.songs.list(),
        "getSong": lambda api: api.songs.get(world.song_id),
        "login": lambda api: api.songs.list(),
        "media": lambda api: api.songs.download(world.song_id, tmp),
        "resume": lambda api: api.songs.download(world.song_id, tmp),
    }


def test_every_request_kind_is_enumerated(tmp_path: Path) -> None:
    """The calls below cover every operation of the packaged spec, sync and async: a new
    operation fails here until it has its call."""
    world = World("", Redirector(create_app(MockConfig())), [], {})
    assert set(sync_calls(world, tmp_path)) == set(KINDS)
    assert set(async_calls(world, tmp_path)) == set(KINDS)
    assert {"createToken", "createSong", "getSong"} <= set(OPERATIONS)


def _secrets(world: World) -> list[bytes]:
    """Every credential as it could travel: raw, JSON-escaped both ways, and every
    Authorization value the API saw (keys and the tokens it issued)."""
    texts = {PASSWORD, API_KEY, *world.redirector.authorizations}
    found: set[bytes] = {b"authorization:"}
    for text in texts:
        found |= {
            text.encode(),
            json.dumps(text).encode()[1:-1],
            json.dumps(text, ensure_ascii=False).encode()[1:-1],
        }
    return sorted(found)


def _judge(world: World, case: str, before: list[int], error: BaseException | None) -> list[str]:
    rule = world.redirector.rule
    assert rule is not None
    problems: list[str] = []
    if not rule.fired:
        problems.append(f"{case}: the request was never made (nothing redirected)")
    sent = world.since(before).lower()
    leaked = [s for s in _secrets(world) if s.lower() in sent]
    problems += [f"{case}: {s!r} reached the other origin" for s in leaked]
    login = rule.kind == "login" and (not rule.via or rule.status in (307, 308))
    if login and not (isinstance(error, RedirectRefusedError) and rule.target in error.location):
        problems.append(f"{case}: the login redirect was not refused naming it: {error!r}")
    return problems


def _arm(world: World, kind: str, status: int, target: str, via: bool) -> list[int]:
    world.redirector.rule = Rule(kind, status, target, via)
    world.redirector.cut_media = kind == "resume"
    return world.mark()


def _cases(world: World) -> Iterator[tuple[str, int, str, bool]]:
    for status in STATUSES:
        for where, target in world.targets.items():
            for via in (False, True):
                hop = " via a same-origin hop" if via else ""
                yield f"{status} to {where}{hop}", status, target, via


@pytest.mark.parametrize(("kind", "mode"), MODES)
def test_no_credential_leaves_the_origin_sync(
    world: World, kind: str, mode: str, tmp_path: Path
) -> None:
    _prepare(world)
    call = sync_calls(world, tmp_path)[kind]
    problems: list[str] = []
    for name, status, target, via in _cases(world):
        credentials: dict[str, Any] = (
            {"email": EMAIL, "password": PASSWORD} if mode == "login" else {"api_key": API_KEY}
        )
        with Imuze(**credentials, base_url=world.base_url, max_retries=1) as api:
            if kind != "login" and mode == "login":
                api.arrangements.list()  # logged in before the rule is armed
            before = _arm(world, kind, status, target, via)
            error: BaseException | None = None
            try:
                call(api)
            except Exception as exc:
                error = exc
        problems += _judge(world, f"sync {mode} {kind} {name}", before, error)
    world.redirector.rule = None
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("kind", "mode"), MODES)
def test_no_credential_leaves_the_origin_async(
    world: World, kind: str, mode: str, tmp_path: Path
) -> None:
    _prepare(world)
    call = async_calls(world, tmp_path)[kind]

    async def run() -> list[str]:
        problems: list[str] = []
        for name, status, target, via in _cases(world):
            credentials: dict[str, Any] = (
                {"email": EMAIL, "password": PASSWORD} if mode == "login" else {"api_key": API_KEY}
            )
            async with AsyncImuze(**credentials, base_url=world.base_url, max_retries=1) as api:
                if kind != "login" and mode == "login":
                    await api.arrangements.list()
                before = _arm(world, kind, status, target, via)
                error: BaseException | None = None
                try:
                    await call(api)
                except Exception as exc:
                    error = exc
            problems += _judge(world, f"async {mode} {kind} {name}", before, error)
        return problems

    problems = asyncio.run(run())
    world.redirector.rule = None
    assert not problems, "\n".join(problems)
