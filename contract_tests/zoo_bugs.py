"""The bug zoo's switches that need more than one line: each builds one bug's ASGI layer.

contract_tests/zoo.py names them, with where each bug shows and what must catch it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import imuze_mock

from . import zoo_layers as z
from .broken import App, Scope, _is, rewrite_raw


def body_answer(when: Callable[[Any], bool], status: int, message: str) -> z.Intercept:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        return (status, z.error(status, message)) if when(body) else None

    return decide


def field_at(body: Any, *path: str) -> Any:
    for part in path:
        body = body.get(part) if isinstance(body, dict) else None
    return body


def fails_when(
    method: str, path: str, when: Callable[[Any], bool], why: str
) -> Callable[[App], App]:
    return lambda app: z.intercept(app, method, path, body_answer(when, 500, why))


def path_fails_above(path: str, above: int) -> Callable[[App], App]:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        value = z.path_id(scope)
        return (
            (500, z.error(500, "value out of range"))
            if value is not None and value > above
            else None
        )

    return lambda app: z.intercept(app, "GET", path, decide)


def swap_to_demo_for_other(path: str) -> Callable[[App], App]:
    def layer(app: App) -> App:
        tokens: set[bytes] = set()

        def applies(scope):
            return _is(scope, "GET", path) and z._header(scope, b"authorization") in tokens

        return z.tokens_of(z.as_demo_when(app, applies), imuze_mock.OTHER.email, tokens)

    return layer


def login_200_for_other(app: App) -> App:
    """createToken answers 200, not 201, to the second user's logins: only the runner's own
    login of that user meets it (generated cases log in with the spec's example account)."""
    other = imuze_mock.OTHER.email

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if not _is(scope, "POST", "/tokens"):
            await app(scope, receive, send)
            return
        raw = await z._read_body(receive)
        try:
            email = z.json.loads(raw)["token"]["email"]
        except (ValueError, TypeError, KeyError):
            email = None

        async def as_200(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] == 201:
                message = {**message, "status": 200}
            await send(message)

        await app(scope, z._replaying(raw), as_200 if email == other else send)

    return wrapped


def methods_answer_200(app: App) -> App:
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        song = scope["type"] == "http" and scope["path"].startswith(z.PREFIX + "/songs/")
        if song and scope["method"] not in ("GET", "HEAD") and z.path_id(scope) is not None:
            await z._send_json(send, 200, {"deleted": True}, [])
            return
        await app(scope, receive, send)

    return wrapped


def no_allow_header(app: App) -> App:
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != z.PREFIX + "/arrangements":
            await app(scope, receive, send)
            return

        async def dropping(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, dropping)

    return wrapped


def message_plus(status: int, extra: str | Callable[[Scope], str]) -> Callable[[Any], Any]:
    def change(body: Any) -> None:
        body["message"] = f"{body.get('message', '')} {extra}"

    return change


def echo_token(app: App) -> App:
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        token = (
            (z._header(scope, b"authorization") or b"").decode("latin-1")
            if scope["type"] == "http"
            else ""
        )

        def change(body: Any) -> None:
            body["message"] = f"{body.get('message', '')} (for token {token})"

        await z.rewrite_json(app, "GET", "/arrangements/{id}", 404, change)(scope, receive, send)

    return wrapped


def as_html(
    path: str, status: int, change: Callable[[Any], Any] | None = None
) -> Callable[[App], App]:
    def rewrite(code: int, headers: list[Any], body: bytes) -> tuple[int, list[Any], bytes]:
        if code != status:
            return code, headers, body
        if change is not None:
            data = z.json.loads(body)
            change(data)
            body = z.json.dumps(data).encode()
        return code, z.with_content_type(headers, b"text/html; charset=utf-8"), body

    return lambda app: rewrite_raw(app, "GET", path, rewrite)


def html_404(app: App) -> App:
    def rewrite(code: int, headers: list[Any], body: bytes) -> tuple[int, list[Any], bytes]:
        if code != 404:
            return code, headers, body
        return code, headers, b"<html><body><h1>404 Not Found</h1><hr>nginx</body></html>"

    return rewrite_raw(app, "GET", "/arrangements/{id}", rewrite)


def non_integer_id_404(app: App) -> App:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        last = scope["path"].rstrip("/").rsplit("/", 1)[-1]
        return (
            (404, z.error(404, f"no arrangement {last[:20]}", "id"))
            if z.path_id(scope) is None
            else None
        )

    return z.intercept(app, "GET", "/arrangements/{id}", decide)


def id_0_refused(app: App) -> App:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        return (400, z.error(400, "id: must be positive", "id")) if z.path_id(scope) == 0 else None

    return z.intercept(app, "GET", "/songs/{id}", decide)


def clamp_length(app: App) -> App:
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if not _is(scope, "POST", "/songs"):
            await app(scope, receive, send)
            return
        raw = await z._read_body(receive)
        try:
            body = z.json.loads(raw)
        except ValueError:
            body = None
        if (
            isinstance(body, dict)
            and isinstance(body.get("desired_length"), int)
            and body["desired_length"] > 600
        ):
            raw = z.json.dumps({**body, "desired_length": 600}).encode()
        await app(scope, z._replaying(raw), send)

    return wrapped


def token_without_password(body: Any, scope: Scope) -> tuple[int, Any] | None:
    credentials = field_at(body, "token")
    if isinstance(credentials, dict) and "email" in credentials and "password" not in credentials:
        return 201, {"response": "0" * 32}
    return None


def vanishing(app: App) -> App:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        return (404, z.error(404, "no such song", "id")) if z.path_id(scope) is not None else None

    return z.intercept(app, "GET", "/songs/{id}", decide)


def set_field(key: str, value: Callable[[Any], Any]) -> Callable[[Any], None]:
    def change(body: Any) -> None:
        if isinstance(body, dict):
            body[key] = value(body.get(key))

    return change


def items_without(key: str) -> Callable[[Any], None]:
    def change(body: Any) -> None:
        for item in body.get("response", []):
            item.pop(key, None)

    return change


def astral(body: Any) -> bool:
    tags = field_at(body, "tags")
    return isinstance(tags, list) and any(
        isinstance(t, str) and any(ord(c) > 0xFFFF for c in t) for t in tags
    )
