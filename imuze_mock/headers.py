"""Reading request headers: content negotiation, content types and byte ranges."""

from __future__ import annotations

import re
from functools import cache

_ALWAYS = frozenset({"", "*/*", "application/json"})


@cache
def _ranges_admitting(media_type: str) -> re.Pattern[str]:
    """The ``Accept`` items that name ``media_type``, its type's wildcard or ``*/*``, with
    their parameters. One per media type the mock serves, so the cache holds two."""
    main = re.escape(media_type.split("/", 1)[0])
    names = rf"\*/\*|{main}/\*|{re.escape(media_type)}"
    return re.compile(rf"(?:^|,)[ \t]*(?:{names})[ \t]*(?=[;,]|$)([^,]*)", re.IGNORECASE)


def _admits(params: str) -> bool:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip()) > 0
            except ValueError:
                return True  # an unreadable weight is not a refusal
    return True


def accepts(accept: str | None, media_type: str = "application/json") -> bool:
    """Whether an ``Accept`` header (None when absent) admits ``media_type``.

    One regular-expression scan, linear in the header; nothing about the header is kept.
    """
    if accept is None or (accept in _ALWAYS and media_type == "application/json"):
        return True
    return any(_admits(m[1]) for m in _ranges_admitting(media_type).finditer(accept))


def is_json(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` names JSON (``application/json`` or a ``+json`` type)."""
    if not content_type:
        return False
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class Unsatisfiable(Exception):
    """A ``Range`` that selects no byte of the resource."""


_DIGITS = re.compile(r"[0-9]{1,30}")  # ASCII digits only: str.isdigit() also takes "²"


def _number(text: str) -> int | None:
    text = text.strip(" \t")
    return int(text) if _DIGITS.fullmatch(text) else None


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive ``(first, last)`` bytes a single-range ``Range`` header selects.

    RFC 9110 14.2: ``bytes=first-last``, ``bytes=first-`` and ``bytes=-suffix``, the unit
    case-insensitive. None means "send everything": no header, a malformed or invalid one
    (non-ASCII digits, last before first, numbers over 30 digits), another unit, or several
    ranges (which RFC 9110 lets a server answer in full). Raises Unsatisfiable when nothing
    is selected.
    """
    if header is None:
        return None
    unit, equals, spec = header.partition("=")
    if not equals or unit.strip(" \t").lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.partition("-")
    first, last = _number(first_text), _number(last_text)
    if not dash or (first is None and (first_text.strip(" \t") or last is None)):
        return None
    if last is None and last_text.strip(" \t"):
        return None
    if first is None:  # suffix: the last N bytes
        assert last is not None
        if last == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - last), size - 1
    end = last if last is not None else max(first, size - 1)
    if end < first:
        return None  # invalid, so ignored
    if first >= size:
        raise Unsatisfiable
    return first, min(end, size - 1)
