"""Serving the mock with uvicorn: in a background thread (``running``) or in the foreground."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from . import logs
from .app import PREFIX, create_app
from .config import MAX_HEADER_BYTES, Account, MockConfig
from .errors import ApiError
from .faulty import TRANSPORT_EXTENSION

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _BaseProtocol

    _COUNTS_HEAD = True
except ImportError:  # pragma: no cover - httptools is a dependency, h11 the fallback
    from uvicorn.protocols.http.h11_impl import H11Protocol as _BaseProtocol  # type: ignore[assignment]

    _COUNTS_HEAD = False  # h11 bounds a head itself (h11_max_incomplete_event_size)


def _error_bytes(error: ApiError) -> bytes:
    """A whole HTTP/1.1 answer with the Error body, that closes the connection."""
    body = json.dumps(error.body(), separators=(",", ":")).encode()
    reason = HTTPStatus(error.status).phrase.encode()
    head = b"HTTP/1.1 %d %s\r\n" % (error.status, reason)
    head += b"content-type: application/json\r\ncontent-length: %d\r\n" % len(body)
    return head + b"connection: close\r\n\r\n" + body


class _MockProtocol(_BaseProtocol):
    """uvicorn's HTTP protocol with the mock's rules at the socket.

    - Bytes the parser rejects get the Error body (400), not uvicorn's plain text.
    - A request line and headers over ``max_header_bytes`` are refused (400) as soon as
      that many bytes arrived without the end of the head: no head is buffered beyond
      the limit (uvicorn sets none).
    - With faults on, each connection's transport is handed to the app, so that faults
      can drop it.
    """

    head_limit = MAX_HEADER_BYTES
    expose_transport = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_bytes = 0
        self._heads = 0  # heads read so far on this connection
        self._in_body = False
        if not self.expose_transport:
            return
        app = self.app

        async def with_transport(scope: Scope, receive: Receive, send: Send) -> None:
            scope.setdefault("extensions", {})[TRANSPORT_EXTENSION] = transport
            await app(scope, receive, send)

        self.app = with_transport

    def data_received(self, data: bytes) -> None:
        heads_before, in_head_before = self._heads, not self._in_body
        super().data_received(data)
        if not _COUNTS_HEAD or self.transport.is_closing():
            return
        if self._heads != heads_before or not in_head_before:  # a head ended, or a body
            self._head_bytes = 0
        elif not self._in_body:  # the whole chunk belongs to a head not yet complete
            self._head_bytes += len(data)
            if self._head_bytes > self.head_limit:
                message = f"the request line and headers are larger than {self.head_limit} bytes"
                self.transport.write(_error_bytes(ApiError(400, message)))
                self.transport.close()

    def on_headers_complete(self) -> None:
        self._heads += 1
        self._in_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body = False
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        why = "the request is not valid HTTP/1.1 (see the mock's log for the cause)"
        self.transport.write(_error_bytes(ApiError(400, why)))
        self.transport.close()


def _protocol(config: MockConfig) -> type[_MockProtocol]:
    """The protocol class for one server's limits and faults."""
    return type(
        "MockProtocol",
        (_MockProtocol,),
        {"head_limit": config.max_header_bytes, "expose_transport": bool(config.faults)},
    )


@dataclass(frozen=True)
class MockServer:
    """A running mock: where it listens and whom it knows."""

    base_url: str
    config: MockConfig
    demo: Account
    other: Account
    app: Starlette = field(repr=False, compare=False)

    @property
    def origin(self) -> str:
        """``http://host:port``, the base URL without ``/api/4``."""
        return self.base_url.removesuffix(PREFIX)


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket on ``host:port`` (0 picks a free port); ValueError for a
    port outside 0-65535."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer from 0 to 65535, not {port!r}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        # Listen now, so that a client that read the banner is queued, not refused, while
        # uvicorn is still starting (its own listen() on this socket is then a no-op).
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def base_url_of(sock: socket.socket) -> str:
    """The API base URL a bound socket serves."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{PREFIX}"


def _log_config() -> dict[str, Any]:
    """uvicorn's own logging set-up and formats, every line on stderr (stdout is the
    banner's, and in exec mode the command's)."""
    log_config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    return log_config


def uvicorn_server(
    app: Starlette, config: MockConfig, *, access_log: bool = False, **options: Any
) -> uvicorn.Server:
    """A uvicorn server for the mock, on the fast HTTP parser and event loop.

    No proxy-header middleware and no Server header: the mock serves its own origin, and
    both cost time on every request. Warnings only, each unparseable request with its cause
    (see logs.py); `access_log` adds uvicorn's line per request
    (`INFO:     127.0.0.1:50312 - "GET /api/4/songs HTTP/1.1" 200 OK`).
    """
    http: Any = _protocol(config)
    uv_config = uvicorn.Config(
        app,
        http=http,
        lifespan="on",
        log_config=_log_config(),
        log_level="warning",
        access_log=access_log,
        h11_max_incomplete_event_size=config.max_header_bytes,
        proxy_headers=False,
        server_header=False,
        **options,
    )
    logs.configure(access_log=access_log)
    return uvicorn.Server(uv_config)


def make_server(
    config: MockConfig | None, host: str, port: int, *, access_log: bool = False
) -> tuple[MockServer, uvicorn.Server, socket.socket]:
    """Build the app, bind the port and describe the result, without serving yet."""
    config = config or MockConfig()
    app = create_app(config)
    sock = bind(host, port)
    described = MockServer(base_url_of(sock), config, config.demo, config.other, app)
    return described, uvicorn_server(app, config, access_log=access_log), sock


@contextlib.contextmanager
def serving(described: MockServer, server: uvicorn.Server, sock: socket.socket) -> Iterator[None]:
    """Serve what ``make_server`` built in a background thread, until the block ends."""
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="imuze-mock", daemon=True
    )
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"imuze-mock failed to start on {described.base_url}")
            thread.join(0.01)
        yield
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def running(
    config: MockConfig | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    access_log: bool = False,
) -> Iterator[MockServer]:
    """Serve a fresh mock in a background thread for the duration of the ``with`` block
    (`access_log`: one line per request on stderr)."""
    described, server, sock = make_server(config, host, port, access_log=access_log)
    with serving(described, server, sock):
        yield described
