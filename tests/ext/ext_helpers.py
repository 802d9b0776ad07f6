"""Helpers for the ext tests: canned bodies and a recording, scripted MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

API = "http://api.test/api/4"

Handler = Callable[[httpx.Request], httpx.Response]


def error_body(code: int, error: str = "err", message: str = "went wrong") -> dict[str, Any]:
    return {"code": code, "error": error, "message": message, "field": None}


def song_json(song_id: int = 1, status: str = "ready", **extra: Any) -> dict[str, Any]:
    ready = status == "ready"
    return {
        "id": song_id,
        "title": "Morning Over The Bay",
        "status": status,
        "mp3_url": f"{API}/songs/{song_id}/audio.mp3" if ready else None,
        "arrangement_name": "Chamber Strings",
        "timeline_url": f"{API}/songs/{song_id}/timeline.json",
        **extra,
    }


def created_json(song_id: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "id": song_id,
        "title": "Morning Over The Bay",
        "musical_mode": "Dorian",
        "arrangement_id": 1,
        "timeline_url": f"{API}/songs/{song_id}/timeline.json",
        "mp3": f"{API}/songs/{song_id}/audio.mp3",
        "status_channel": f"songs/{song_id}/status",
        **extra,
    }


@dataclass
class Recorder:
    """A MockTransport handler that records every request and answers from a script."""

    handler: Handler
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.handler(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def paths(self, method: str | None = None) -> list[str]:
        return [r.url.path for r in self.requests if method is None or r.method == method]


def sequence(*answers: httpx.Response | Exception) -> Handler:
    """A handler that gives the answers in order (raising exceptions), repeating the last."""
    remaining = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        answer = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handle


def as_json(response: httpx.Response) -> Any:
    return json.loads(response.content)


class CutStream(httpx.SyncByteStream):
    """Sends `data`, then breaks the connection (`error`), as a server that died mid-body."""

    def __init__(self, data: bytes, error: type[httpx.TransportError] = httpx.ReadError) -> None:
        self._data = data
        self._error = error

    def __iter__(self) -> Iterator[bytes]:
        yield self._data
        raise self._error("connection broken mid-body")
