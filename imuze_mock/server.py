"""Serving the mock with uvicorn: in a background thread (``running``) or in the foreground."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from . import logs
from .app import PREFIX, create_app
from .config import Account, MockConfig
from .faulty import TRANSPORT_EXTENSION

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _BaseProtocol
except ImportError:  # pragma: no cover - httptools is a dependency, h11 the fallback
    from uvicorn.protocols.http.h11_impl import H11Protocol as _BaseProtocol  # type: ignore[assignment]


class _TransportExposingProtocol(_BaseProtocol):
    """Hands each connection's transport to the app, so that faults can drop it."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        app = self.app

        async def with_transport(scope: Scope, receive: Receive, send: Send) -> None:
            scope.setdefault("extensions", {})[TRANSPORT_EXTENSION] = transport
            await app(scope, receive, send)

        self.app = with_transport


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
    """A listening-ready socket on ``host:port`` (0 picks a free port)."""
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
    http: Any = _TransportExposingProtocol if config.faults else "auto"
    uv_config = uvicorn.Config(
        app,
        http=http,
        lifespan="on",
        log_config=_log_config(),
        log_level="warning",
        access_log=access_log,
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
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="imuze-mock", daemon=True
    )
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"imuze-mock failed to start on {described.base_url}")
            thread.join(0.01)
        yield described
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
