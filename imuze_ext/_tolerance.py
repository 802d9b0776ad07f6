"""Deviations from the spec: the pure rules that spot them, and what a client does with one.

A media URL that is not absolute is resolved per RFC 3986 against the base URL read as a
directory. `Tolerance` logs a deviation once per (kind, operation), or is strict.
"""

from __future__ import annotations

import enum
import re
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from ._config import logger
from .errors import ResponseValidationError


class DeviationKind(enum.StrEnum):
    """What kind of drift from the spec a server showed."""

    UNDOCUMENTED_STATUS = "undocumented-status"
    RELATIVE_MEDIA_URL = "relative-media-url"
    FOREIGN_ERROR_BODY = "foreign-error-body"
    UNKNOWN_STATUS = "unknown-status"


@dataclass(frozen=True)
class Deviation:
    """One tolerated drift: its kind, the operationId and a line that holds no secret."""

    kind: DeviationKind
    operation: str
    detail: str

    def __str__(self) -> str:
        return self.detail


class UrlForm(enum.StrEnum):
    """The RFC 3986 form of a URL reference."""

    ABSOLUTE = "absolute"
    PROTOCOL_RELATIVE = "protocol-relative"  # //host/path: takes the API's scheme
    PATH_ABSOLUTE = "path-absolute"  # /path: takes the API's origin
    RELATIVE = "relative"  # path: resolved against the API base URL


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def url_form(value: str) -> UrlForm:
    """The form of a URL reference (RFC 3986 section 4.1), from its text alone."""
    if _SCHEME.match(value):
        return UrlForm.ABSOLUTE
    if value.startswith("//"):
        return UrlForm.PROTOCOL_RELATIVE
    if value.startswith("/"):
        return UrlForm.PATH_ABSOLUTE
    return UrlForm.RELATIVE


def shown_url(value: str) -> str:
    """A URL fit for a log line: no query or fragment (they may hold a signature), short."""
    bare = re.split(r"[?#]", value, maxsplit=1)[0]
    if len(bare) < len(value):
        bare += "?…"
    return bare if len(bare) <= 100 else bare[:99] + "…"


def undocumented_status(
    operation: str, documented: Collection[int], status: int
) -> Deviation | None:
    """A 2xx the operation does not document (its body matched: that is checked first)."""
    if status in documented or not 200 <= status < 300:
        return None
    statuses = " or ".join(str(s) for s in sorted(documented)) or "no success status"
    said = f"{operation} answered {status}, the spec documents {statuses}"
    return Deviation(DeviationKind.UNDOCUMENTED_STATUS, operation, said)


def relative_media_url(operation: str, field: str, value: str) -> Deviation | None:
    """A media URL that is not absolute, although the spec documents absolute URLs."""
    form = url_form(value)
    if form is UrlForm.ABSOLUTE:
        return None
    shown = shown_url(value)
    said = f"{operation} answered a {form} {field} ({shown}), the spec documents absolute URLs"
    return Deviation(DeviationKind.RELATIVE_MEDIA_URL, operation, said)


def foreign_error_body(
    operation: str, status: int, shape: str, is_spec_error: bool
) -> Deviation | None:
    """An error answer whose body is not the spec's Error (`shape` describes it)."""
    if is_spec_error:
        return None
    said = f"{operation} answered {status} with {shape}, not the spec's Error"
    return Deviation(DeviationKind.FOREIGN_ERROR_BODY, operation, said)


def unknown_status(operation: str, status: str) -> Deviation:
    """A song status that is neither the spec's nor a known failure word: waited on."""
    shown = status if len(status) <= 40 and status.isprintable() else f"{status[:40]!r}…"
    return Deviation(
        DeviationKind.UNKNOWN_STATUS,
        operation,
        f"{operation} answered the song status {shown!r}, which the spec does not name; "
        "waiting on as if in progress",
    )


def directory(base_url: str | httpx.URL) -> str:
    """The base URL as a directory (trailing slash), the base that references resolve on."""
    return str(base_url).rstrip("/") + "/"


class Tolerance:
    """How one client reads answers: the base URL media URLs resolve on, and strictness."""

    def __init__(self, base_url: str | httpx.URL, *, strict: bool = False) -> None:
        self.strict: bool = strict
        self.media_base: str = directory(base_url)
        self._logged: set[tuple[DeviationKind, str]] = set()
        self._lock = threading.Lock()

    def report(
        self, deviation: Deviation, response: httpx.Response, *, said: str | None = None
    ) -> ResponseValidationError | None:
        """None when the deviation is tolerated (logged the first time); in strict mode,
        the error to raise. `said` is the server's own (redacted) message, if any."""
        where = f"{response.request.method} {response.request.url.path}"
        if self.strict:
            told = f"; the server said: {said}" if said else ""
            return ResponseValidationError(
                f"{where}: {deviation} (strict mode){told}", response=response, deviation=deviation
            )
        key = (deviation.kind, deviation.operation)
        with self._lock:
            if key in self._logged:
                return None
            self._logged.add(key)
        logger.warning(
            "tolerated a deviation from the spec: %s (%s; logged once per operation, "
            "strict mode makes it an error)",
            deviation,
            where,
            extra={"imuze_deviation": deviation.kind.value, "imuze_operation": deviation.operation},
        )
        return None


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
_NOT_IN_A_REFERENCE = re.compile(r"[\x00-\x20\x7f\\]")


def resolve_url(base: str, value: str) -> str | None:
    """`value` resolved against `base` (RFC 3986 section 5, by urllib's urljoin); None when
    that gives no http(s) URL with a host, or `value` holds what no URL reference may."""
    if _NOT_IN_A_REFERENCE.search(value):
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


@dataclass(frozen=True)
class MediaUrl:
    """One media URL of an answer: where it was (`/response/3/mp3_url`) and what it said."""

    pointer: str
    field: str
    value: str


@dataclass
class Resolution:
    """An answer's data with its media URLs resolved, and what resolution found."""

    data: Any
    relative: list[MediaUrl] = field(default_factory=list)
    unresolvable: list[MediaUrl] = field(default_factory=list)


def resolve_media(schema: str, data: Any, base: str) -> Resolution:
    """Resolve the media URLs of an answer valid against `schema` (copied where one changes)."""
    resolution = Resolution(data)
    items = data.get("response") if schema in LIST_ITEMS and isinstance(data, dict) else None
    if isinstance(items, list):
        fields = MEDIA_FIELDS[LIST_ITEMS[schema]]
        new_items = [
            _resolve_object(item, fields, base, f"/response/{i}", resolution)
            for i, item in enumerate(items)
        ]
        if resolution.relative:
            resolution.data = {**data, "response": new_items}
    elif schema in MEDIA_FIELDS:
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
