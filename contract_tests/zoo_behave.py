"""The behavioural bug zoo: bugs that live between answers, each an ASGI layer over the mock.

Beside the 35-class zoo (zoo.py), which a schema check can see in one answer, these are the
bugs issue 23 names: errors that disagree with their status, lists that repeat or invent
items, stored values that differ from those sent, fields a client may set that only the server
should, authenticated answers a shared cache may keep, CORS that grants credentials to anyone.
Each names the (operationId, check) that must catch it; the layers of the bugs in what no
fuzzer sends or reads (links, HEAD and OPTIONS, odd bodies, tokens) are in zoo_probes.py.
`LEGIT` are the behaviours a naive checker flags and the spec allows:
tests/contract/test_zoo_behave.py proves they yield nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import imuze_mock

from . import zoo_bugs as b
from . import zoo_layers as z
from . import zoo_probes as p
from .broken import App, Message, Receive, Scope, Send, _header, _is, rewrite_raw
from .zoo import Bug

SONGS, SONG, ARRS, ARR = "/songs", "/songs/{id}", "/arrangements", "/arrangements/{id}"
#: The fields of a create request (SongCreate): anything else a client sends is not its to set.
_CREATE_FIELDS = {"title", "arrangement_id", "tags", "desired_length"}


def with_headers(method: str, path: str, *extra: tuple[bytes, bytes]) -> Callable[[App], App]:
    """A layer adding `extra` headers to every answer of `method path`."""

    def layer(app: App) -> App:
        def rewrite(status: int, headers: list[Any], body: bytes) -> tuple[int, list[Any], bytes]:
            names = {name for name, _ in extra}
            return (
                status,
                [(k, v) for k, v in headers if k.lower() not in names] + list(extra),
                body,
            )

        return rewrite_raw(app, method, path, rewrite)

    return layer


def echo_origin(app: App) -> App:
    """CORS that allows whatever Origin asks, with credentials."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        origin = _header(scope, b"origin") if scope["type"] == "http" else None

        async def sending(message: Message) -> None:
            if origin and message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"access-control-allow-origin", origin),
                            (b"access-control-allow-credentials", b"true")]  # fmt: skip
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, sending)

    return wrapped


def mass_assignable(app: App) -> App:
    """A create that copies every field the client sent into the song it answers."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not _is(scope, "POST", SONGS):
            await app(scope, receive, send)
            return
        raw = await z._read_body(receive)
        try:
            sent = json.loads(raw)
        except ValueError:
            sent = None
        extra = {k: v for k, v in sent.items() if k not in _CREATE_FIELDS} if isinstance(
            sent, dict) else {}  # fmt: skip

        def rewrite(status: int, body: Any) -> tuple[int, Any]:
            return status, {**body, **extra} if status == 201 and isinstance(body, dict) else body

        inner = z.rewrite_json(app, "POST", SONGS, 201, lambda body: rewrite(201, body)[1])
        await inner(scope, z._replaying(raw), send)

    return wrapped


def hide_newest(method: str, path: str, status: int) -> Callable[[App], App]:
    """A read that lags: the newest song of each create is not found (item) or not listed."""

    def layer(app: App) -> App:
        newest: list[int] = []

        async def noting(scope: Scope, receive: Receive, send: Send) -> None:
            if not _is(scope, "POST", SONGS):
                await app(scope, receive, send)
                return

            async def sending(message: Message) -> None:
                if message["type"] == "http.response.body":
                    try:
                        newest.append(int(json.loads(message.get("body", b""))["id"]))
                    except (ValueError, TypeError, KeyError):
                        pass
                await send(message)

            await app(scope, receive, sending)

        def item(body: Any, scope: Scope) -> tuple[int, Any] | None:
            if newest and z.path_id(scope) == newest[-1]:
                return 404, z.error(404, "no such song", "id")
            return None

        def listed(body: Any) -> None:
            kept = [i for i in body.get("response", []) if not newest or i.get("id") != newest[-1]]
            body["response"], body["count"] = kept, len(kept)

        if path == SONG:
            return z.intercept(noting, method, path, item)
        return z.rewrite_json(noting, method, path, status, listed)

    return layer


def _dead_timeline(body: Any) -> None:
    if isinstance(body.get("timeline_url"), str):
        body["timeline_url"] = body["timeline_url"].replace(".json", ".jsn")


def _duplicate_first(body: Any) -> None:
    items = body.get("response", [])
    if items:
        items.append(dict(items[0]))
        body["count"] = len(items)


def _ghost_first(body: Any) -> None:
    ghost = {"id": 1_999_999_999, "title": "Ghost Song", "status": "processing",
             "mp3_url": None, "arrangement_name": "Chamber Strings"}  # fmt: skip
    body["response"] = [ghost, *body.get("response", [])]
    body["count"] = len(body["response"])


def _titles(change: Callable[[str], str]) -> Callable[[Any], None]:
    def rewrite(body: Any) -> None:
        for item in body.get("response", []):
            if isinstance(item.get("title"), str):
                item["title"] = change(item["title"])

    return rewrite


def _soft_404(app: App) -> App:
    return z.rewrite_response(app, "GET", ARR, lambda s, body: (200 if s == 404 else s, body))


def _foreign_is_403(app: App) -> App:
    """Another user's song answers 403 (the mock's 404 for an id it has, under another owner)."""

    def rewrite(status: int, body: Any) -> tuple[int, Any]:
        message = str(body.get("message", "")) if isinstance(body, dict) else ""
        if status == 404 and "2000000000" not in message and "song" in message:
            return 403, z.error(403, "not your song")
        return status, body

    return z.rewrite_response(app, "GET", SONG, rewrite)


_MP3 = "https://testserver/api/4/songs/1/audio.mp3"


def _state(status: str, mp3_url: str | None) -> Callable[[Any], None]:
    return lambda body: body.update(status=status, mp3_url=mp3_url)


def _listed_state(status: str, mp3_url: str | None) -> Callable[[Any], None]:
    def change(body: Any) -> None:
        for item in body.get("response", []):
            item.update(status=status, mp3_url=mp3_url)

    return change


def status_goes_back(app: App) -> App:
    """A song shown ready on its first read, processing on the next (a replica behind)."""
    reads: dict[str, int] = {}

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not _is(scope, "GET", SONG):
            await app(scope, receive, send)
            return
        reads[scope["path"]] = reads.get(scope["path"], 0) + 1
        first = reads[scope["path"]] == 1
        change = _state("ready", _MP3) if first else _state("processing", None)
        await z.rewrite_json(app, "GET", SONG, 200, change)(scope, receive, send)

    return wrapped


def slow_lifecycle_as(status: str) -> Callable[[App], App]:
    """Every song shown in `status`, item and list alike. Ready, its media are on another
    origin (https: a CDN, which the run does not fetch), for the mock has not rendered them."""
    mp3 = _MP3 if status == "ready" else None

    def item(body: Any) -> None:
        _state(status, mp3)(body)
        if status == "ready":
            body["timeline_url"] = _MP3.replace("audio.mp3", "timeline.json")

    def created(body: Any) -> None:
        body.update(mp3=_MP3, timeline_url=_MP3.replace("audio.mp3", "timeline.json"))

    def layer(app: App) -> App:
        if status == "ready":
            app = z.rewrite_json(app, "POST", SONGS, 201, created)
        app = z.rewrite_json(app, "GET", SONG, 200, item)
        return z.rewrite_json(app, "GET", SONGS, 200, _listed_state(status, mp3))

    return layer


#: A song that stays processing the whole run: slow, and finite by the spec's bound.
slow_lifecycle = slow_lifecycle_as("processing")


BEHAVE_ZOO: tuple[Bug, ...] = (
    # Errors that agree.
    Bug("error_code_mismatch", lambda app: z.rewrite_json(app, "GET", SONG, 404,
        b.set_field("code", lambda v: 400)), "getSong", "error_code_matches_status",
        "error mapper reusing one code"),
    Bug("error_code_string", lambda app: z.rewrite_json(app, "POST", SONGS, 422,
        b.set_field("code", str)), "createSong", "error_code_matches_status",
        "serializer stringifying the code"),
    Bug("soft_404", _soft_404, "getArrangement", "success_is_not_an_error",
        "framework default 200 on a rescued error"),
    Bug("foreign_is_403", _foreign_is_403, "getSong", "missing_and_foreign_alike",
        "authorization before lookup (ids leak)", "apart"),
    # Lists.
    Bug("duplicate_listed", lambda app: z.rewrite_json(app, "GET", SONGS, 200, _duplicate_first),
        "listSongs", "list_ids_unique", "JOIN without DISTINCT"),
    Bug("duplicate_arrangement", lambda app: z.rewrite_json(app, "GET", ARRS, 200,
        _duplicate_first), "listArrangements", "list_ids_unique", "JOIN on genres"),
    Bug("ghost_listed", lambda app: z.rewrite_json(app, "GET", SONGS, 200, _ghost_first),
        "listSongs", "listed_items_readable", "list from a stale cache", "apart"),
    # Round trip and read-your-writes.
    Bug("title_changed_on_read", lambda app: z.rewrite_json(app, "GET", SONG, 200,
        b.set_field("title", lambda v: str(v).upper())), "getSong", "round_trip",
        "an undeclared normalization"),
    Bug("title_truncated_in_list", lambda app: z.rewrite_json(app, "GET", SONGS, 200,
        _titles(lambda t: t[:8])), "listSongs", "round_trip", "a list view's VARCHAR(8)"),
    Bug("title_changed_on_create", lambda app: z.rewrite_json(app, "POST", SONGS, 201,
        b.set_field("title", lambda v: f"{v} Copy")), "createSong", "round_trip",
        "a de-duplicating title"),
    Bug("item_lags", hide_newest("GET", SONG, 200), "getSong", "read_your_writes",
        "a lagging read replica", "apart"),
    Bug("list_lags", hide_newest("GET", SONGS, 200), "listSongs", "read_your_writes",
        "a list served from a cache", "apart"),
    # Mass assignment.
    Bug("mass_assignment", mass_assignable, "createSong", "server_owned_fields_ignored",
        "params.permit! / model(**body)"),
    # Caching and CORS.
    Bug("public_list", with_headers("GET", SONGS, (b"cache-control", b"public, max-age=60")),
        "listSongs", "authenticated_answer_not_shared", "CDN default"),
    Bug("shared_song", with_headers("GET", SONG, (b"cache-control", b"s-maxage=300")),
        "getSong", "authenticated_answer_not_shared", "reverse proxy micro-cache"),
    Bug("cors_wildcard", with_headers("GET", ARRS, (b"access-control-allow-origin", b"*"),
        (b"access-control-allow-credentials", b"true")), "listArrangements",
        "cors_credentials_not_any_origin", "permissive CORS middleware"),
    # Lifecycle (x-imuze-lifecycle).
    Bug("status_goes_back", status_goes_back, "getSong", "lifecycle_transition_allowed",
        "a read replica behind the primary", "apart"),
    Bug("ready_without_mp3", lambda app: z.rewrite_json(app, "GET", SONG, 200,
        _state("ready", None)), "getSong", "lifecycle_fields_match_state",
        "status set before the upload finished", "apart"),
    Bug("processing_with_mp3", lambda app: z.rewrite_json(app, "GET", SONGS, 200,
        _listed_state("processing", _MP3)), "listSongs", "lifecycle_fields_match_state",
        "URL filled in before the render"),
    Bug("cors_echo", echo_origin, "listArrangements", "cors_credentials_not_any_origin",
        "origin reflected to get past the wildcard rule"),
    Bug("no_cache_control", p.answers_without("GET", SONG, b"cache-control"), "getSong",
        "authenticated_answer_not_shared", "framework default: no Cache-Control at all"),
    # Links and media (x-imuze-media).
    Bug("timeline_dead_link", lambda app: z.rewrite_json(app, "GET", SONG, 200, _dead_timeline),
        "getSong", "link_serves_its_media", "a URL built with the wrong extension", "apart"),
    Bug("mp3_is_a_login_page", p.answer_when("GET", p.AUDIO, p.always, 200, b"text/html",
        b"<html>sign in</html>"), "getSong", "link_serves_its_media",
        "a storage bucket's sign-in page served 200", "apart"),
    Bug("range_ignored", p.range_ignored, "getSong", "link_honours_range",
        "a proxy that drops Range", "apart"),
    Bug("media_for_anyone", p.media_cached_for_anyone, "getSong", "link_denied_to_others",
        "a CDN keyed on the URL alone", "apart"),
    # Inputs no fuzzer sends.
    Bug("head_crashes", p.answer_when("HEAD", SONGS, p.always, 500), "listSongs",
        "head_like_get", "a HEAD route without its GET handler", "inputs"),
    Bug("options_crashes", p.answer_when("OPTIONS", ARRS, p.always, 500), "listArrangements",
        "options_answered", "a CORS preflight handler that raises", "inputs"),
    Bug("html_for_html", p.answer_when("GET", ARR, p.accepts_html_only, 200, b"text/html",
        b"<html></html>"), "getArrangement", "accept_without_json",
        "a browser view behind the same route", "inputs"),
    Bug("deep_body_crashes", p.answer_when("POST", SONGS, p.nested_deeper_than(100), 500),
        "createSong", "deep_body_refused", "a recursive parser's RecursionError", "inputs"),
    Bug("large_body_crashes", p.answer_when("POST", "/tokens", p.larger_than(512 * 1024), 502),
        "createToken", "oversized_body_refused", "a proxy buffer overflow", "inputs"),
    Bug("latin1_crashes", p.answer_when("POST", SONGS, p.said_latin1, 500), "createSong",
        "wrong_charset_refused", "UnicodeDecodeError unhandled", "inputs"),
    Bug("first_key_wins", p.rewrite_body("POST", SONGS, p.first_key_wins), "createSong",
        "duplicate_keys_consistent", "a parser differential: the first value kept", "inputs"),
    # Tokens.
    Bug("sequential_tokens", p.sequential_tokens, "createToken", "tokens_unguessable",
        "an auto-increment token", "apart"),
)  # fmt: skip

#: Behaviours a naive checker flags and the spec allows (the mock itself declares one: a null
#: arrangement_id comes back as the arrangement the tags chose, `x-imuze-transform`).
LEGIT: tuple[tuple[str, Callable[[App], App]], ...] = (
    ("public_unsecured_login", with_headers("POST", "/tokens", (b"cache-control", b"public"))),
    ("private_cache", with_headers("GET", SONGS, (b"cache-control", b"private, max-age=60"))),
    ("cors_allow_listed", with_headers("GET", ARRS, (b"access-control-allow-origin",
        b"https://app.imuze.io"), (b"access-control-allow-credentials", b"true"))),
    ("slow_lifecycle", slow_lifecycle),
    ("no_store_song", with_headers("GET", SONG, (b"cache-control", b"no-store, s-maxage=0"))),
    ("options_implemented", p.options_implemented),
    ("accept_ignored", p.without_header("GET", ARRS, b"accept")),
    ("duplicate_keys_last_wins", p.rewrite_body("POST", SONGS, p.last_key_wins)),
)  # fmt: skip


def behave_groups() -> dict[str, list[Bug]]:
    """The behavioural zoo's bugs by the run they join ("apart" ones each run alone)."""
    found: dict[str, list[Bug]] = {}
    for bug in BEHAVE_ZOO:
        found.setdefault(bug.name if bug.group == "apart" else bug.group, []).append(bug)
    return found


def app_with(layers: list[Callable[[App], App]], config: imuze_mock.MockConfig) -> App:
    """The mock under every layer of `layers`."""
    app: App = imuze_mock.create_app(config)  # type: ignore[assignment]
    for layer in layers:
        app = layer(app)
    return app
