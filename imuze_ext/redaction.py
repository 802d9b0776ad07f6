"""Redaction: the one vocabulary of what is secret, and the functions that hide it.

The client, the CLI and the contract runner share its headers, fields, parameters and marker.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

import httpx

REDACTED = "[redacted]"
"""What stands where a secret was."""

MIN_SECRET_LENGTH = 8
"""The shortest known secret hidden wherever its text appears (not only where it stands)."""

MIN_WORD_SECRET_LENGTH = 4
"""The shortest known secret (not of letters only) hidden where it stands as a word of its
own; a shorter one, or one of letters only, is hidden only as a whole text or quoted value."""

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"}
)
"""Headers whose values are credentials (lower case)."""

SECRET_QUERY_PARAMETERS = frozenset(
    "x-amz-signature x-amz-credential x-amz-security-token x-goog-signature x-goog-credential "
    "signature sig token access_token key api_key password".split()
)
"""Query parameters that carry a credential (presigned URLs, API keys), lower case."""

_SECRET_FIELD = re.compile(r"pass|secret|token|key|auth|credential", re.IGNORECASE)
_SECRET_PAIR = re.compile(
    rf"([?&;](?:{'|'.join(map(re.escape, SECRET_QUERY_PARAMETERS))})=)[^&#;]+", re.IGNORECASE
)
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@?#\s]*@")


def is_secret_field(name: str) -> bool:
    """Whether a JSON field of this name holds a credential (`password`, `token`, ...)."""
    return bool(_SECRET_FIELD.search(name))


def redact_url(text: str) -> str:
    """`text` (a URL, or a line holding URLs) with the values of credential-carrying query
    parameters and any user info replaced by the marker; the rest is kept."""
    text = _SECRET_PAIR.sub(rf"\g<1>{REDACTED}", text)
    return _USERINFO.sub(rf"\g<scheme>{REDACTED}@", text)


def _each_string(value: object, change: Callable[[str], str]) -> object:
    """A copy of `value` with `change` applied to every string in its lists, tuples, dicts."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: _each_string(item, change) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_each_string(item, change) for item in value)
    return value


def redact_urls(value: object) -> object:
    """A copy of a decoded JSON value with `redact_url` applied to its strings."""
    return _each_string(value, redact_url)


def field_repr(model: str, field: str, value: object) -> str:
    """A generated model field's repr: the marker for a secret field or any field of a
    credential model (`TokenResponse`), else its repr with URL credentials redacted."""
    if is_secret_field(model) or is_secret_field(field):
        return REDACTED
    return repr(redact_urls(value))


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers fit for a log line: credentials replaced by the marker."""
    return {
        name: (REDACTED if name.lower() in SECRET_HEADERS else value) for name, value in headers
    }


def replace_secret(text: str, secret: str, replacement: str = REDACTED) -> str:
    """`text` with a known `secret` replaced where it stands: anywhere once it has
    MIN_SECRET_LENGTH characters; shorter, as the whole text, as a whole quoted value, and
    (from MIN_WORD_SECRET_LENGTH, unless it is letters only) where no letter or digit
    extends it into a longer word."""
    if not secret or secret not in text:
        return text
    if len(secret) >= MIN_SECRET_LENGTH:
        return text.replace(secret, replacement)
    if text == secret:
        return replacement
    escaped = re.escape(secret)
    if len(secret) >= MIN_WORD_SECRET_LENGTH and not secret.isalpha():
        before = r"(?<![^\W_])" if secret[0].isalnum() else ""
        after = r"(?![^\W_])" if secret[-1].isalnum() else ""
        return re.sub(f"{before}{escaped}{after}", lambda _: replacement, text)
    quoted = f"(?P<quote>[\"'])(?<!\\\\[\"']){escaped}(?P=quote)"
    return re.sub(quoted, lambda m: f"{m['quote']}{replacement}{m['quote']}", text)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with each known secret replaced where it stands (see `replace_secret`); give
    them longest first, so that one containing another is hidden whole."""
    for secret in secrets:
        text = replace_secret(text, secret)
    return text


def redact_values(value: object, secrets: Iterable[str]) -> object:
    """A copy of a decoded JSON value whose strings are redacted (see `redact`)."""
    secrets = tuple(secrets)
    return _each_string(value, lambda text: redact(text, secrets)) if secrets else value


def sent_secrets(request: httpx.Request) -> list[str]:
    """Every credential the request carried (secret headers, and secret fields of a JSON
    body), longest first so that a secret containing another is redacted whole."""
    found = body_secrets(request)
    for name in SECRET_HEADERS:
        value = request.headers.get(name)
        if value:
            found.add(value)
            found.update(part for part in value.split(" ")[1:] if part)  # "Bearer <token>"
    return sorted(found, key=len, reverse=True)


def body_secrets(request: httpx.Request) -> set[str]:
    """The values of the secret fields of a request's JSON body (a login's password)."""
    try:
        content = request.content
    except httpx.RequestNotRead:  # a redirect's hop re-sends the first request's stream
        stream = request.stream
        content = b"".join(stream) if isinstance(stream, httpx.ByteStream) else b""
    with contextlib.suppress(ValueError):  # not JSON (nor UTF-8): no secret fields
        return set(_secret_strings(json.loads(content)))
    return set()


def _secret_strings(value: object, secret: bool = False) -> Iterator[str]:
    """The non-empty strings of a decoded JSON value that stand under a secret field."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _secret_strings(item, is_secret_field(str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _secret_strings(item, secret)
    elif secret and isinstance(value, str) and value:
        yield value


def _redact_arg(arg: object) -> object:
    return redact_url(str(arg)) if isinstance(arg, str | httpx.URL) else arg


class RedactSecretsFilter(logging.Filter):
    """A logging filter that redacts URL credentials (presigned signatures, keys) in each
    record's message and arguments. Attach it to httpx's logger, whose INFO line shows each
    request's full URL: `logging.getLogger("httpx").addFilter(imuze_ext.RedactSecretsFilter())`.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_url(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        return True
