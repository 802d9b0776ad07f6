"""The bug zoo: 35 bug classes real servers have, each a switch in an ASGI layer over the mock.

Drawn from the OWASP API Security Top 10 (2023: API1 object-level authorization, API2 broken
authentication, API3 property-level issues, API4 resource limits, API8 misconfiguration) and
from the bugs real servers ship (overflowing integer columns, VARCHAR limits, utf8mb3, proxy
error pages, ORM defaults). Each bug names the (operationId, check) that must catch it; `GROUP`
says which run it joins: bugs of one group are switched on together on one server, because
none masks another (a bug that changes an answer's content type, or makes a resource vanish,
would hide the others on that operation, so those run apart).

A bug whose behaviour the spec could allow says when it does (`allowed`, read from the spec in
force: contract_tests/in_force.py): after an API change that allows it, a run is right not to
report it (tests/contract/test_zoo.py expects it caught only when the spec forbids it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import imuze_mock

from . import in_force as f
from . import zoo_bugs as b
from . import zoo_layers as z
from .broken import (
    App,
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
    allowed: Callable[[f.Spec], bool] = f.never
    """Whether `spec` allows the bug's behaviour (then no run reports it); a server bug no
    spec can allow says never."""


def _without_a_required(operation_id: str, status: int) -> Callable[[Any], None]:
    """Drops a property the spec in force requires of the answer (its last one), read when
    the bug is switched on: after a rename the new name goes missing, not the old."""

    def change(body: Any) -> None:
        body.pop(f.required_properties(f.spec_in_force(), operation_id, status)[-1], None)

    return change


SONGS, SONG, ARRS, ARR = "/songs", "/songs/{id}", "/arrangements", "/arrangements/{id}"
ZOO: tuple[Bug, ...] = (
    # API1: object-level authorization, on a read and on a list.
    Bug(
        # Apart: a getSong answer another bug rewrites no longer matches what the owner made.
        "bola_read",
        other_users_song_visible,
        "getSong",
        "object_level_authorization",
        "OWASP API1",
        "apart",
    ),
    Bug("bola_list", b.swap_to_demo_for_other(SONGS), "listSongs", "list_scope", "OWASP API1"),
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
        lambda app: z.intercept(app, "POST", "/tokens", b.token_without_password),
        "createToken",
        "negative_data_rejection",
        "OWASP API2",
    ),
    # API4 and storage: integers, lengths, Unicode.
    Bug(
        "int32_body",
        b.fails_when(
            "POST",
            SONGS,
            lambda body: (
                isinstance(b.field_at(body, "arrangement_id"), int)
                and b.field_at(body, "arrangement_id") > 2**31 - 1
            ),
            "integer out of range",
        ),
        "createSong",
        "large_integer_accepted",
        "int4 column",
    ),
    Bug(
        "int32_path",
        b.path_fails_above(SONG, 2**31 - 1),
        "getSong",
        "large_integer_accepted",
        "int4 primary key",
    ),
    Bug(
        "int64_path",
        b.path_fails_above(ARR, 2**63 - 1),
        "getArrangement",
        "large_integer_accepted",
        "bigint parse",
    ),
    Bug(
        "varchar_title",
        b.fails_when(
            "POST",
            SONGS,
            lambda body: (
                isinstance(b.field_at(body, "title"), str) and len(b.field_at(body, "title")) > 40
            ),
            "value too long for type character varying(40)",
        ),
        "createSong",
        "long_string_accepted",
        "VARCHAR(40)",
    ),
    Bug(
        "varchar_email",
        b.fails_when(
            "POST",
            "/tokens",
            lambda body: (
                isinstance(b.field_at(body, "token", "email"), str)
                and len(b.field_at(body, "token", "email")) > 255
            ),
            "Data too long for column 'email'",
        ),
        "createToken",
        "long_string_accepted",
        "VARCHAR(255)",
    ),
    Bug(
        "many_tags",
        b.fails_when(
            "POST",
            SONGS,
            lambda body: (
                isinstance(b.field_at(body, "tags"), list) and len(b.field_at(body, "tags")) > 500
            ),
            "too many bind parameters",
        ),
        "createSong",
        "long_array_accepted",
        "SQL IN-list limit",
    ),
    Bug(
        "astral_tags",
        b.fails_when("POST", SONGS, b.astral, "Incorrect string value: '\\xF0\\x9D\\x84\\x9E'"),
        "createSong",
        "unicode_string_accepted",
        "MySQL utf8mb3",
    ),
    Bug(
        "nul_password",
        b.fails_when(
            "POST",
            "/tokens",
            lambda body: "\x00" in str(b.field_at(body, "token", "password") or ""),
            "invalid byte sequence: 0x00",
        ),
        "createToken",
        "unicode_string_accepted",
        "PostgreSQL text and NUL",
    ),
    # API3 and types: wrong types, missing required fields, nulls.
    Bug(
        "wrong_type",
        wrong_type,
        "listArrangements",
        "response_schema_conformance",
        "serializer",
        allowed=lambda spec: f.allows_property(spec, "listArrangements", 200, "/count", "2"),
    ),
    Bug(
        "missing_field",
        missing_field,
        "createSong",
        "response_schema_conformance",
        "serializer",
        allowed=lambda spec: not f.requires(spec, "createSong", 201, "/status_channel"),
    ),
    Bug(
        "null_field",
        lambda app: z.rewrite_json(
            app, "GET", SONG, 200, b.set_field("arrangement_name", lambda v: None)
        ),
        "getSong",
        "response_schema_conformance",
        "LEFT JOIN null",
        allowed=lambda spec: f.allows_property(spec, "getSong", 200, "/arrangement_name", None),
    ),
    Bug(
        "id_as_string",
        lambda app: z.rewrite_json(app, "GET", ARR, 200, b.set_field("id", str)),
        "getArrangement",
        "response_schema_conformance",
        "JavaScript bigint ids",
        allowed=lambda spec: f.allows_property(spec, "getArrangement", 200, "/id", "1"),
    ),
    Bug(
        "list_item_missing_field",
        lambda app: z.rewrite_json(app, "GET", SONGS, 200, b.items_without("mp3_url")),
        "listSongs",
        "response_schema_conformance",
        "serializer",
        allowed=lambda spec: not f.requires(spec, "listSongs", 200, "/response/*/mp3_url"),
    ),
    # Statuses: wrong ones, 2xx on invalid input, 4xx on valid input.
    Bug(
        "login_200",
        b.login_200_for_other,
        "createToken",
        "status_code_conformance",
        "Rails render json:",
        allowed=lambda spec: f.documents(spec, "createToken", 200),
    ),
    Bug(
        "undocumented_status",
        undocumented_status,
        "getArrangement",
        "status_code_conformance",
        "soft delete",
        allowed=lambda spec: f.documents(spec, "getArrangement", 410),
    ),
    Bug(
        "server_error",
        server_error_on_valid_input,
        "createSong",
        "not_a_server_error",
        "unhandled empty list",
    ),
    Bug(
        "accepts_invalid",
        b.clamp_length,
        "createSong",
        "negative_data_rejection",
        "silent clamping",
    ),
    Bug("rejects_valid", b.id_0_refused, "getSong", "positive_data_acceptance", "ids from 1"),
    Bug(
        "malformed_id_404",
        b.non_integer_id_404,
        "getArrangement",
        "malformed_path_id_answers_400",
        "Rails find",
        allowed=lambda spec: f.path_id_takes(spec, "getArrangement", "abc"),
    ),
    # Content types, vanishing resources, methods.
    Bug(
        "wrong_content_type",
        b.as_html(SONGS, 200),
        "listSongs",
        "content_type_conformance",
        "framework default",
        "apart",
    ),
    Bug(
        "hidden_body_error",
        b.as_html(ARR, 200, _without_a_required("getArrangement", 200)),
        "getArrangement",
        "response_schema_under_any_content_type",
        "framework default",
        "apart",
    ),
    Bug(
        "proxy_error_page",
        b.html_404,
        "getArrangement",
        "response_schema_conformance",
        "nginx error page",
        "apart",
    ),
    Bug(
        "vanishing_song",
        b.vanishing,
        "getSong",
        "ensure_resource_availability",
        "read replica lag",
        "stateful",
    ),
    Bug(
        "undeclared_method",
        b.methods_answer_200,
        "getSong",
        "unsupported_method",
        "catch-all route",
    ),
    Bug(
        "missing_allow",
        b.no_allow_header,
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
            b.message_plus(
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
            app, "POST", SONGS, 422, b.message_plus(422, "(db-7.prod.internal:5432)")
        ),
        "createSong",
        "error_body_discloses_internals",
        "upstream error passed through",
    ),
    Bug(
        "token_echo",
        b.echo_token,
        "getArrangement",
        "error_body_echoes_credentials",
        "logging the request",
    ),
    # Prose rules of the spec.
    Bug(
        "count_off_by_one",
        lambda app: z.rewrite_json(
            app, "GET", SONGS, 200, b.set_field("count", lambda v: (v or 0) + 1)
        ),
        "listSongs",
        "count_matches_items",
        "separate COUNT query",
    ),
    Bug(
        "wrong_song",
        lambda app: z.rewrite_json(
            app, "GET", SONG, 200, b.set_field("id", lambda v: (v or 0) + 1000)
        ),
        "getSong",
        "shows_requested_resource",
        "cache key collision",
    ),
)


#: Examples per operation for a group's run: the stateful phase needs a few scenarios before
#: one follows createSong's link to getSong with a fresh song.
EXAMPLES = {"main": 3, "apart": 3, "stateful": 6}


def examples(group: str, spec: f.Spec) -> int:
    """Examples per operation for a group's run on `spec`: the stateful group's per link of
    createSong's answers, each a transition the state machine may take instead of the one
    that follows a fresh song (today one link: EXAMPLES; an adopted 200 adds a second)."""
    if group != "stateful":
        return EXAMPLES[group]
    responses = f.operation(spec, "createSong").get("responses", {})
    links = sum(len(f.deref(spec, answer).get("links", {})) for answer in responses.values())
    return EXAMPLES[group] * max(links, 1)


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
