"""Why uvicorn rejected a request, said for each parser's words (httptools and h11)."""

from __future__ import annotations

import logging
import sys

import pytest

from imuze_mock.logs import INVALID_REQUEST, ExplainInvalidRequests, explain


@pytest.mark.parametrize(
    ("parser_error", "why"),
    [
        ("Invalid header value char", "a header with a byte HTTP forbids"),  # httptools
        ("illegal header line: bytearray(b'X: \\x00')", "a header with a byte HTTP forbids"),
        ("Invalid method encountered", "a TLS client hello on plain HTTP"),  # httptools
        ("illegal request line", "a malformed request line"),  # h11
        ("Invalid character in Content-Length", "Content-Length or chunked framing"),
        ("something new", "bytes that are not HTTP/1.1"),
    ],
)
def test_each_parser_error_is_explained(parser_error: str, why: str) -> None:
    line = explain(ValueError(parser_error))
    assert why in line and line.endswith(f"[{parser_error}]")


def test_the_filter_rewrites_uvicorns_warning_from_the_exception_being_handled() -> None:
    record = logging.LogRecord("uvicorn.error", logging.WARNING, "x", 1, INVALID_REQUEST, (), None)
    try:
        raise ValueError("Invalid header value char")
    except ValueError:
        assert sys.exc_info()[0] is ValueError
        ExplainInvalidRequests().filter(record)
    assert record.getMessage().startswith("Invalid HTTP request received (answered 400): a header")
    other = logging.LogRecord("uvicorn.error", logging.WARNING, "x", 1, "Started", (), None)
    ExplainInvalidRequests().filter(other)
    assert other.getMessage() == "Started"
