"""Layers for the behavioural zoo's bugs in what no fuzzer sends or reads: links and media,
HEAD and OPTIONS, Accept, bodies too deep, too large, with a key twice or in latin-1, and
tokens issued in sequence. zoo_behave.py names each bug and the check that must catch it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .broken import (
    App,
    Message,
    Receive,
    Scope,
    Send,
    _header,
    _is,
    _read_body,
    _replaying,
    rewrite_raw,
)
from .broken import _with_header as with_header

AUDIO = "/songs/{id}/audio.mp3"
MEDIA = (AUDIO, "/songs/{id}/timeline.json")
Predicate = Callable[[Scope, bytes], bool]


async def _answer(send: Send, status: int, content_type: bytes, body: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store")]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def answer_when(
    method: str, path: str, when: Predicate, status: int, content_type: bytes = b"application/json",
    body: bytes = b'{"code": 500, "error": "internal_error", "message": "boom"}',
) -> Callable[[App], App]:  # fmt: skip
    """A layer answering `method path` itself (status, type, body) when `when(scope, body)`."""

    def layer(app: App) -> App:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if not _is(scope, method, path):
                await app(scope, receive, send)
                return
            raw = await _read_body(receive)
            if when(scope, raw):
                await _answer(send, status, content_type, body)
                return
            await app(scope, _replaying(raw), send)

        return wrapped

    return layer


def always(scope: Scope, raw: bytes) -> bool:
    """Every request."""
    return True


def accepts_html_only(scope: Scope, raw: bytes) -> bool:
    """An Accept that names HTML and no JSON."""
    accept = (_header(scope, b"accept") or b"").lower()
    return b"text/html" in accept and b"json" not in accept


def nested_deeper_than(depth: int) -> Predicate:
    """A body with more than `depth` arrays or objects open at once."""

    def deep(scope: Scope, raw: bytes) -> bool:
        level = most = 0
        for byte in raw:
            level += (byte in b"[{") - (byte in b"]}")
            most = max(most, level)
        return most > depth

    return deep


def larger_than(size: int) -> Predicate:
    """A body over `size` bytes."""
    return lambda scope, raw: len(raw) > size


def said_latin1(scope: Scope, raw: bytes) -> bool:
    """A body whose Content-Type says latin-1."""
    return b"latin-1" in (_header(scope, b"content-type") or b"").lower()


def rewrite_body(method: str, path: str, change: Callable[[bytes], bytes]) -> Callable[[App], App]:
    """A layer handing the app `change(body)` for `method path`."""

    def layer(app: App) -> App:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if not _is(scope, method, path):
                await app(scope, receive, send)
                return
            await app(scope, _replaying(change(await _read_body(receive))), send)

        return wrapped

    return layer


def first_key_wins(raw: bytes) -> bytes:
    """The body re-read keeping each key's first value (where most parsers keep the last)."""
    try:
        data = json.loads(raw, object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    except (ValueError, UnicodeDecodeError):
        return raw
    return json.dumps(data).encode()


def last_key_wins(raw: bytes) -> bytes:
    """The body re-read keeping each key's last value (a lenient, consistent parser)."""
    try:
        return json.dumps(json.loads(raw)).encode()
    except (ValueError, UnicodeDecodeError):
        return raw


def without_header(method: str, path: str, name: bytes) -> Callable[[App], App]:
    """A layer dropping the request header `name` for `method path`."""

    def layer(app: App) -> App:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if _is(scope, method, path):
                scope = {**scope, "headers": [(k, v) for k, v in scope["headers"]
                                              if k.lower() != name]}  # fmt: skip
            await app(scope, receive, send)

        return wrapped

    return layer


def answers_without(method: str, path: str, name: bytes) -> Callable[[App], App]:
    """A layer dropping the response header `name` from the answers to `method path`."""

    def layer(app: App) -> App:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if not _is(scope, method, path):
                await app(scope, receive, send)
                return

            async def sending(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", [])
                               if bytes(k).lower() != name]  # fmt: skip
                    message = {**message, "headers": headers}
                await send(message)

            await app(scope, receive, sending)

        return wrapped

    return layer


def range_ignored(app: App) -> App:
    """Media served whole whatever Range asks (a proxy that drops the header)."""
    for path in MEDIA:
        app = without_header("GET", path, b"range")(app)
    return app


def media_cached_for_anyone(app: App) -> App:
    """Media kept by a cache keyed on the URL alone: the first answer, served to anyone."""
    kept: dict[str, list[Message]] = {}

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not any(_is(scope, "GET", path) for path in MEDIA):
            await app(scope, receive, send)
            return
        if scope["path"] in kept:
            for message in kept[scope["path"]]:
                await send(message)
            return
        messages: list[Message] = []

        async def keeping(message: Message) -> None:
            messages.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                if messages[0].get("status") == 200:
                    kept[scope["path"]] = messages
            await send(message)

        await app(scope, receive, keeping)

    return wrapped


def sequential_tokens(app: App) -> App:
    """Tokens issued as `tok-000001`, `tok-000002`, ... (each stands for a real one)."""
    real: dict[bytes, bytes] = {}
    issuing = rewrite_raw(
        app,
        "POST",
        "/tokens",
        lambda status, headers, body: (status, headers, _renamed(body, real)),
    )

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (sent := _header(scope, b"authorization")) in real:
            scope = with_header(scope, b"authorization", real[sent])
        await issuing(scope, receive, send)

    return wrapped


def _renamed(raw: bytes, real: dict[bytes, bytes]) -> bytes:
    try:
        data: Any = json.loads(raw)
    except ValueError:
        return raw
    token = data.get("response") if isinstance(data, dict) else None
    if not isinstance(token, str):
        return raw
    fake = f"tok-{len(real) + 1:06d}"
    real[fake.encode()] = token.encode()
    return json.dumps({**data, "response": fake}).encode()


def options_implemented(app: App) -> App:
    """OPTIONS answered 204 with Allow on /songs (a server that implements it)."""
    headers = [(b"allow", b"GET, POST, HEAD, OPTIONS"), (b"cache-control", b"no-store")]

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not _is(scope, "OPTIONS", "/songs"):
            await app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    return wrapped
