"""Deliberately broken variants of the mock, each a small ASGI middleware around the real app.

The contract suite must catch every one of them (test_contract_variants.py); imuze_mock itself
is never changed.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import imuze_mock

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
# (status, JSON body) -> (status, JSON body)
Rewrite = Callable[[int, Any], tuple[int, Any]]
# (status, headers, body bytes) -> the same, rewritten.
RawRewrite = Callable[[int, list[Any], bytes], tuple[int, list[Any], bytes]]

PREFIX = "/api/4"


def _is(scope: Scope, method: str, path: str) -> bool:
    """Whether `scope` is the request `method` on `path`, where `{id}` matches one segment."""
    if scope["type"] != "http" or scope["method"] != method:
        return False
    actual = scope["path"].removeprefix(PREFIX).strip("/").split("/")
    wanted = path.strip("/").split("/")
    return len(actual) == len(wanted) and all(
        w == "{id}" or w == a for w, a in zip(wanted, actual, strict=True)
    )


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for key, value in scope["headers"] if key.lower() == name), None)


def _with_header(scope: Scope, name: bytes, value: bytes) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != name]
    return {**scope, "headers": [*headers, (name, value)]}


async def _read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _replaying(body: bytes) -> Receive:
    """A `receive` that hands the app a request body already read."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _send_json(send: Send, status: int, body: Any, headers: list[Any]) -> None:
    """Answer JSON as the mock does (with its Cache-Control: no-store unless `headers` set
    one), so that a variant's own answer differs from the mock's only in its one bug."""
    payload = json.dumps(body).encode()
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
    length = str(len(payload)).encode()
    kept += [(b"content-type", b"application/json"), (b"content-length", length)]
    if not any(k.lower() == b"cache-control" for k, _ in kept):
        kept.append((b"cache-control", b"no-store"))
    await send({"type": "http.response.start", "status": status, "headers": kept})
    await send({"type": "http.response.body", "body": payload})


def rewrite_raw(app: App, method: str, path: str, rewrite: RawRewrite) -> App:
    """The app, with the answers to `method path` (any body) passed through `rewrite`."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not _is(scope, method, path):
            await app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            status, headers, body = rewrite(
                start["status"], list(start.get("headers", [])), b"".join(chunks)
            )
            kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            kept.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": kept})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, buffer)

    return wrapped


def rewrite_response(app: App, method: str, path: str, rewrite: Rewrite) -> App:
    """The app, with the JSON answers to `method path` passed through `rewrite`."""

    def raw(status: int, headers: list[Any], body: bytes) -> tuple[int, list[Any], bytes]:
        status, data = rewrite(status, json.loads(body))
        kept = [(k, v) for k, v in headers if k.lower() != b"content-type"]
        return status, [*kept, (b"content-type", b"application/json")], json.dumps(data).encode()

    return rewrite_raw(app, method, path, raw)


def wrong_type(app: App) -> App:
    """listArrangements answers `count` as a string, "2" where the spec says an integer."""

    def rewrite(status: int, body: Any) -> tuple[int, Any]:
        if status == 200:
            body["count"] = str(body["count"])
        return status, body

    return rewrite_response(app, "GET", "/arrangements", rewrite)


def missing_field(app: App) -> App:
    """createSong leaves out `status_channel`, a required field of SongCreated."""

    def rewrite(status: int, body: Any) -> tuple[int, Any]:
        if status == 201:
            body.pop("status_channel", None)
        return status, body

    return rewrite_response(app, "POST", "/songs", rewrite)


def undocumented_status(app: App) -> App:
    """getArrangement answers an unknown id with 410 Gone, which it does not document (only
    getSong does); the spec says 404."""

    def rewrite(status: int, body: Any) -> tuple[int, Any]:
        if status == 404:
            return 410, {**body, "code": 410, "error": "gone"}
        return status, body

    return rewrite_response(app, "GET", "/arrangements/{id}", rewrite)


def server_error_on_valid_input(app: App) -> App:
    """createSong fails with 500 when `tags` is empty, which the schema allows."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not _is(scope, "POST", "/songs"):
            await app(scope, receive, send)
            return
        raw = await _read_body(receive)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("tags") == []:
            error = {"code": 500, "error": "internal_error", "message": "boom", "field": None}
            await _send_json(send, 500, error, [])
            return
        await app(scope, _replaying(raw), send)

    return wrapped


def auth_ignored(app: App) -> App:
    """Requests without credentials are served as the demo user: auth is not enforced."""
    demo_key = (imuze_mock.DEMO.api_key or "").encode()

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not _header(scope, b"authorization"):
            scope = _with_header(scope, b"authorization", demo_key)
        await app(scope, receive, send)

    return wrapped


def other_users_song_visible(app: App) -> App:
    """getSong skips the owner check: the other user's requests for a song are answered as the
    demo user's, so the other user sees demo's songs (still not in their own list)."""
    demo_key = (imuze_mock.DEMO.api_key or "").encode()
    other_tokens: set[bytes] = set()

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if _is(scope, "POST", "/tokens"):
            raw = await _read_body(receive)
            await app(scope, _replaying(raw), _remember_token_of(raw, send, other_tokens))
            return
        # (`_is` first: a lifespan scope, as uvicorn sends, has no headers.)
        if _is(scope, "GET", "/songs/{id}") and _header(scope, b"authorization") in other_tokens:
            scope = _with_header(scope, b"authorization", demo_key)
        await app(scope, receive, send)

    return wrapped


def _remember_token_of(raw_request: bytes, send: Send, other_tokens: set[bytes]) -> Send:
    """A `send` that notes the token answered to the other user's login."""
    try:
        email = json.loads(raw_request)["token"]["email"]
    except (ValueError, TypeError, KeyError):
        email = None
    chunks: list[bytes] = []

    async def noting(message: Message) -> None:
        if message["type"] == "http.response.body" and email == imuze_mock.OTHER.email:
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                try:
                    other_tokens.add(json.loads(b"".join(chunks))["response"].encode())
                except (ValueError, TypeError, KeyError):
                    pass
        await send(message)

    return noting


# Variant -> the check that must catch it.
VARIANTS: dict[str, tuple[Callable[[App], App], str]] = {
    "wrong_type": (wrong_type, "response_schema_conformance"),
    "missing_required_field": (missing_field, "response_schema_conformance"),
    "server_error_on_valid_input": (server_error_on_valid_input, "not_a_server_error"),
    "auth_ignored": (auth_ignored, "ignored_auth"),
    "other_users_song_visible": (other_users_song_visible, "object_level_authorization"),
    "undocumented_status": (undocumented_status, "status_code_conformance"),
}
