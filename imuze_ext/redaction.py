"""Redaction: the one vocabulary of what is secret, and the functions that hide it.

The client's logs and error messages, the CLI's output and the contract runner's reports
all hide secrets with these words: which headers (`SECRET_HEADERS`), which JSON fields
(`is_secret_field`), which query parameters (`SECRET_QUERY_PARAMETERS`), one marker
(`REDACTED`) and one rule for a secret the caller knows (`replace_secret`). One of
`MIN_SECRET_LENGTH` characters or more is hidden wherever its text appears. A shorter one
is hidden where it is evidently that secret and not the server's prose: as the whole text,
as a whole quoted value (`"pw"`), and, from `MIN_WORD_SECRET_LENGTH` characters and unless
it is letters only, as a word of its own (`pw42` in `wrong password pw42,`, not in
`pw421`). "or" or "wrong" as a password leaves "wrong email or password" as it is.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping

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
    {
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "x-goog-signature",
        "x-goog-credential",
        "signature",
        "sig",
        "token",
        "access_token",
        "key",
        "api_key",
        "password",
    }
)
"""Query parameters that carry a credential (presigned URLs, API keys), lower case."""

_SECRET_FIELD = re.compile(r"pass|secret|token|key|auth|credential", re.IGNORECASE)
_QUERY_PAIR = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&#;]+)=(?P<value>[^&#;]*)")
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@?#\s]*@")


def is_secret_field(name: str) -> bool:
    """Whether a JSON field of this name holds a credential (`password`, `token`, ...)."""
    return bool(_SECRET_FIELD.search(name))


def _redact_pair(match: re.Match[str]) -> str:
    name = match.group("name")
    if name.lower() in SECRET_QUERY_PARAMETERS and match.group("value"):
        return f"{match.group('lead')}{name}={REDACTED}"
    return match.group(0)


def redact_url(text: str) -> str:
    """`text` (a URL, or a line holding URLs) with the values of credential-carrying query
    parameters and any user info replaced by the marker; the rest is kept."""
    if "=" not in text and "@" not in text:
        return text
    text = _QUERY_PAIR.sub(_redact_pair, text)
    return _USERINFO.sub(rf"\g<scheme>{REDACTED}@", text)


def redact_urls(value: object) -> object:
    """`value` with `redact_url` applied to every string in it, through lists, tuples and
    dict values (a decoded JSON document: a song's presigned mp3_url); copied, not changed."""
    if isinstance(value, str):
        return redact_url(value)
    if isinstance(value, dict):
        return {key: redact_urls(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_urls(item) for item in value)
    return value


def field_repr(model: str, field: str, value: object) -> str:
    """The repr of a generated model's field: the marker for a credential (a secret field,
    `password`, or any field of a credential model, `TokenResponse`), else its repr with
    every URL credential in its strings replaced by the marker."""
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
    """`text` with every known secret replaced by the marker where it stands (see
    `replace_secret`). Give the secrets longest first, so that one containing another is
    hidden whole."""
    for secret in secrets:
        text = replace_secret(text, secret)
    return text


def redact_values(value: object, secrets: Iterable[str]) -> object:
    """A decoded JSON value whose strings are redacted (copied only where one changes)."""
    secrets = tuple(secrets)
    if not secrets:
        return value
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {k: redact_values(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_values(v, secrets) for v in value]
    return value


def sent_secrets(request: httpx.Request) -> list[str]:
    """Every credential the request carried (secret headers, and secret fields of a JSON
    body), longest first so that a secret containing another is redacted whole."""
    found: set[str] = set()
    for name in SECRET_HEADERS:
        value = request.headers.get(name)
        if value:
            found.add(value)
            found.update(part for part in value.split(" ")[1:] if part)  # "Bearer <token>"
    found.update(body_secrets(request))
    return sorted(found, key=len, reverse=True)


def body_secrets(request: httpx.Request) -> set[str]:
    """The values of the secret fields of a request's JSON body (a login's password)."""
    found: set[str] = set()
    try:
        content = request.content
    except httpx.RequestNotRead:  # a redirect's hop re-sends the first request's stream
        stream = request.stream
        content = b"".join(stream) if isinstance(stream, httpx.ByteStream) else b""
    if content:
        try:
            _collect_secrets(json.loads(content), found, secret=False)
        except (ValueError, UnicodeDecodeError):
            pass
    return found


def _collect_secrets(value: object, found: set[str], *, secret: bool) -> None:
    if isinstance(value, str):
        if secret and value:
            found.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect_secrets(item, found, secret=is_secret_field(str(key)))
    elif isinstance(value, list):
        for item in value:
            _collect_secrets(item, found, secret=secret)


def _redact_arg(arg: object) -> object:
    if isinstance(arg, str):
        return redact_url(arg)
    if isinstance(arg, httpx.URL):
        return redact_url(str(arg))
    return arg


class RedactSecretsFilter(logging.Filter):
    """A logging filter that redacts credentials in URLs (presigned signatures, keys) in
    every record it sees, its message and its arguments: attach it to httpx's logger,
    whose INFO line shows each request's full URL.

        logging.getLogger("httpx").addFilter(imuze_ext.RedactSecretsFilter())
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_url(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        return True
