"""The deviations from the spec that the client tolerates, and the pure rules that spot them.

The spec stays the precise contract; the client is a tolerant reader. Three kinds of
drift that real deployments plausibly show are accepted (and reported, see _tolerance):

- an undocumented 2xx status whose body matches the operation's success schema;
- a media URL that is not absolute (protocol-relative, path-absolute or relative);
- an error answer whose body is not the spec's `Error`;
- a song status the spec does not name and the client cannot place (not a failure word).

These functions only decide; they never log or raise, so the sync and async paths share them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection
from dataclasses import dataclass

__all__ = [
    "Deviation",
    "DeviationKind",
    "UrlForm",
    "foreign_error_body",
    "relative_media_url",
    "undocumented_status",
    "unknown_status",
    "url_form",
]


class DeviationKind(enum.StrEnum):
    """What kind of drift from the spec a server showed."""

    UNDOCUMENTED_STATUS = "undocumented-status"
    RELATIVE_MEDIA_URL = "relative-media-url"
    FOREIGN_ERROR_BODY = "foreign-error-body"
    UNKNOWN_STATUS = "unknown-status"


@dataclass(frozen=True)
class Deviation:
    """One tolerated drift: its kind, the operation (spec operationId) and a readable line.

    `detail` never holds a secret: statuses, field names, body shapes and URL paths only.
    """

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


_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*:"  # compiled at first use, by re's cache
_MAX_URL_SHOWN = 100


def url_form(value: str) -> UrlForm:
    """The form of a URL reference (RFC 3986 section 4.1), from its text alone."""
    if re.match(_SCHEME, value):
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
    return bare if len(bare) <= _MAX_URL_SHOWN else bare[: _MAX_URL_SHOWN - 1] + "…"


def _statuses(documented: Collection[int]) -> str:
    return " or ".join(str(s) for s in sorted(documented)) or "no success status"


def undocumented_status(
    operation: str, documented: Collection[int], status: int
) -> Deviation | None:
    """A 2xx the operation does not document (its body matched: that is checked first)."""
    if status in documented or not 200 <= status < 300:
        return None
    return Deviation(
        DeviationKind.UNDOCUMENTED_STATUS,
        operation,
        f"{operation} answered {status}, the spec documents {_statuses(documented)}",
    )


def relative_media_url(operation: str, field: str, value: str) -> Deviation | None:
    """A media URL that is not absolute, although the spec documents absolute URLs."""
    form = url_form(value)
    if form is UrlForm.ABSOLUTE:
        return None
    return Deviation(
        DeviationKind.RELATIVE_MEDIA_URL,
        operation,
        f"{operation} answered a {form} {field} ({shown_url(value)}), "
        "the spec documents absolute URLs",
    )


def foreign_error_body(
    operation: str, status: int, shape: str, is_spec_error: bool
) -> Deviation | None:
    """An error answer whose body is not the spec's Error (`shape` describes it)."""
    if is_spec_error:
        return None
    return Deviation(
        DeviationKind.FOREIGN_ERROR_BODY,
        operation,
        f"{operation} answered {status} with {shape}, not the spec's Error",
    )


def unknown_status(operation: str, status: str) -> Deviation:
    """A song status that is neither the spec's nor a known failure word: waited on."""
    shown = status if len(status) <= 40 and status.isprintable() else f"{status[:40]!r}…"
    return Deviation(
        DeviationKind.UNKNOWN_STATUS,
        operation,
        f"{operation} answered the song status {shown!r}, which the spec does not name; "
        "waiting on as if in progress",
    )
