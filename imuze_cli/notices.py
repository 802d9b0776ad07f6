"""Say on stderr when the client pauses because the server asked it to (Retry-After).

imuze_ext logs every wait it begins at INFO, marked `imuze_retry_after` when the server's
Retry-After set it; the CLI prints those, one line each, so that a minute under
maintenance is not a minute of silence; a wait longer than `LONG_WAIT` seconds adds how to
bound it (`--deadline`). Nothing else of the library's logging shows,
unless IMUZE_LOG asks for it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

LONG_WAIT = 5.0
"""Seconds of a Retry-After wait past which its line says how to bound the waiting."""


class RetryAfterNotice(logging.Handler):
    """Prints `waiting 5.0 s (the server's Retry-After) before retrying GET ...`."""

    def emit(self, record: logging.LogRecord) -> None:
        if not getattr(record, "imuze_retry_after", False):
            return
        from . import output  # loaded with the command that waits, not for `--help`

        seconds = float(getattr(record, "imuze_wait_seconds", 0.0))
        what = record.args[1] if isinstance(record.args, tuple) and len(record.args) > 1 else ""
        hint = (
            "; --deadline SECONDS bounds each call, waits included" if seconds > LONG_WAIT else ""
        )
        output.err.print(
            f"waiting {seconds:.1f} s, as the server asked (Retry-After), before retrying {what}"
            + hint,
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@contextlib.contextmanager
def shown() -> Iterator[None]:
    """Print the Retry-After waits of imuze_ext on stderr while the block runs."""
    logger = logging.getLogger("imuze_ext")
    handler = RetryAfterNotice(logging.INFO)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the other INFO records stay where they were: nowhere
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
