"""The `imuze_ext` logger: silent unless the application configures logging or sets
IMUZE_LOG=debug|info|warning; secrets always redacted.

The NullHandler keeps Python's last-resort handler (which prints WARNINGs to stderr in a
process that configured no logging) away from the library's records. stamina reports each
scheduled retry on its own `stamina` logger; those of imuze_ext's retry loops (marked by
`retrying()`) are rerouted here, so a retry inside the library prints nothing either.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping

logger = logging.getLogger("imuze_ext")
logger.addHandler(logging.NullHandler())

REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr handler IMUZE_LOG installs; marked so that it is installed once."""


def configure_from_env(env: Mapping[str, str] | None = None) -> None:
    """Turn the logger on when IMUZE_LOG is `debug`, `info` or `warning` (tolerated
    deviations from the spec and scheduled retries only); otherwise leave it silent."""
    env = os.environ if env is None else env
    level = _LEVELS.get(env.get("IMUZE_LOG", "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not any(isinstance(h, _EnvHandler) for h in logger.handlers):
        handler = _EnvHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s imuze_ext %(levelname)s %(message)s"))
        logger.addHandler(handler)


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
"""Query parameters that carry a credential (presigned URLs, API keys): never logged."""

# Compiled at first use, by re's own cache: most programs never log a URL.
_QUERY_PAIR = r"(?P<lead>[?&;])(?P<name>[^=&#;]+)=(?P<value>[^&#;]*)"
_USERINFO = r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@?#\s]*@"


def _redact_pair(match: re.Match[str]) -> str:
    name = match.group("name")
    if name.lower() in SECRET_QUERY_PARAMETERS and match.group("value"):
        return f"{match.group('lead')}{name}={REDACTED}"
    return match.group(0)


def redact_url(text: str) -> str:
    """`text` (a URL, or a line holding URLs) with the values of credential-carrying query
    parameters and any user info replaced by a placeholder; the rest is kept."""
    if "=" not in text and "@" not in text:
        return text
    text = re.sub(_QUERY_PAIR, _redact_pair, text)
    return re.sub(_USERINFO, rf"\g<scheme>{REDACTED}@", text)


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


def _redact_arg(arg: object) -> object:
    if isinstance(arg, str):
        return redact_url(arg)
    if type(arg).__name__ == "URL":  # httpx.URL, without importing httpx here
        return redact_url(str(arg))
    return arg


logger.addFilter(RedactSecretsFilter())  # our own records, whatever a message carries


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers fit for a log line: credentials replaced by a placeholder."""
    return {
        name: (REDACTED if name.lower() in _SECRET_HEADERS else value) for name, value in headers
    }


_retrying: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "imuze_ext_retrying", default=None
)


@contextlib.contextmanager
def retrying(what: str) -> Iterator[None]:
    """Mark a stamina retry loop of imuze_ext (`what` it retries, e.g. `GET /api/4/songs`):
    the retries it schedules are logged on `imuze_ext`, not on `stamina`."""
    token = _retrying.set(what)
    try:
        yield
    finally:
        _retrying.reset(token)


class _RerouteRetries(logging.Filter):
    """A filter on the `stamina` logger: our retries go to `imuze_ext`, others pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        what = _retrying.get()
        if what is None:
            return True  # the application's own use of stamina: untouched
        if logger.isEnabledFor(record.levelno):
            stamina_fields = {k: v for k, v in vars(record).items() if k.startswith("stamina.")}
            logger.log(
                record.levelno,
                "retry %s of %s in %.2f s after %s",
                stamina_fields.get("stamina.retry_num"),
                what,
                stamina_fields.get("stamina.wait_for", 0.0),
                stamina_fields.get("stamina.caused_by"),
                extra=stamina_fields,
            )
        return False


logging.getLogger("stamina").addFilter(_RerouteRetries())
