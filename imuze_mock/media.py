"""A ready song's files: the MP3 and the timeline, with Content-Length and Range."""

from __future__ import annotations

import time

from starlette.responses import Response

from .errors import ApiError
from .headers import Unsatisfiable, byte_range
from .music import Rendered
from .pipeline import Call


def _rendered(call: Call) -> Rendered:
    assert call.account is not None and call.id is not None
    song = call.state.store.song(call.account, call.id)
    if song.rendered is None or not song.is_ready(time.monotonic()):
        raise ApiError(404, f"song {song.id} is not ready yet", "id")
    return song.rendered


def _serve(content: bytes, media_type: str, range_header: str | None) -> Response:
    size = len(content)
    headers = {"Accept-Ranges": "bytes"}
    try:
        selected = byte_range(range_header, size)
    except Unsatisfiable:
        error = ApiError(416, f"the range {range_header} is outside the {size} bytes")
        error.headers.update({**headers, "Content-Range": f"bytes */{size}"})
        raise error from None
    if selected is None:
        return Response(content, 200, headers, media_type=media_type)
    first, last = selected
    headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return Response(content[first : last + 1], 206, headers, media_type=media_type)


async def audio(call: Call) -> Response:
    """``GET /songs/{id}/audio.mp3``."""
    return _serve(_rendered(call).mp3, "audio/mpeg", call.request.headers.get("range"))


async def timeline(call: Call) -> Response:
    """``GET /songs/{id}/timeline.json``: sections and notes (start, duration, pitch)."""
    return _serve(_rendered(call).timeline, "application/json", call.request.headers.get("range"))
