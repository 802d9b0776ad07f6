"""The `imuze_ext` logger: silent unless the application configures logging or sets
IMUZE_LOG=debug|info|warning; every record redacted (see imuze_ext.redaction).

The NullHandler keeps Python's last-resort handler (which prints WARNINGs to stderr in a
process that configured no logging) away from the library's records.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

from ._config import ENV_LOG, setting
from .errors import ConfigurationError
from .redaction import REDACTED, RedactSecretsFilter

__all__ = ["REDACTED", "configure_from_env", "logger"]

logger = logging.getLogger("imuze_ext")
logger.addHandler(logging.NullHandler())
logger.addFilter(RedactSecretsFilter())  # our own records, whatever a message carries

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr handler IMUZE_LOG installs; marked so that it is installed once."""


def configure_from_env(env: Mapping[str, str] | None = None) -> None:
    """Turn the logger on when IMUZE_LOG is `debug`, `info` or `warning` (tolerated
    deviations from the spec and scheduled retries only); unset or empty, leave it silent.
    Another value is a ConfigurationError (a misspelt level would silently log nothing)."""
    value = setting(ENV_LOG, env)
    if value is None:
        return
    level = _LEVELS.get(value.strip().lower())
    if level is None:
        raise ConfigurationError(
            f"invalid {ENV_LOG}={value!r}: expected debug, info or warning (or unset)"
        )
    logger.setLevel(level)
    if not any(isinstance(h, _EnvHandler) for h in logger.handlers):
        handler = _EnvHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s imuze_ext %(levelname)s %(message)s"))
        logger.addHandler(handler)
