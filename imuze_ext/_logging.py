"""The `imuze_ext` logger: silent unless IMUZE_LOG=debug|info, secrets always redacted."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Mapping

logger = logging.getLogger("imuze_ext")
logger.addHandler(logging.NullHandler())

REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr handler IMUZE_LOG installs; marked so that it is installed once."""


def configure_from_env(env: Mapping[str, str] | None = None) -> None:
    """Turn the logger on when IMUZE_LOG is `debug` or `info`; otherwise leave it silent."""
    env = os.environ if env is None else env
    level = _LEVELS.get(env.get("IMUZE_LOG", "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not any(isinstance(h, _EnvHandler) for h in logger.handlers):
        handler = _EnvHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s imuze_ext %(levelname)s %(message)s"))
        logger.addHandler(handler)


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers fit for a log line: credentials replaced by a placeholder."""
    return {
        name: (REDACTED if name.lower() in _SECRET_HEADERS else value) for name, value in headers
    }
