"""Dialects: the mock answering as a real deployment would, as a layer over the spec-exact app.

The spec is our best reading of an API none of us has seen. A dialect is an ASGI middleware
around the real app that makes it deviate the way a plausible deployment does, so that the
client's tolerance and `imuze contract`'s drift report are tested against something other
than our own guesses. The handlers are never forked: state, scope and audio stay the mock's.

`rails` plays a Rails deployment of the API (the reference's Slate pages and the API's older
Ruby client suggest one):

- `POST /tokens` and `POST /songs` answer 200, `render json:`'s default, not 201.
- Media URLs are relative, served under `/media`: a song's mp3 (`mp3_url`, `mp3`) is
  protocol-relative (`//host/media/5.mp3`) for odd ids and path-absolute (`/media/6.mp3`) for
  even ids; its timeline (`timeline_url`) takes the other form. Both are served, as are the
  spec's `/api/4/songs/{id}/...` paths. A media URL's query (a presigned signature) is kept.
- Error bodies are Rails-style: `{"error": "..."}`, and `{"errors": {field: [messages]}}` on
  422 (ActiveRecord validation errors).
- A path id that is not an integer is looked up like any other (`Song.find("abc")`) and
  answers 404 after authentication, where the spec says 400.
- Objects carry extra fields: `created_at` and `updated_at` on every object with an `id`.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DIALECTS: Final = ("spec", "rails")
"""`spec` answers exactly as the spec says; `rails` as a Rails deployment would."""

PREFIX = "/api/4"
# A path id no song or arrangement can have (the mock answers 404 for it after the auth
# check), standing in for a non-integer id that Rails would look up and not find.
_UNKNOWN_ID = "9" * 20
_ID_PATH = re.compile(r"^/api/4/(songs|arrangements)/([^/]+)(/.*)?$")
_MEDIA_PATH = re.compile(r"^/media/([0-9]{1,30})(\.mp3|\.json)$")
_MEDIA_URL = re.compile(
    r"^(https?:)(//[^/]+)/api/4/songs/([0-9]+)/(audio\.mp3|timeline\.json)(\?[^#]*)?$"
)
_MEDIA_FIELDS = ("mp3_url", "mp3", "timeline_url")
_RENDERED_WITH_200 = (("POST", "/api/4/tokens"), ("POST", "/api/4/songs"))
_MODEL_NAMES = {"songs": "Song", "arrangements": "Arrangement"}


def rails(app: ASGIApp) -> ASGIApp:
    """The app, answering as the Rails deployment described in this module's docstring."""

    async def dialect(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        scope, not_found = _route(scope)
        await app(scope, receive, _rewriting(scope, send, not_found))

    return dialect


def _route(scope: Scope) -> tuple[Scope, str | None]:
    """Map `/media/...` onto the spec's media paths and non-integer ids onto an unknown id.

    Returns the scope to serve and, for a replaced id, the 404 message Rails would give.
    """
    path: str = scope["path"]
    media = _MEDIA_PATH.match(path)
    if media:
        name = "audio.mp3" if media[2] == ".mp3" else "timeline.json"
        return _with_path(scope, f"{PREFIX}/songs/{media[1]}/{name}"), None
    by_id = _ID_PATH.match(path)
    if by_id and not (by_id[2].isascii() and by_id[2].isdigit()):
        collection, raw_id, rest = by_id[1], by_id[2], by_id[3] or ""
        message = f"Couldn't find {_MODEL_NAMES[collection]} with 'id'={raw_id[:40]}"
        return _with_path(scope, f"{PREFIX}/{collection}/{_UNKNOWN_ID}{rest}"), message
    return scope, None


def _with_path(scope: Scope, path: str) -> Scope:
    return {**scope, "path": path, "raw_path": path.encode()}


def _rewriting(scope: Scope, send: Send, not_found: str | None) -> Send:
    """A `send` that buffers each JSON answer and hands on its Rails rendering."""
    created_with_200 = (scope["method"], scope["path"]) in _RENDERED_WITH_200
    start: Message = {}
    chunks: list[bytes] = []

    async def rewriting(message: Message) -> None:
        if message["type"] == "http.response.start":
            if not _is_json(message):
                await send(message)
                return
            start.update(message)
            return
        if not start:  # not JSON (audio, empty bodies): untouched
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        status = start["status"]
        try:
            body = json.loads(b"".join(chunks))
        except ValueError:
            body = None
        if body is None:
            await send(start)
            await send({"type": "http.response.body", "body": b"".join(chunks)})
            return
        if status == 201 and created_with_200:
            status = 200
        body = _error_body(status, body, not_found) if status >= 400 else _decorate(body)
        await _send_json(send, start, status, body)

    return rewriting


def _is_json(start: Message) -> bool:
    for key, value in start.get("headers", []):
        if key.lower() == b"content-type":
            return bytes(value).split(b";")[0].strip() == b"application/json"
    return False


def _error_body(status: int, body: Any, not_found: str | None) -> Any:
    """The spec's Error rendered as a Rails controller would."""
    if not isinstance(body, dict) or "message" not in body:
        return body
    message = str(body["message"])
    if status == 404 and not_found:
        return {"error": not_found}
    field = body.get("field")
    if status == 422 and field:
        problem = message.removeprefix(f"{field}: ")
        return {"errors": {str(field).split(".")[0]: [problem]}}
    return {"error": message}


def _decorate(body: Any) -> Any:
    """Rails' extra fields on every object with an id, and relative media URLs."""
    if isinstance(body, list):
        return [_decorate(item) for item in body]
    if not isinstance(body, dict):
        return body
    decorated = {key: _decorate(value) for key, value in body.items()}
    if "id" in decorated:
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")
        decorated.setdefault("created_at", now.replace("+00:00", "Z"))
        decorated.setdefault("updated_at", now.replace("+00:00", "Z"))
    for key in _MEDIA_FIELDS:
        if isinstance(decorated.get(key), str):
            decorated[key] = _relative_media_url(decorated[key], key)
    return decorated


def _relative_media_url(url: str, key: str) -> str:
    """`//host/media/5.mp3` or `/media/6.mp3`, alternating by song id and by kind."""
    match = _MEDIA_URL.match(url)
    if not match:
        return url
    authority, song_id, name = match[2], int(match[3]), match[4]
    path = f"/media/{song_id}{'.mp3' if name == 'audio.mp3' else '.json'}{match[5] or ''}"
    protocol_relative = (song_id % 2 == 1) == (key != "timeline_url")
    return f"{authority}{path}" if protocol_relative else path


async def _send_json(send: Send, start: Message, status: int, body: Any) -> None:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = [
        (key, value)
        for key, value in start.get("headers", [])
        if key.lower() not in (b"content-length", b"content-type")
    ]
    headers += [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({**start, "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
