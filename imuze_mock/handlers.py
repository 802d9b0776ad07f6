"""The API's operations, one function each, run after the pipeline's checks."""

from __future__ import annotations

import functools
import json
import logging
import time
import weakref
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .catalog import BY_ID, CATALOG, choose_by_tags
from .errors import ApiError, retry_later
from .music import Rendered, mode_for_title, render_song
from .pipeline import Call, JsonAnswer
from .store import Song, Store
from .worker import QueueFull

logger = logging.getLogger("imuze_mock")

_ARRANGEMENT_LIST = json.dumps(
    {"count": len(CATALOG), "response": [a.summary() for a in CATALOG]}, separators=(",", ":")
).encode()


_ARRANGEMENT_DETAILS = {
    a.id: json.dumps(a.detail(), separators=(",", ":")).encode() for a in CATALOG
}


def origin(request: Request) -> str:
    """``scheme://host[:port]`` as the client reached this server."""
    host = request.headers.get("host")
    if not host:
        server = request.scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    # The scope, not request.url: building that URL object was the GET path's largest cost.
    return f"{request.scope['scheme']}://{host}"


def song_url(request: Request, song_id: int, name: str) -> str:
    """The absolute URL of one of a song's media files (with the configured media query)."""
    url = f"{origin(request)}/api/4/songs/{song_id}/{name}"
    query: str = request.app.state.mock.config.media_query
    return f"{url}?{query}" if query else url


async def create_token(call: Call) -> Response:
    """``POST /tokens``: credentials in, a fresh token out."""
    credentials: dict[str, Any] = call.body["token"]
    account = call.state.store.login(credentials["email"], credentials["password"])
    if account is None:
        raise ApiError(401, "wrong email or password")
    token, undo = call.state.store.issue_token(account)
    return JsonAnswer({"response": token}, 201, undo=lambda: call.state.store.revoke(token, undo))


async def list_arrangements(call: Call) -> Response:
    """``GET /arrangements``: the whole catalog."""
    return Response(_ARRANGEMENT_LIST, media_type="application/json")


async def get_arrangement(call: Call) -> Response:
    """``GET /arrangements/{id}``."""
    assert call.id is not None
    detail = _ARRANGEMENT_DETAILS.get(call.id)
    if detail is None:
        raise ApiError(404, f"no arrangement {call.id}", "id")
    return Response(detail, media_type="application/json")


@functools.lru_cache(maxsize=8)
def _render(title: str, arrangement_id: int, length: int) -> Rendered:
    # Renders are deterministic, so a client that repeats itself (or a fuzzer) costs nothing.
    return render_song(title, BY_ID[arrangement_id].style, length)


def _render_job(store_ref: weakref.ref[Store], song: Song) -> None:
    if store_ref() is None:
        return  # the app is gone: nobody will ever ask for this song
    try:
        rendered = _render(song.title, song.arrangement.id, song.length)
    except Exception:
        logger.exception("rendering song %d failed", song.id)
        return
    store = store_ref()
    if store is not None:
        store.finish(song.id, rendered)


async def create_song(call: Call) -> Response:
    """``POST /songs``: a new song in ``processing``, rendered in the background."""
    state, body = call.state, call.body
    assert call.account is not None
    if body["arrangement_id"] is None:
        arrangement = choose_by_tags(body["tags"], body["title"])
    else:
        found = BY_ID.get(body["arrangement_id"])
        if found is None:
            message = f"arrangement_id: no arrangement {body['arrangement_id']}"
            raise ApiError(404, message, "arrangement_id")
        arrangement = found
    # Backpressure is "slow down" (429), not maintenance (the spec's 503); the client
    # retries a 429 on a create because nothing was made.
    try:
        slot = state.pool.reserve()
    except QueueFull:  # before anything is created, so that a retry cannot duplicate a song
        busy = "the renderers are busy, slow down"
        raise retry_later(429, busy, state.config.retry_after) from None
    title = body["title"]
    song, undo = state.store.add_song(
        call.account,
        title,
        arrangement,
        mode_for_title(title),
        body["desired_length"],
        state.config.render_delay,
    )
    answer = {
        "id": song.id,
        "title": song.title,
        "musical_mode": song.mode,
        "arrangement_id": arrangement.id,
        "timeline_url": song_url(call.request, song.id, "timeline.json"),
        "mp3": song_url(call.request, song.id, "audio.mp3"),
        "status_channel": f"songs/{song.id}/status",
    }
    store_ref = weakref.ref(state.store)

    def discard() -> None:
        slot.cancel()
        state.store.discard(song.id, undo)

    # The render starts once the answer is sure to go out (a truncate fault undoes instead),
    # so that nothing it does (evictions for bytes) needs undoing.
    return JsonAnswer(
        answer, 201, undo=discard, commit=lambda: slot.run(lambda: _render_job(store_ref, song))
    )


def _summary(request: Request, song: Song, now: float) -> dict[str, Any]:
    ready = song.is_ready(now)
    return {
        "id": song.id,
        "title": song.title,
        "status": "ready" if ready else "processing",
        "mp3_url": song_url(request, song.id, "audio.mp3") if ready else None,
        "arrangement_name": song.arrangement.name,
    }


async def list_songs(call: Call) -> Response:
    """``GET /songs``: the caller's songs only."""
    assert call.account is not None
    now = time.monotonic()
    songs = [_summary(call.request, s, now) for s in call.state.store.songs_of(call.account)]
    return JsonAnswer({"count": len(songs), "response": songs})


async def get_song(call: Call) -> Response:
    """``GET /songs/{id}``: 404 for someone else's song, 410 for an evicted one."""
    assert call.account is not None and call.id is not None
    song = call.state.store.song(call.account, call.id)
    answer = _summary(call.request, song, time.monotonic())
    answer["timeline_url"] = song_url(call.request, song.id, "timeline.json")
    return JsonAnswer(answer)
