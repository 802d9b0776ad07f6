"""Media URLs (`mp3_url`, `mp3`, `timeline_url`, `image_url`) resolved per RFC 3986.

The spec documents absolute URLs; deployments also answer protocol-relative (`//host/x`),
path-absolute (`/media/x`) or relative (`songs/1/audio.mp3`) ones. Each is resolved against
the API base URL read as a directory (`https://api.imuze.io/api/4/`, as httpx reads a
base_url), so the models handed to users carry URLs they can fetch as they are. Credentials
still go only to the API's origin: the auth flow judges the resolved URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import httpx

from ._deviations import UrlForm, url_form

# The media URL properties of each component schema, and the lists whose items have some.
# tests/ext/test_ext_media_urls.py checks this table against the packaged spec.
MEDIA_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Song": ("mp3_url", "timeline_url"),
    "SongSummary": ("mp3_url",),
    "SongCreated": ("mp3", "timeline_url"),
    "Arrangement": ("image_url",),
}
LIST_ITEMS: Mapping[str, str] = {"SongList": "SongSummary"}

_ABSOLUTE_HTTP = ("https://", "http://")
# Whitespace, controls and backslashes: RFC 3986 allows none of them in a URL reference.
_NOT_IN_A_REFERENCE = r"[\x00-\x20\x7f\\]"  # compiled at first use, by re's cache


def directory(base_url: str | httpx.URL) -> str:
    """The base URL as a directory (trailing slash), the base that references resolve on."""
    return str(base_url).rstrip("/") + "/"


def resolve_url(base: str, value: str) -> str | None:
    """`value` resolved against `base` (RFC 3986 section 5, by urllib's urljoin); None when
    that gives no http(s) URL with a host, or `value` holds what no URL reference may."""
    if re.search(_NOT_IN_A_REFERENCE, value):
        return None
    try:
        if url_form(value) is UrlForm.PROTOCOL_RELATIVE and not urlsplit(value).hostname:
            return None  # "//" or "///x": an empty authority names no host
        resolved = urljoin(base, value)
        parts = urlsplit(resolved)
        _ = parts.port  # a port out of range or not a number raises ValueError
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return resolved


class MediaUrl(NamedTuple):
    """One media URL of an answer: where it was (`/response/3/mp3_url`) and what it said."""

    pointer: str
    field: str
    value: str


class Resolution:
    """An answer's data with its media URLs resolved, and what resolution found.
    (A plain class: one is made per answer.)"""

    __slots__ = ("data", "relative", "unresolvable")

    def __init__(self, data: Any) -> None:
        self.data = data
        self.relative: list[MediaUrl] = []
        self.unresolvable: list[MediaUrl] = []

    @property
    def changed(self) -> bool:
        return bool(self.relative)


def resolve_media(schema: str, data: Any, base: str) -> Resolution:
    """Resolve the media URLs of an answer already valid against `schema`.

    Absolute http(s) URLs are kept as sent (the common case costs a prefix test); the data
    is copied only where a URL changes.
    """
    resolution = Resolution(data)
    if schema in LIST_ITEMS and isinstance(data, dict):
        items = data.get("response")
        if isinstance(items, list):
            fields = MEDIA_FIELDS.get(LIST_ITEMS[schema], ())
            new_items = [
                _resolve_object(item, fields, base, f"/response/{i}", resolution)
                for i, item in enumerate(items)
            ]
            if resolution.changed:
                resolution.data = {**data, "response": new_items}
    elif schema in MEDIA_FIELDS and isinstance(data, dict):
        resolution.data = _resolve_object(data, MEDIA_FIELDS[schema], base, "", resolution)
    return resolution


def _resolve_object(
    obj: Any, fields: tuple[str, ...], base: str, pointer: str, resolution: Resolution
) -> Any:
    if not isinstance(obj, dict):
        return obj
    changes: dict[str, str] = {}
    for name in fields:
        value = obj.get(name)
        if not isinstance(value, str) or not value or value.startswith(_ABSOLUTE_HTTP):
            continue  # null or "" means "no URL"; an absolute http(s) URL stays as sent
        found = MediaUrl(f"{pointer}/{name}", name, value)
        resolved = resolve_url(base, value)
        if resolved is None:
            resolution.unresolvable.append(found)
        elif url_form(value) is not UrlForm.ABSOLUTE:
            resolution.relative.append(found)
            changes[name] = resolved
    return {**obj, **changes} if changes else obj
