"""Servers that deviate from the spec the way real deployments do, over real sockets.

`serve(app)` runs any ASGI app with uvicorn on a free loopback port. `layered(...)` is the
real mock behind ASGI layers that each rewrite one thing of its JSON answers (a status, the
media URLs' form, the error bodies' shape), as a Rails deployment of the same API would.
`fixed(...)` is a tiny app that answers every request the same way (an nginx error page...).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

from imuze_mock import MockConfig, create_app
from imuze_mock.server import bind

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
# (method, path without /api/4, status, JSON body) -> (status, JSON body)
Rewrite = Callable[[str, str, int, Any], tuple[int, Any]]

PREFIX = "/api/4"
MEDIA_KEYS = ("mp3_url", "mp3", "timeline_url")


@contextlib.contextmanager
def serve(app: App, *, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` in a background thread; yield its origin (`http://127.0.0.1:PORT`)."""
    sock = bind(host, 0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="auto", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the deviant server failed to start")
            thread.join(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def rewriting(app: App, rewrite: Rewrite) -> App:
    """`app`, with every JSON answer passed through `rewrite` (other answers untouched)."""

    async def layer(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: Message = {}
        passthrough = False
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                if _is_json(message):
                    start = message
                else:
                    passthrough = True
                    await send(message)
                return
            if passthrough or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            content = b"".join(chunks)
            path = scope["path"].removeprefix(PREFIX)
            status, body = rewrite(
                scope["method"], path, start["status"], json.loads(content) if content else None
            )
            payload = json.dumps(body).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(payload)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": payload})

        await app(scope, receive, capture)

    return layer


def _is_json(start: Message) -> bool:
    types = [v for k, v in start["headers"] if k.lower() == b"content-type"]
    return bool(types) and types[0].split(b";")[0].strip() == b"application/json"


@dataclass
class Layers:
    """The rewrites of a deviating deployment; each one is off unless set."""

    statuses: dict[tuple[str, str], int] = field(default_factory=dict)
    """(method, path) -> the status a success answers instead, e.g. ("POST", "/songs"): 200."""
    media: Callable[[str], str] | None = None
    """How each absolute media URL is rewritten (see `protocol_relative` and co.)."""
    errors: Callable[[int, dict[str, Any]], Any] | None = None
    """How each spec Error body (status, body) is rewritten (see `rails_error`)."""

    def __call__(self, method: str, path: str, status: int, body: Any) -> tuple[int, Any]:
        if status < 300:
            status = self.statuses.get((method, _template(path)), status)
            if self.media is not None:
                body = _rewrite_urls(body, self.media)
        elif self.errors is not None and isinstance(body, dict) and "message" in body:
            body = self.errors(status, body)
        return status, body


def _template(path: str) -> str:
    return "/".join("{id}" if part.isdigit() else part for part in path.split("/"))


def _rewrite_urls(body: Any, media: Callable[[str], str]) -> Any:
    if isinstance(body, list):
        return [_rewrite_urls(item, media) for item in body]
    if isinstance(body, dict):
        return {
            key: media(value)
            if key in MEDIA_KEYS and isinstance(value, str)
            else _rewrite_urls(value, media)
            for key, value in body.items()
        }
    return body


def protocol_relative(url: str) -> str:
    """`http://host:port/api/4/songs/1/audio.mp3` -> `//host:port/api/4/songs/1/audio.mp3`."""
    return url.split(":", 1)[1]


def path_absolute(url: str) -> str:
    """`http://host:port/api/4/songs/1/audio.mp3` -> `/api/4/songs/1/audio.mp3`."""
    return httpx.URL(url).raw_path.decode()


def relative(url: str) -> str:
    """`http://host:port/api/4/songs/1/audio.mp3` -> `songs/1/audio.mp3` (from the base URL)."""
    return path_absolute(url).removeprefix(PREFIX + "/")


def rails_error(status: int, body: dict[str, Any]) -> Any:
    """A spec Error as a Rails app renders it: `{errors: {field: [msg]}}` for a 422,
    `{error: msg}` otherwise."""
    message = str(body["message"])
    if status == 422:
        name = body.get("field") or "base"
        return {"errors": {name: [message.removeprefix(f"{name}: ")]}}
    return {"error": message}


def layered(config: MockConfig, layers: Layers) -> App:
    """The real mock app behind the given rewrites."""
    app: App = create_app(config)
    return rewriting(app, layers)


def fixed(
    status: int, content: bytes, content_type: str, *, record: list[Any] | None = None
) -> App:
    """An app that answers every request `status` with `content` (recording the requests)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if record is not None:
            record.append(dict(scope))
        headers = [
            (b"content-type", content_type.encode()),
            (b"content-length", str(len(content)).encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    return app
