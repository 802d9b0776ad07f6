"""The bug zoo: 35 bug classes real servers have, each a switch in an ASGI layer over the mock.

Drawn from the OWASP API Security Top 10 (2023: API1 object-level authorization, API2 broken
authentication, API3 property-level issues, API4 resource limits, API8 misconfiguration) and
from the bugs real servers ship (overflowing integer columns, VARCHAR limits, utf8mb3, proxy
error pages, ORM defaults). Each bug names the (operationId, check) that must catch it; `GROUP`
says which run it joins: bugs of one group are switched on together on one server, because
none masks another (a bug that changes an answer's content type, or makes a resource vanish,
would hide the others on that operation, so those run apart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import imuze_mock

from . import zoo_layers as z
from .broken import (
    App,
    Scope,
    _is,
    missing_field,
    other_users_song_visible,
    server_error_on_valid_input,
    undocumented_status,
    wrong_type,
)


@dataclass(frozen=True)
class Bug:
    """One bug class: its layer, where it shows, what catches it, and where it comes from."""

    name: str
    layer: Callable[[App], App]
    operation_id: str
    check: str
    source: str
    group: str = "main"


def _body_answer(when: Callable[[Any], bool], status: int, message: str) -> z.Intercept:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        return (status, z.error(status, message)) if when(body) else None

    return decide


def _field(body: Any, *path: str) -> Any:
    for part in path:
        body = body.get(part) if isinstance(body, dict) else None
    return body


def _500(method: str, path: str, when: Callable[[Any], bool], why: str) -> Callable[[App], App]:
    return lambda app: z.intercept(app, method, path, _body_answer(when, 500, why))


def _path_500(path: str, above: int) -> Callable[[App], App]:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        value = z.path_id(scope)
        return (
            (500, z.error(500, "value out of range"))
            if value is not None and value > above
            else None
        )

    return lambda app: z.intercept(app, "GET", path, decide)


def _swap_to_demo_for_other(path: str) -> Callable[[App], App]:
    def layer(app: App) -> App:
        tokens: set[bytes] = set()

        def applies(scope):
            return _is(scope, "GET", path) and z._header(scope, b"authorization") in tokens

        return z.tokens_of(z.as_demo_when(app, applies), imuze_mock.OTHER.email, tokens)

    return layer


def _login_200_for_other(app: App) -> App:
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


def _methods_answer_200(app: App) -> App:
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        song = scope["type"] == "http" and scope["path"].startswith(z.PREFIX + "/songs/")
        if song and scope["method"] not in ("GET", "HEAD") and z.path_id(scope) is not None:
            await z._send_json(send, 200, {"deleted": True}, [])
            return
        await app(scope, receive, send)

    return wrapped


def _no_allow_header(app: App) -> App:
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


def _message(status: int, extra: str | Callable[[Scope], str]) -> Callable[[Any], Any]:
    def change(body: Any) -> None:
        body["message"] = f"{body.get('message', '')} {extra}"

    return change


def _echo_token(app: App) -> App:
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


def _content_type(
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

    return lambda app: z.rewrite_raw(app, "GET", path, rewrite)


def _html_404(app: App) -> App:
    def rewrite(code: int, headers: list[Any], body: bytes) -> tuple[int, list[Any], bytes]:
        if code != 404:
            return code, headers, body
        return code, headers, b"<html><body><h1>404 Not Found</h1><hr>nginx</body></html>"

    return z.rewrite_raw(app, "GET", "/arrangements/{id}", rewrite)


def _non_integer_id_404(app: App) -> App:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        last = scope["path"].rstrip("/").rsplit("/", 1)[-1]
        return (
            (404, z.error(404, f"no arrangement {last[:20]}", "id"))
            if z.path_id(scope) is None
            else None
        )

    return z.intercept(app, "GET", "/arrangements/{id}", decide)


def _id_0_refused(app: App) -> App:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        return (400, z.error(400, "id: must be positive", "id")) if z.path_id(scope) == 0 else None

    return z.intercept(app, "GET", "/songs/{id}", decide)


def _clamp_length(app: App) -> App:
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


def _token_without_password(body: Any, scope: Scope) -> tuple[int, Any] | None:
    credentials = _field(body, "token")
    if isinstance(credentials, dict) and "email" in credentials and "password" not in credentials:
        return 201, {"response": "0" * 32}
    return None


def _vanishing(app: App) -> App:
    def decide(body: Any, scope: Scope) -> tuple[int, Any] | None:
        return (404, z.error(404, "no such song", "id")) if z.path_id(scope) is not None else None

    return z.intercept(app, "GET", "/songs/{id}", decide)


def _set(key: str, value: Callable[[Any], Any]) -> Callable[[Any], None]:
    def change(body: Any) -> None:
        if isinstance(body, dict):
            body[key] = value(body.get(key))

    return change


def _items_without(key: str) -> Callable[[Any], None]:
    def change(body: Any) -> None:
        for item in body.get("response", []):
            item.pop(key, None)

    return change


def _astral(body: Any) -> bool:
    tags = _field(body, "tags")
    return isinstance(tags, list) and any(
        isinstance(t, str) and any(ord(c) > 0xFFFF for c in t) for t in tags
    )


SONGS, SONG, ARRS, ARR = "/songs", "/songs/{id}", "/arrangements", "/arrangements/{id}"
ZOO: tuple[Bug, ...] = (
    # API1: object-level authorization, on a read and on a list.
    Bug(
        "bola_read", other_users_song_visible, "getSong", "object_level_authorization", "OWASP API1"
    ),
    Bug("bola_list", _swap_to_demo_for_other(SONGS), "listSongs", "list_scope", "OWASP API1"),
    # API2: broken authentication.
    Bug(
        "auth_bypass_list",
        lambda app: z.as_demo_when(app, lambda s: _is(s, "GET", SONGS) and z.unauthenticated(s)),
        "listSongs",
        "ignored_auth",
        "OWASP API2",
    ),
    Bug(
        "auth_bypass_show",
        lambda app: z.as_demo_when(app, lambda s: _is(s, "GET", ARR) and z.unauthenticated(s)),
        "getArrangement",
        "ignored_auth",
        "OWASP API2",
    ),
    Bug(
        "token_without_password",
        lambda app: z.intercept(app, "POST", "/tokens", _token_without_password),
        "createToken",
        "negative_data_rejection",
        "OWASP API2",
    ),
    # API4 and storage: integers, lengths, Unicode.
    Bug(
        "int32_body",
        _500(
            "POST",
            SONGS,
            lambda b: (
                isinstance(_field(b, "arrangement_id"), int)
                and _field(b, "arrangement_id") > 2**31 - 1
            ),
            "integer out of range",
        ),
        "createSong",
        "large_integer_accepted",
        "int4 column",
    ),
    Bug(
        "int32_path",
        _path_500(SONG, 2**31 - 1),
        "getSong",
        "large_integer_accepted",
        "int4 primary key",
    ),
    Bug(
        "int64_path",
        _path_500(ARR, 2**63 - 1),
        "getArrangement",
        "large_integer_accepted",
        "bigint parse",
    ),
    Bug(
        "varchar_title",
        _500(
            "POST",
            SONGS,
            lambda b: isinstance(_field(b, "title"), str) and len(_field(b, "title")) > 40,
            "value too long for type character varying(40)",
        ),
        "createSong",
        "long_string_accepted",
        "VARCHAR(40)",
    ),
    Bug(
        "varchar_email",
        _500(
            "POST",
            "/tokens",
            lambda b: (
                isinstance(_field(b, "token", "email"), str)
                and len(_field(b, "token", "email")) > 255
            ),
            "Data too long for column 'email'",
        ),
        "createToken",
        "long_string_accepted",
        "VARCHAR(255)",
    ),
    Bug(
        "many_tags",
        _500(
            "POST",
            SONGS,
            lambda b: isinstance(_field(b, "tags"), list) and len(_field(b, "tags")) > 500,
            "too many bind parameters",
        ),
        "createSong",
        "long_array_accepted",
        "SQL IN-list limit",
    ),
    Bug(
        "astral_tags",
        _500("POST", SONGS, _astral, "Incorrect string value: '\\xF0\\x9D\\x84\\x9E'"),
        "createSong",
        "unicode_string_accepted",
        "MySQL utf8mb3",
    ),
    Bug(
        "nul_password",
        _500(
            "POST",
            "/tokens",
            lambda b: "\x00" in str(_field(b, "token", "password") or ""),
            "invalid byte sequence: 0x00",
        ),
        "createToken",
        "unicode_string_accepted",
        "PostgreSQL text and NUL",
    ),
    # API3 and types: wrong types, missing required fields, nulls.
    Bug("wrong_type", wrong_type, "listArrangements", "response_schema_conformance", "serializer"),
    Bug("missing_field", missing_field, "createSong", "response_schema_conformance", "serializer"),
    Bug(
        "null_field",
        lambda app: z.rewrite_json(app, "GET", SONG, 200, _set("arrangement_name", lambda v: None)),
        "getSong",
        "response_schema_conformance",
        "LEFT JOIN null",
    ),
    Bug(
        "id_as_string",
        lambda app: z.rewrite_json(app, "GET", ARR, 200, _set("id", str)),
        "getArrangement",
        "response_schema_conformance",
        "JavaScript bigint ids",
    ),
    Bug(
        "list_item_missing_field",
        lambda app: z.rewrite_json(app, "GET", SONGS, 200, _items_without("mp3_url")),
        "listSongs",
        "response_schema_conformance",
        "serializer",
    ),
    # Statuses: wrong ones, 2xx on invalid input, 4xx on valid input.
    Bug(
        "login_200",
        _login_200_for_other,
        "createToken",
        "status_code_conformance",
        "Rails render json:",
    ),
    Bug(
        "undocumented_status",
        undocumented_status,
        "getArrangement",
        "status_code_conformance",
        "soft delete",
    ),
    Bug(
        "server_error",
        server_error_on_valid_input,
        "createSong",
        "not_a_server_error",
        "unhandled empty list",
    ),
    Bug(
        "accepts_invalid", _clamp_length, "createSong", "negative_data_rejection", "silent clamping"
    ),
    Bug("rejects_valid", _id_0_refused, "getSong", "positive_data_acceptance", "ids from 1"),
    Bug(
        "malformed_id_404",
        _non_integer_id_404,
        "getArrangement",
        "malformed_path_id_answers_400",
        "Rails find",
    ),
    # Content types, vanishing resources, methods.
    Bug(
        "wrong_content_type",
        _content_type(SONGS, 200),
        "listSongs",
        "content_type_conformance",
        "framework default",
        "apart",
    ),
    Bug(
        "hidden_body_error",
        _content_type(ARR, 200, lambda b: b.pop("genre_list", None)),
        "getArrangement",
        "response_schema_under_any_content_type",
        "framework default",
        "apart",
    ),
    Bug(
        "proxy_error_page",
        _html_404,
        "getArrangement",
        "response_schema_conformance",
        "nginx error page",
        "apart",
    ),
    Bug(
        "vanishing_song",
        _vanishing,
        "createSong",
        "ensure_resource_availability",
        "read replica lag",
        "apart",
    ),
    Bug(
        "undeclared_method", _methods_answer_200, "getSong", "unsupported_method", "catch-all route"
    ),
    Bug(
        "missing_allow",
        _no_allow_header,
        "listArrangements",
        "unsupported_method",
        "custom 405 handler",
    ),
    # API8: misconfiguration; what error bodies give away.
    Bug(
        "stack_trace",
        lambda app: z.rewrite_json(
            app,
            "GET",
            SONG,
            404,
            _message(
                404, 'Traceback (most recent call last):\n  File "/srv/app/songs.py", line 42'
            ),
        ),
        "getSong",
        "error_body_discloses_internals",
        "debug mode in production",
    ),
    Bug(
        "internal_host",
        lambda app: z.rewrite_json(
            app, "POST", SONGS, 422, _message(422, "(db-7.prod.internal:5432)")
        ),
        "createSong",
        "error_body_discloses_internals",
        "upstream error passed through",
    ),
    Bug(
        "token_echo",
        _echo_token,
        "getArrangement",
        "error_body_echoes_credentials",
        "logging the request",
    ),
    # Prose rules of the spec.
    Bug(
        "count_off_by_one",
        lambda app: z.rewrite_json(app, "GET", SONGS, 200, _set("count", lambda v: (v or 0) + 1)),
        "listSongs",
        "count_matches_items",
        "separate COUNT query",
    ),
    Bug(
        "wrong_song",
        lambda app: z.rewrite_json(app, "GET", SONG, 200, _set("id", lambda v: (v or 0) + 1000)),
        "getSong",
        "shows_requested_resource",
        "cache key collision",
    ),
)


#: Examples per operation for a group's run: the stateful phase needs a few scenarios before
#: one follows createSong's link to getSong with a fresh song.
EXAMPLES = {"main": 3, "apart": 3, "stateful": 10}


def groups() -> dict[str, list[Bug]]:
    """The zoo's bugs by the run they join."""
    found: dict[str, list[Bug]] = {}
    for bug in ZOO:
        found.setdefault(bug.group, []).append(bug)
    return found


def broken_app(bugs: list[Bug], config: imuze_mock.MockConfig) -> App:
    """The mock with every bug of `bugs` switched on."""
    app: App = imuze_mock.create_app(config)  # type: ignore[assignment]
    for bug in bugs:
        app = bug.layer(app)
    return app
