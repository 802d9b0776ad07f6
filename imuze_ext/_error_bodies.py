"""The server's reason in an error answer, whatever the body's shape, and never a secret.

Shapes understood: the spec's Error; `{"error": "..."}`, `{"error": {"message": ...}}`,
`{"message": ...}`, problem+json (`title`, `detail`); Rails' `{"errors": {field: [msgs]}}`
and `{"errors": [...]}`; text/plain; an HTML page (its title, else its first heading).
The reason is redacted of every credential the request carried (imuze_ext.redaction),
then shortened.
"""

from __future__ import annotations

import html.parser
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from imuze_client.models import Error

from ._json_types import json_type
from .redaction import redact, redact_values, sent_secrets

MAX_REASON = 200
"""Characters of the server's reason kept in an exception message."""

_NO_FIELD = frozenset({"base", ""})  # Rails' errors[:base]: messages about the whole record


@dataclass(frozen=True)
class ErrorBody:
    """What an error answer said."""

    body: object
    """The decoded JSON, else the text ("" for an empty body)."""
    error: Error | None
    """The spec's Error, when the body is one."""
    reason: str | None
    """The server's reason, redacted and shortened; None when the body gives none."""
    field_errors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Messages per field (Rails `errors`, or the Error's `field`), redacted."""
    shape: str = "Error"
    """The body's shape in a few words, for deviation reports (never its values)."""


def read_error_body(response: httpx.Response, is_error: Callable[[object], bool]) -> ErrorBody:
    """Read an error answer; `is_error(body)` says whether JSON is the spec's Error."""
    secrets = sent_secrets(response.request)
    content = response.content
    if not content.strip():
        return ErrorBody("", None, None, shape="an empty body")
    try:
        body: object = redact_values(response.json(), secrets)
    except (ValueError, RecursionError):
        return _text_body(response, secrets)
    if isinstance(body, dict) and is_error(body):
        error = Error.from_dict(body)
        named: dict[str, tuple[str, ...]] = {}
        if isinstance(error.field, str):
            named[error.field] = (error.message,)
        return ErrorBody(
            body,
            error,
            _readable(f"{error.error}: {error.message}", secrets),
            _redacted_fields(named, secrets),
        )
    fields = _field_errors(body.get("errors")) if isinstance(body, dict) else {}
    return ErrorBody(
        body,
        None,
        _readable(_reason_of(body), secrets),
        _redacted_fields(fields, secrets),
        shape=json_shape(body),
    )


def _readable(text: str | None, secrets: list[str]) -> str | None:
    """Redacted first (so no cut leaves half a secret), then one line of MAX_REASON chars."""
    if text is None:
        return None
    line = " ".join(redact(text, secrets).split())
    if not line:
        return None
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"


def _text(value: object) -> str | None:
    """A message given as a string, or as a list of strings."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return None


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def _reason_of(body: object, depth: int = 0) -> str | None:
    """The reason a JSON error body gives, whatever its keys."""
    if isinstance(body, dict):
        head = _head(body, depth)
        tail = _errors_text(body.get("errors"), depth)
        if head and tail:
            return head if tail in head else f"{head}: {tail}"
        if head or tail:
            return head or tail
    elif isinstance(body, list):
        return _errors_text(body, depth)
    elif isinstance(body, str):
        return body or None
    return _compact(body) if body not in (None, {}, []) else None


def _head(body: Mapping[str, Any], depth: int) -> str | None:
    """The one-line reason of an error object: error, message, detail, title, ..."""
    error = body.get("error")
    if isinstance(error, dict) and depth < 3:
        error = _reason_of(error, depth + 1)
    error_text = _text(error)
    message = next(
        (
            text
            for key in ("message", "detail", "error_description", "description", "msg")
            if (text := _text(body.get(key)))
        ),
        None,
    )
    title = _text(body.get("title"))
    if error_text:
        return f"{error_text}: {message}" if message and message != error_text else error_text
    if message:
        return f"{title}: {message}" if title and title != message else message
    return title


def _errors_text(errors: object, depth: int) -> str | None:
    """Rails' `errors`: a field -> messages mapping, or a list of strings or objects."""
    if isinstance(errors, dict):
        fields = _field_errors(errors)
        return "; ".join(
            ", ".join(msgs) if name in _NO_FIELD else f"{name}: {', '.join(msgs)}"
            for name, msgs in fields.items()
        )
    if isinstance(errors, list):
        parts = []
        for item in errors:
            if isinstance(item, dict) and depth < 3:
                named = _field_of(item)
                reason = _reason_of(item, depth + 1)
                parts.append(f"{named}: {reason}" if named and reason else reason or "")
            else:
                parts.append(item if isinstance(item, str) else _compact(item))
        return "; ".join(p for p in parts if p) or None
    return _text(errors)


def _field_of(item: Mapping[str, Any]) -> str | None:
    """The field an error object names: `field`/`param`/`attribute`, or a JSON pointer."""
    for key in ("field", "param", "attribute"):
        if isinstance(item.get(key), str):
            return str(item[key])
    source = item.get("source")
    if isinstance(source, dict) and isinstance(source.get("pointer"), str):
        return str(source["pointer"]).rstrip("/").rsplit("/", 1)[-1] or None
    return None


def _field_errors(errors: object) -> dict[str, tuple[str, ...]]:
    """The field -> messages mapping of a body's `errors`, when it has one."""
    fields: dict[str, tuple[str, ...]] = {}
    if isinstance(errors, dict):
        for name, messages in errors.items():
            if isinstance(messages, list):
                fields[str(name)] = tuple(
                    m if isinstance(m, str) else _compact(m) for m in messages
                )
            else:
                fields[str(name)] = (messages if isinstance(messages, str) else _compact(messages),)
    elif isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict) and (named := _field_of(item)):
                reason = _head(item, 1) or _compact(item)
                fields[named] = (*fields.get(named, ()), reason)
    return fields


def _redacted_fields(
    fields: Mapping[str, tuple[str, ...]], secrets: list[str]
) -> dict[str, tuple[str, ...]]:
    return {name: tuple(redact(m, secrets) for m in msgs) for name, msgs in fields.items()}


def json_shape(body: object) -> str:
    """A body's shape in a few words, keys and types only: `a {error: string} body`."""
    if isinstance(body, dict):
        keys = [f"{k}: {json_type(v)}" for k, v in list(body.items())[:4]]
        more = ", …" if len(body) > 4 else ""
        return f"a {{{', '.join(keys)}{more}}} body"
    return f"a JSON {json_type(body)} body"


def _text_body(response: httpx.Response, secrets: list[str]) -> ErrorBody:
    text = response.text
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type in ("text/html", "application/xhtml+xml") or _looks_like_html(text):
        return ErrorBody(text, None, _readable(_html_reason(text), secrets), shape="an HTML page")
    shape = f"a {media_type} body" if media_type else "a non-JSON body"
    return ErrorBody(text, None, _readable(text, secrets), shape=shape)


def _looks_like_html(text: str) -> bool:
    start = text.lstrip()[:15].lower()
    return start.startswith(("<!doctype html", "<html"))


def _html_reason(text: str) -> str | None:
    finder = TitleFinder()
    try:
        finder.feed(text)
        finder.close()
    except (AssertionError, ValueError):  # html.parser gives up on some malformed markup
        pass
    return finder.title.strip() or finder.heading.strip() or None


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class TitleFinder(html.parser.HTMLParser):
    """Collects an HTML page's <title> and first heading."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.heading = ""
        self._in: str | None = None
        self._done: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = "title" if tag == "title" else "heading" if tag in _HEADINGS else None
        if kind and kind not in self._done:
            self._in = kind

    def handle_endtag(self, tag: str) -> None:
        if self._in and (tag == "title" or tag in _HEADINGS):
            self._done.add(self._in)
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "heading":
            self.heading += data
