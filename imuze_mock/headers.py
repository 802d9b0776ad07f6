"""Reading request headers: content negotiation, content types and byte ranges."""

from __future__ import annotations

import re
from functools import lru_cache

_ALWAYS = frozenset({"", "*/*", "application/json"})
# Only short Accept headers are remembered, so that the cache holds at most
# _CACHED_ENTRIES * _CACHED_LENGTH characters whatever clients send (it is filled before auth).
_CACHED_LENGTH = 256
_CACHED_ENTRIES = 512


def _accepts(accept: str, media_type: str) -> bool:
    main = media_type.split("/", 1)[0]
    for item in accept.split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        kind = kind.lower()
        if kind not in ("*/*", f"{main}/*", media_type):
            continue
        quality = next((p.split("=", 1)[1] for p in params if p.lower().startswith("q=")), "1")
        try:
            if float(quality) > 0:
                return True
        except ValueError:
            return True  # an unreadable weight is not a refusal
    return False


def accepts(accept: str | None, media_type: str = "application/json") -> bool:
    """Whether an ``Accept`` header (None when absent) admits ``media_type``."""
    if accept is None or (accept in _ALWAYS and media_type == "application/json"):
        return True
    if len(accept) > _CACHED_LENGTH:
        return _accepts(accept.strip(), media_type)
    return _cached_accepts(accept.strip(), media_type)


_cached_accepts = lru_cache(maxsize=_CACHED_ENTRIES)(_accepts)


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
