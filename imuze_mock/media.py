"""A ready song's files: the MP3 and the timeline, with Content-Length, Range, a strong
ETag, and If-Range (a range whose validator is not the file's gets the whole file)."""

from __future__ import annotations

import hashlib
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


def _serve(
    content: bytes, media_type: str, range_header: str | None, if_range: str | None = None
) -> Response:
    size = len(content)
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    headers = {"Accept-Ranges": "bytes", "ETag": etag}
    if if_range is not None and if_range != etag:
        range_header = None  # RFC 9110 13.1.5: another version, so the whole of this one
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
    headers = call.request.headers
    return _serve(_rendered(call).mp3, "audio/mpeg", headers.get("range"), headers.get("if-range"))


async def timeline(call: Call) -> Response:
    """``GET /songs/{id}/timeline.json``: sections and notes (start, duration, pitch)."""
    headers = call.request.headers
    return _serve(
        _rendered(call).timeline, "application/json", headers.get("range"), headers.get("if-range")
    )
