"""The pure rules that spot each deviation kind, and the log-once / strict reporting."""

from __future__ import annotations

import logging

import httpx
import pytest

from imuze_ext import DeviationKind, ResponseValidationError
from imuze_ext._responses import json_shape
from imuze_ext._tolerance import Tolerance, foreign_error_body, relative_media_url, shown_url


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("https://api.imuze.io/api/4/songs/1/audio.mp3", None),
        ("HTTP://API.IMUZE.IO/x.mp3", None),
        (
            "//cdn.imuze.io/1.mp3",
            "getSong answered a protocol-relative mp3_url (//cdn.imuze.io/1.mp3)",
        ),
        ("/media/1.mp3", "getSong answered a path-absolute mp3_url (/media/1.mp3)"),
        ("songs/1/audio.mp3", "getSong answered a relative mp3_url (songs/1/audio.mp3)"),
    ],
)
def test_a_media_url_deviates_unless_absolute(value: str, detail: str | None) -> None:
    deviation = relative_media_url("getSong", "mp3_url", value)
    if detail is None:
        assert deviation is None
        return
    assert deviation is not None and deviation.kind is DeviationKind.RELATIVE_MEDIA_URL
    assert str(deviation) == f"{detail}, the spec documents absolute URLs"


def test_a_shown_url_has_no_query_and_a_bounded_length() -> None:
    assert shown_url("/m/1.mp3?sig=secret#t=3") == "/m/1.mp3?…"
    assert shown_url("/m/1.mp3#t=3") == "/m/1.mp3?…"
    long = "/" + "a" * 300
    assert len(shown_url(long)) == 100 and shown_url(long).endswith("…")


@pytest.mark.parametrize(
    ("body", "shape"),
    [
        ({"error": "x"}, "a {error: string} body"),
        ({"errors": {"title": ["x"]}}, "a {errors: object} body"),
        (
            {"a": 1, "b": True, "c": None, "d": [], "e": {}},
            "a {a: integer, b: boolean, c: null, d: array, …} body",  # JSON Schema type names
        ),
        (["x"], "a JSON array body"),
        ("x", "a JSON string body"),
    ],
)
def test_a_body_shape_names_keys_and_types_never_values(body: object, shape: str) -> None:
    assert json_shape(body) == shape


def test_an_error_body_deviates_unless_it_is_the_spec_error() -> None:
    assert foreign_error_body("getSong", 404, "Error", is_spec_error=True) is None
    deviation = foreign_error_body("getSong", 404, "an HTML page", is_spec_error=False)
    assert deviation is not None and deviation.kind is DeviationKind.FOREIGN_ERROR_BODY
    assert str(deviation) == "getSong answered 404 with an HTML page, not the spec's Error"


def _response() -> httpx.Response:
    return httpx.Response(200, request=httpx.Request("GET", "http://api.test/api/4/songs/1"))


def test_a_tolerance_logs_each_kind_and_operation_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="imuze_ext")
    tolerance = Tolerance("http://api.test/api/4")
    first = relative_media_url("getSong", "mp3_url", "/m/1.mp3")
    other_field = relative_media_url("getSong", "timeline_url", "/m/1.json")
    other_operation = relative_media_url("listSongs", "mp3_url", "/m/1.mp3")
    assert first and other_field and other_operation
    for deviation in (first, other_field, first, other_operation):
        assert tolerance.report(deviation, _response()) is None
    assert [r.imuze_operation for r in caplog.records] == ["getSong", "listSongs"]  # type: ignore[attr-defined]


def test_a_strict_tolerance_returns_the_named_error_every_time() -> None:
    tolerance = Tolerance("http://api.test/api/4", strict=True)
    deviation = relative_media_url("getSong", "mp3_url", "/m/1.mp3")
    assert deviation is not None
    for _ in range(2):
        error = tolerance.report(deviation, _response(), said="the server's words")
        assert isinstance(error, ResponseValidationError) and error.deviation is deviation
        assert str(error) == (
            "GET /api/4/songs/1: getSong answered a path-absolute mp3_url (/m/1.mp3), the spec "
            "documents absolute URLs (strict mode); the server said: the server's words"
        )
