"""The building blocks of the bug zoo: ASGI layers over the mock that answer wrongly on cue.

Each takes the app and returns the app with one bug; contract_tests/zoo.py names them. As in
broken.py, imuze_mock itself is never changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import imuze_mock

from .broken import (
    PREFIX,
    App,
    Message,
    Receive,
    Scope,
    Send,
    _header,
    _is,
    _read_body,
    _replaying,
    _send_json,
    _with_header,
    rewrite_response,
)

__all__ = [
    "PREFIX",
    "_header",
    "_read_body",
    "_replaying",
    "_send_json",
    "json",
]

# (request JSON body or None, scope) -> (status, JSON body) to answer instead, or None.
Intercept = Callable[[Any, Scope], tuple[int, Any] | None]


def error(status: int, message: str, field: str | None = None) -> dict[str, Any]:
    """An `Error` body, as the spec has it."""
    reasons = {400: "bad_request", 404: "not_found", 422: "invalid_body", 500: "internal_error"}
    return {"code": status, "error": reasons.get(status, "error"), "message": message,
            "field": field}  # fmt: skip


def intercept(app: App, method: str, path: str, decide: Intercept) -> App:
    """The app, answering `method path` with `decide`'s answer when it gives one."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not _is(scope, method, path):
            await app(scope, receive, send)
            return
        raw = await _read_body(receive)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        answer = decide(body, scope)
        if answer is not None:
            await _send_json(send, answer[0], answer[1], [])
            return
        await app(scope, _replaying(raw), send)

    return wrapped


def with_content_type(headers: list[Any], value: bytes) -> list[Any]:
    """`headers` with Content-Type set to `value`."""
    return [(k, v) for k, v in headers if k.lower() != b"content-type"] + [(b"content-type", value)]


def rewrite_json(
    app: App, method: str, path: str, status: int, change: Callable[[Any], Any]
) -> App:
    """The app, its `status` JSON answers to `method path` changed by `change` (in place or
    returned)."""

    def rewrite(code: int, body: Any) -> tuple[int, Any]:
        if code == status:
            changed = change(body)
            return code, body if changed is None else changed
        return code, body

    return rewrite_response(app, method, path, rewrite)


def as_demo_when(app: App, applies: Callable[[Scope], bool]) -> App:
    """The app, serving requests for which `applies` holds as the demo user (auth skipped)."""
    demo_key = (imuze_mock.DEMO.api_key or "").encode()

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and applies(scope):
            scope = _with_header(scope, b"authorization", demo_key)
        await app(scope, receive, send)

    return wrapped


def unauthenticated(scope: Scope) -> bool:
    """No Authorization header, or one the mock never issued (not 32 hex digits or a key)."""
    value = _header(scope, b"authorization")
    if not value:
        return True
    text = value.decode("latin-1")
    is_token = len(text) == 32 and all(c in "0123456789abcdef" for c in text)
    return not is_token and not text.startswith("imuze-")


def tokens_of(app: App, email: str, tokens: set[bytes]) -> App:
    """The app, noting in `tokens` every token issued to `email`'s logins."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not _is(scope, "POST", "/tokens"):
            await app(scope, receive, send)
            return
        raw = await _read_body(receive)
        try:
            sent = json.loads(raw)["token"]["email"]
        except (ValueError, TypeError, KeyError):
            sent = None
        chunks: list[bytes] = []

        async def noting(message: Message) -> None:
            if message["type"] == "http.response.body" and sent == email:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    try:
                        tokens.add(json.loads(b"".join(chunks))["response"].encode())
                    except (ValueError, TypeError, KeyError):
                        pass
            await send(message)

        await app(scope, _replaying(raw), noting)

    return wrapped


def path_id(scope: Scope) -> int | None:
    """The integer id at the end of the path, if it is one."""
    last = scope["path"].removeprefix(PREFIX).rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isascii() and last.isdigit() else None
