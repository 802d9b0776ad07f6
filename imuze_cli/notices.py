"""Say on stderr when the client pauses because the server asked it to (Retry-After).

imuze_ext logs every wait it begins at INFO, marked `imuze_retry_after` when the server's
Retry-After set it; the CLI prints those, one line each, so that a minute under
maintenance is not a minute of silence. Nothing else of the library's logging shows,
unless IMUZE_LOG asks for it.
"""

from __future__ import annotations

import logging

from . import output


class RetryAfterNotice(logging.Handler):
    """Prints `waiting 5.0 s (the server's Retry-After) before retrying GET ...`."""

    def emit(self, record: logging.LogRecord) -> None:
        if not getattr(record, "imuze_retry_after", False):
            return
        seconds = float(getattr(record, "imuze_wait_seconds", 0.0))
        what = record.args[1] if isinstance(record.args, tuple) and len(record.args) > 1 else ""
        output.err.print(
            f"waiting {seconds:.1f} s, as the server asked (Retry-After), before retrying {what}",
            markup=False,
            highlight=False,
        )


def install() -> None:
    """Print the Retry-After waits of imuze_ext on stderr (once per process)."""
    logger = logging.getLogger("imuze_ext")
    if any(isinstance(h, RetryAfterNotice) for h in logger.handlers):
        return
    logger.addHandler(RetryAfterNotice(logging.INFO))
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the other INFO records stay where they were: nowhere
