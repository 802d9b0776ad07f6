"""What a client does with a deviation from the spec: tolerate and log it, or (strict) fail.

Tolerated deviations are logged at WARNING on the `imuze_ext` logger, once per client
instance for each (kind, operation) pair: a long-running process learns about the drift
without a line per request. Nothing reaches stderr unless the application configures
logging or sets IMUZE_LOG. In strict mode (`Imuze(strict=True)` or IMUZE_STRICT=1) every
deviation is a ResponseValidationError that names it.
"""

from __future__ import annotations

import threading

import httpx

from ._deviations import Deviation, DeviationKind
from ._logging import logger
from ._media import directory
from .errors import ResponseValidationError


class Tolerance:
    """How one client reads answers: the base URL media URLs resolve on, and strictness."""

    strict: bool
    media_base: str

    def __init__(self, base_url: str | httpx.URL, *, strict: bool = False) -> None:
        self.strict = strict
        self.media_base = directory(base_url)
        self._logged: set[tuple[DeviationKind, str]] = set()
        self._lock = threading.Lock()

    def report(
        self, deviation: Deviation, response: httpx.Response, *, said: str | None = None
    ) -> ResponseValidationError | None:
        """None when the deviation is tolerated (logged the first time); in strict mode,
        the error to raise. `said` is the server's own (redacted) message, if any."""
        request = response.request
        where = f"{request.method} {request.url.path}"
        if self.strict:
            told = f"; the server said: {said}" if said else ""
            return ResponseValidationError(
                f"{where}: {deviation} (strict mode){told}", response=response, deviation=deviation
            )
        key = (deviation.kind, deviation.operation)
        with self._lock:
            if key in self._logged:
                return None
            self._logged.add(key)
        logger.warning(
            "tolerated a deviation from the spec: %s (%s; logged once per operation, "
            "strict mode makes it an error)",
            deviation,
            where,
            extra={"imuze_deviation": deviation.kind.value, "imuze_operation": deviation.operation},
        )
        return None
