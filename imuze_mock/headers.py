"""Reading request headers: content negotiation, content types and byte ranges."""

from __future__ import annotations

from functools import lru_cache

_ALWAYS = frozenset({"", "*/*", "application/json"})


@lru_cache(maxsize=512)
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
    return _accepts(accept.strip(), media_type)


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


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive ``(first, last)`` bytes a single-range ``Range`` header selects.

    None means "send everything": no header, a malformed one, or several ranges (which
    RFC 9110 lets a server answer in full). Raises Unsatisfiable when nothing is selected.
    """
    if header is None:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    if not dash or not (first_text + last_text).isdigit() or len(first_text + last_text) > 30:
        return None
    if first_text == "":  # suffix: the last N bytes
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else max(first, size - 1)
    if last < first:
        return None  # invalid, so ignored
    if first >= size:
        raise Unsatisfiable
    return first, min(last, size - 1)
