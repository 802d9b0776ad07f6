"""Media is media: what a download received, checked against what its field promises.

`mp3_url` promises an MP3: a media type of audio/mpeg (or a generic binary type, or none,
as storage services and CDNs send), and bytes that start with an ID3 tag or an MP3 frame
sync. `timeline_url` promises JSON: a JSON media type (or a generic one) and a body that
parses. Anything else (a "Sign in to continue" HTML page answered with 200, an error body)
is an UnexpectedMediaError that describes the first bytes. Strict and tolerant modes agree:
this is not a deviation either of them tolerates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

from .errors import UnexpectedMediaError

GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
"""Media types that say nothing of the content: the bytes' signature decides."""

HEAD_BYTES = 64
"""How many first bytes a message quotes, and the most the signature check needs."""


@dataclass(frozen=True)
class Media:
    """What a media field promises: its name, its media types, how its bytes start."""

    field: str
    types: frozenset[str]
    what: str
    whole: bool = False
    """Whether the signature check needs the whole body (JSON), not just its first bytes."""

    def check_type(self, response: httpx.Response) -> None:
        """Refuse an answer whose Content-Type is neither this media's nor a generic one."""
        kind = media_type(response)
        if kind not in self.types and kind not in GENERIC_TYPES:
            raise UnexpectedMediaError(
                f"{self.field} answered {kind}, not {self.what}", response=response
            )

    def check_head(self, head: bytes, complete: bytes | None, response: httpx.Response) -> None:
        """Refuse bytes without this media's signature: `head` (the first HEAD_BYTES, or all
        of a shorter body), `complete` the whole body when the media needs it (JSON)."""
        if not self.signed(head, complete):
            raise UnexpectedMediaError(
                f"{self.field} did not send {self.what}: {describe(head, media_type(response))}",
                response=response,
                head=head,
            )

    def signed(self, head: bytes, complete: bytes | None) -> bool:
        """Whether the bytes carry this media's signature."""
        if self is MP3:
            return head.startswith(b"ID3") or (
                len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
            )
        try:
            json.loads(complete if complete is not None else head)
        except ValueError:
            return False
        return True


MP3 = Media("mp3_url", frozenset({"audio/mpeg", "audio/mp3", "audio/mpeg3"}), "an MP3")
TIMELINE = Media("timeline_url", frozenset({"application/json"}), "JSON", whole=True)


def media_type(response: httpx.Response) -> str:
    """The answer's media type, lower case, without parameters ("" when none)."""
    value: str = response.headers.get("Content-Type", "")
    return value.split(";")[0].strip().lower()


def describe(head: bytes, kind: str) -> str:
    """The first bytes of a body, for a message: `text/html, starting '<!DOCTYPE html>…'`."""
    text = head[:HEAD_BYTES].decode("latin-1")
    shown = "".join(char if char.isprintable() else "." for char in text)
    return f"{kind or 'no Content-Type'}, starting {shown!r}" if head else f"{kind}, empty"
