"""Settings from arguments and environment (arguments win): base URL, credentials, strict, logs."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from .errors import ConfigurationError, InvalidCredentialsError, MissingCredentialsError
from .redaction import REDACTED, RedactSecretsFilter, redact_url

DEFAULT_BASE_URL = "https://api.imuze.io/api/4"

ENV_BASE_URL = "IMUZE_BASE_URL"
ENV_API_KEY = "IMUZE_API_KEY"
ENV_EMAIL = "IMUZE_EMAIL"
ENV_PASSWORD = "IMUZE_PASSWORD"  # noqa: S105 - the variable's name, not a password
ENV_STRICT = "IMUZE_STRICT"
ENV_LOG = "IMUZE_LOG"
ENV_VARIABLES = (ENV_BASE_URL, ENV_API_KEY, ENV_EMAIL, ENV_PASSWORD, ENV_STRICT, ENV_LOG)
"""Every IMUZE_* variable the client and the CLI read (the contract runner has its own)."""

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """The (scheme, host, port) triple that decides where credentials may go."""
    return url.scheme, url.host, url.port or DEFAULT_PORTS.get(url.scheme)


@dataclass(frozen=True)
class ApiKey:
    """A developer key or token, sent as is."""

    key: str = field(repr=False)


@dataclass(frozen=True)
class Login:
    """An account's email and password, exchanged for a token on first use."""

    email: str
    password: str = field(repr=False)


Credentials = ApiKey | Login


def setting(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The IMUZE_* variable `name`, None when unset or empty; ConfigurationError when blank
    (whitespace only: a template that rendered blank, never a value to guess from)."""
    env = os.environ if env is None else env
    value = env.get(name)
    if not value:
        return None
    if not value.strip():
        raise ConfigurationError(f"{name} is blank (whitespace only): unset it or give it a value")
    return value


def resolve_base_url(base_url: str | None, env: Mapping[str, str] | None = None) -> str:
    """The API's base URL: the argument, else IMUZE_BASE_URL, else the default. One given
    but empty or malformed is a ConfigurationError, never the public API."""
    env = os.environ if env is None else env
    if base_url is not None:
        return check_base_url(base_url, "the base URL")
    if ENV_BASE_URL in env:
        return check_base_url(env[ENV_BASE_URL], ENV_BASE_URL)
    return DEFAULT_BASE_URL


def check_base_url(url: str, source: str) -> str:
    """`url` without its trailing slash; ConfigurationError (naming `source`, the URL redacted)
    unless it is http(s) with a host, a port in 1-65535, no user info, query or fragment."""
    if not url.strip():
        raise ConfigurationError(
            f"{source} is empty: give http(s)://host/path (an empty value is never read as "
            "the public API)"
        )
    problem = _base_url_problem(url)
    if problem:
        origin = "" if source == "the base URL" else f" from {source}"
        raise ConfigurationError(f"invalid base URL {shown_url(url)}{origin}: {problem}")
    return url.rstrip("/")


def _base_url_problem(url: str) -> str | None:
    if any(char.isspace() for char in url):
        return "it contains whitespace"
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        return redact_url(str(exc))  # httpx may quote the URL, user info and all
    problems = (
        (parsed.scheme not in ("http", "https"), "expected http(s)://host/path"),
        (not parsed.host, "it has no host: expected http(s)://host/path"),
        (
            bool(_USERINFO.match(url)),
            "it carries user info: pass credentials as credentials, not in the URL",
        ),
        (parsed.port is not None and not 0 < parsed.port < 65536, "the port is not in 1-65535"),
        (bool(parsed.query) or "?" in url, "it has a query: a base URL ends with its path"),
        (bool(parsed.fragment) or "#" in url, "it has a fragment: a base URL ends with its path"),
    )
    return next((problem for wrong, problem in problems if wrong), None)


def shown_url(url: str) -> str:
    """`url` quoted as given (`http://` stays `http://`), its user info and values redacted."""
    url = _USERINFO.sub(rf"\g<1>{REDACTED}@", url)
    return repr(_QUERY_VALUE.sub(rf"\g<1>{REDACTED}", url))


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_QUERY_VALUE = re.compile(r"([?&#][^=&#]*=)[^&#]*")


def resolve_strict(strict: bool | None, env: Mapping[str, str] | None = None) -> bool:
    """Strict mode: the argument, else IMUZE_STRICT (1/true/yes/on, 0/false/no/off), else off."""
    if strict is not None:
        return strict
    value = (setting(ENV_STRICT, env) or "").strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ConfigurationError(
        f"invalid {ENV_STRICT}={value!r}: expected 1 or 0 (true/false, yes/no, on/off)"
    )


def check_credentials(credentials: Credentials) -> Credentials:
    """InvalidCredentialsError (naming the position, never the value) for a control character,
    or beyond ASCII in a key sent as a header; else `credentials`."""
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
    """The credentials: explicit key, explicit login, env key, env login, in that order; checked."""
    env_key, env_email, env_password = (
        setting(name, env) for name in (ENV_API_KEY, ENV_EMAIL, ENV_PASSWORD)
    )
    if api_key or (env_key and not (email or password)):
        return check_credentials(ApiKey(api_key or env_key or ""))
    if email or password or env_email or env_password:
        return resolve_login(email, password, None, env)
    raise MissingCredentialsError(
        "no credentials: pass api_key=..., or email=... and password=..., "
        f"or set {ENV_API_KEY}, or {ENV_EMAIL} and {ENV_PASSWORD}"
    )


def resolve_login(
    email: str | None,
    password: str | None,
    fallback: Login | None,
    env: Mapping[str, str] | None = None,
) -> Login:
    """An email and a password: those given, else `fallback`'s, else the environment's; checked."""
    email = email or (fallback.email if fallback else None) or setting(ENV_EMAIL, env)
    password = password or (fallback.password if fallback else None) or setting(ENV_PASSWORD, env)
    if not (email or password):
        raise MissingCredentialsError(
            f"no account to log in with: pass email= and password=, or set {ENV_EMAIL} and "
            f"{ENV_PASSWORD}"
        )
    if not email:
        raise MissingCredentialsError(
            f"a password was given but no email: pass email= or set {ENV_EMAIL}"
        )
    if not password:
        raise MissingCredentialsError(
            f"an email was given but no password: pass password= or set {ENV_PASSWORD}"
        )
    login = Login(email, password)
    check_credentials(login)
    return login


logger = logging.getLogger("imuze_ext")
logger.addHandler(logging.NullHandler())  # silent unless the application or IMUZE_LOG says
logger.addFilter(RedactSecretsFilter())  # our own records, whatever a message carries

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


class _EnvHandler(logging.Handler):
    """The stderr handler IMUZE_LOG installs, once: it writes to the `sys.stderr` of the
    moment, as logging's last resort does. It keeps the level it set (`given`) and the one it
    replaced, for a later configuration without IMUZE_LOG to undo just that."""

    def __init__(self, given: int, replaced: int) -> None:
        super().__init__()
        self.given = given
        self.replaced = replaced
        self.setFormatter(logging.Formatter("%(asctime)s imuze_ext %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging's contract: report, never raise
            self.handleError(record)


def configure_from_env(env: Mapping[str, str] | None = None) -> None:
    """Make the logger what IMUZE_LOG says now: `debug`, `info` or `warning` turn it on;
    unset, undo what an earlier IMUZE_LOG did (not a level set since); another value (a
    misspelt level would silently log nothing) is a ConfigurationError."""
    value = setting(ENV_LOG, env)
    level = None if value is None else _LEVELS.get(value.strip().lower())
    if value is not None and level is None:
        raise ConfigurationError(
            f"invalid {ENV_LOG}={value!r}: expected debug, info or warning (or unset)"
        )
    installed = next((h for h in logger.handlers if isinstance(h, _EnvHandler)), None)
    if installed is not None:  # undo what the last IMUZE_LOG did
        logger.removeHandler(installed)
        if logger.level == installed.given:
            logger.setLevel(installed.replaced)
    if level is not None:
        logger.addHandler(_EnvHandler(level, logger.level))
        logger.setLevel(level)
