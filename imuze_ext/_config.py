"""Settings from arguments and environment (arguments win): base URL, credentials, strict mode."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from .errors import ImuzeError, InvalidCredentialsError, MissingCredentialsError
from .redaction import REDACTED, redact_url

DEFAULT_BASE_URL = "https://api.imuze.io/api/4"

ENV_BASE_URL = "IMUZE_BASE_URL"
ENV_API_KEY = "IMUZE_API_KEY"
ENV_EMAIL = "IMUZE_EMAIL"
ENV_PASSWORD = "IMUZE_PASSWORD"  # noqa: S105 - the variable's name, not a password
ENV_STRICT = "IMUZE_STRICT"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """The (scheme, host, port) triple that decides where credentials may go."""
    return url.scheme, url.host, url.port or DEFAULT_PORTS.get(url.scheme)


@dataclass(frozen=True, repr=False)
class ApiKey:
    """A developer key or token, sent as is."""

    key: str

    def __repr__(self) -> str:
        return f"ApiKey(key={REDACTED})"


@dataclass(frozen=True, repr=False)
class Login:
    """An account's email and password, exchanged for a token on first use."""

    email: str
    password: str

    def __repr__(self) -> str:
        return f"Login(email={self.email!r}, password={REDACTED})"


Credentials = ApiKey | Login


def resolve_base_url(base_url: str | None, env: Mapping[str, str] | None = None) -> str:
    """The API's base URL without a trailing slash: argument, else env, else the default."""
    env = os.environ if env is None else env
    url = (base_url or env.get(ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ImuzeError(f"invalid base URL {redact_url(url)!r}: {redact_url(str(exc))}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ImuzeError(f"invalid base URL {redact_url(url)!r}: expected http(s)://host/path")
    return url


def resolve_strict(strict: bool | None, env: Mapping[str, str] | None = None) -> bool:
    """Strict mode: the argument when given, else IMUZE_STRICT (1/true/yes/on), else off."""
    if strict is not None:
        return strict
    env = os.environ if env is None else env
    value = env.get(ENV_STRICT, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImuzeError(
        f"invalid {ENV_STRICT}={value!r}: expected 1 or 0 (true/false, yes/no, on/off)"
    )


def check_credentials(credentials: Credentials) -> Credentials:
    """Refuse a credential with a control character (the newline of a key read from a
    file) or, for a key sent as a header, a character beyond ASCII. InvalidCredentialsError
    names the credential and the position, never the value."""
    if isinstance(credentials, ApiKey):
        _check("the API key", credentials.key, header=True)
    else:
        _check("the email", credentials.email, header=False)
        _check("the password", credentials.password, header=False)
    return credentials


def _check(what: str, value: str, *, header: bool) -> None:
    for position, char in enumerate(value, start=1):
        code = ord(char)
        if code < 0x20 or 0x7F <= code <= 0x9F:
            newline = " (a value read from a file often ends with a newline)" * (
                code in (0x0A, 0x0D)
            )
            raise InvalidCredentialsError(
                f"{what} has a control character (U+{code:04X}) at position {position} of "
                f"{len(value)}: strip it{newline}"
            )
        if header and code > 0x7E:
            raise InvalidCredentialsError(
                f"{what} has a character beyond ASCII at position {position} of {len(value)}:"
                " an HTTP header cannot carry it"
            )


def resolve_credentials(
    api_key: str | None,
    email: str | None,
    password: str | None,
    env: Mapping[str, str] | None = None,
) -> Credentials:
    """Pick the credentials: explicit key, explicit login, env key, env login, in that order;
    checked (see check_credentials)."""
    return check_credentials(_pick(api_key, email, password, env))


def _pick(
    api_key: str | None,
    email: str | None,
    password: str | None,
    env: Mapping[str, str] | None,
) -> Credentials:
    env = os.environ if env is None else env
    if api_key:
        return ApiKey(api_key)
    if email or password:
        return _login(email or env.get(ENV_EMAIL), password or env.get(ENV_PASSWORD))
    if env_key := env.get(ENV_API_KEY):
        return ApiKey(env_key)
    if env.get(ENV_EMAIL) or env.get(ENV_PASSWORD):
        return _login(env.get(ENV_EMAIL), env.get(ENV_PASSWORD))
    raise MissingCredentialsError(
        "no credentials: pass api_key=..., or email=... and password=..., "
        f"or set {ENV_API_KEY}, or {ENV_EMAIL} and {ENV_PASSWORD}"
    )


def _login(email: str | None, password: str | None) -> Login:
    if not email:
        raise MissingCredentialsError(
            f"a password was given but no email: pass email= or set {ENV_EMAIL}"
        )
    if not password:
        raise MissingCredentialsError(
            f"an email was given but no password: pass password= or set {ENV_PASSWORD}"
        )
    return Login(email, password)


def resolve_login(
    email: str | None,
    password: str | None,
    fallback: Login | None,
    env: Mapping[str, str] | None = None,
) -> Login:
    """An email and a password: those given, else `fallback`'s, else the environment's;
    checked (see check_credentials)."""
    env = os.environ if env is None else env
    email = email or (fallback.email if fallback else None) or env.get(ENV_EMAIL)
    password = password or (fallback.password if fallback else None) or env.get(ENV_PASSWORD)
    if not (email or password):
        raise MissingCredentialsError(
            f"no account to log in with: pass email= and password=, or set {ENV_EMAIL} and "
            f"{ENV_PASSWORD}"
        )
    login = _login(email, password)
    check_credentials(login)
    return login
