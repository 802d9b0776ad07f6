"""What the mock's uvicorn logs: an optional access log, and why a request was unparseable.

uvicorn answers a request its HTTP parser rejects with 400 and logs only "Invalid HTTP
request received.", which says nothing about the cause. `ExplainInvalidRequests` adds it,
from the parser's own error (the log call is made inside uvicorn's `except` block, so the
filter sees the exception). During `imuze contract` the cause is schemathesis: at start it
probes whether the server accepts a NUL byte in a header (`X-Schemathesis-Probe-Null`),
and its coverage and fuzzing phases send header values with bytes HTTP forbids.
"""

from __future__ import annotations

import logging
import sys

INVALID_REQUEST = "Invalid HTTP request received."
"""uvicorn's words (httptools_impl and h11_impl alike)."""

_WHY = (
    # (words in the parser's error, lower case), the explanation.
    (
        ("header value", "header field", "header name", "illegal header"),
        "a header with a byte HTTP forbids, e.g. NUL or a line break (schemathesis probes "
        "for NUL at start; fuzzers send such values)",
    ),
    (
        ("method", "url", "http version", "request line", "expected http", "target"),
        "a malformed request line, or a TLS client hello on plain HTTP (an https:// URL for "
        "this http:// server)",
    ),
    (
        ("content-length", "chunk", "transfer-encoding", "body"),
        "a body that does not match its Content-Length or chunked framing",
    ),
)


def explain(error: BaseException | None) -> str:
    """One line on why the parser rejected a request, from its exception."""
    text = str(error) if error is not None else ""
    lowered = text.lower()
    for words, why in _WHY:
        if any(word in lowered for word in words):
            return f"{why} [{text}]"
    return f"bytes that are not HTTP/1.1 [{text or 'no parser message'}]"


class ExplainInvalidRequests(logging.Filter):
    """Adds the cause to uvicorn's "Invalid HTTP request received." warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == INVALID_REQUEST and not record.args:
            record.msg = f"{INVALID_REQUEST[:-1]} (answered 400): {explain(sys.exc_info()[1])}"
        return True


_EXPLAINER = ExplainInvalidRequests()


def configure(*, access_log: bool) -> None:
    """Explain invalid requests; log every request at INFO on `uvicorn.access` if asked.

    Called after uvicorn configured its loggers (uvicorn.Config does it when created).
    """
    logger = logging.getLogger("uvicorn.error")
    if _EXPLAINER not in logger.filters:
        logger.addFilter(_EXPLAINER)
    if access_log:
        logging.getLogger("uvicorn.access").setLevel(logging.INFO)
