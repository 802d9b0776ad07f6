"""Every typed error shows the server's reason, whatever the body's shape, and no secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from deviant import Layers, fixed, layered, rails_error, serve
from ext_helpers import API, Recorder, error_body
from hypothesis import given, settings
from hypothesis import strategies as st

from imuze_ext import (
    APIStatusError,
    AuthenticationError,
    Imuze,
    NotFoundError,
    PermissionDeniedError,
    ResponseValidationError,
    ServerError,
    UnprocessableEntityError,
)
from imuze_ext._responses import MAX_REASON, read_error_body
from imuze_ext._tolerance import DeviationKind
from imuze_mock import DEMO, MockConfig

RAILS_404_PAGE = b"""<!DOCTYPE html>
<html>
<head>
  <title>The page you were looking for doesn't exist (404)</title>
  <meta name="viewport" content="width=device-width,initial-scale=1">
</head>
<body>
  <div class="dialog"><div><h1>The page you were looking for doesn't exist.</h1></div></div>
</body>
</html>
"""
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)

# (status, body, content type, the reason str(exc) must show, field errors)
SHAPES: list[tuple[int, bytes, str, str, dict[str, tuple[str, ...]]]] = [
    (
        404,
        json.dumps(error_body(404, "not_found", "no song 9")).encode(),
        "application/json",
        "404 not_found: no song 9",
        {},
    ),
    (
        422,
        json.dumps({**error_body(422, "invalid", "too short"), "field": "title"}).encode(),
        "application/json",
        "422 invalid: too short",
        {"title": ("too short",)},
    ),
    (
        401,
        b'{"error": "Invalid email or password"}',
        "application/json",
        "401 Unauthorized: Invalid email or password",
        {},
    ),
    (
        403,
        b'{"error": {"message": "Your account is suspended", "code": 17}}',
        "application/json",
        "403 Forbidden: Your account is suspended",
        {},
    ),
    (
        404,
        b'{"message": "Couldn\'t find Song with \'id\'=9"}',
        "application/json",
        "404 Not Found: Couldn't find Song with 'id'=9",
        {},
    ),
    (
        422,
        b'{"errors": {"title": ["is too short (minimum is 4 characters)", "is invalid"],'
        b' "desired_length": ["must be less than or equal to 600"]}}',
        "application/json",
        "422 Unprocessable Entity: title: is too short (minimum is 4 characters), is invalid; "
        "desired_length: must be less than or equal to 600",
        {
            "title": ("is too short (minimum is 4 characters)", "is invalid"),
            "desired_length": ("must be less than or equal to 600",),
        },
    ),
    (
        422,
        b'{"errors": ["Title is too short", "Tags must be a list"]}',
        "application/json",
        "422 Unprocessable Entity: Title is too short; Tags must be a list",
        {},
    ),
    (
        422,
        b'{"errors": [{"source": {"pointer": "/data/attributes/title"}, "detail": "is blank"}]}',
        "application/vnd.api+json",
        "422 Unprocessable Entity: title: is blank",
        {"title": ("is blank",)},
    ),
    (
        422,
        b'{"errors": [{"field": "title", "message": "is blank"}, "Tags must be a list"],'
        b' "message": ["Validation failed", "2 errors"]}',
        "application/json",
        "422 Unprocessable Entity: Validation failed; 2 errors: title: is blank; "
        "Tags must be a list",
        {"title": ("is blank",)},
    ),
    (
        400,
        b'{"type": "about:blank", "title": "Bad Request", "detail": "id must be an integer"}',
        "application/problem+json",
        "400 Bad Request: Bad Request: id must be an integer",
        {},
    ),
    (
        500,
        b"Internal Server Error: something broke\n  at line 3",
        "text/plain",
        "500 Internal Server Error: Internal Server Error: something broke at line 3",
        {},
    ),
    (
        404,
        RAILS_404_PAGE,
        "text/html; charset=utf-8",
        "404 Not Found: The page you were looking for doesn't exist (404)",
        {},
    ),
    (502, NGINX_502, "text/html", "502 Bad Gateway: 502 Bad Gateway", {}),
    (
        503,
        b"<html><body><h2>Down for maintenance</h2></body></html>",
        "text/html",
        "503 Service Unavailable: Down for maintenance",
        {},
    ),
    (404, b"", "text/plain", "404 Not Found (GET", {}),
    (
        418,
        b'{"unexpected": [1, 2]}',
        "application/json",
        '418 I\'m a Teapot: {"unexpected":[1,2]}',
        {},
    ),
]


@pytest.fixture(params=SHAPES, ids=lambda s: f"{s[0]}-{s[2].split(';')[0]}-{s[1][:20]!r}")
def shape(request: pytest.FixtureRequest) -> tuple[int, bytes, str, str, dict[str, Any]]:
    return request.param  # type: ignore[no-any-return]


def test_the_reason_is_shown_whatever_the_shape(
    shape: tuple[int, bytes, str, str, dict[str, tuple[str, ...]]],
) -> None:
    status, content, content_type, reason, fields = shape
    with serve(fixed(status, content, content_type)) as origin:
        with Imuze(api_key="k", base_url=f"{origin}/api/4", max_retries=0) as api:
            with pytest.raises(APIStatusError) as caught:
                api.songs.get(9)
    error = caught.value
    assert str(error).startswith(reason), str(error)
    assert str(error).endswith("(GET /api/4/songs/9)")
    assert error.status_code == status
    assert isinstance(error.response, httpx.Response)
    assert error.response.status_code == status and error.response.content == content
    assert dict(error.field_errors) == fields
    if content_type.startswith(("application/json", "application/problem", "application/vnd")):
        assert error.body == json.loads(content)
    else:
        assert error.body == content.decode()


def test_a_long_reason_is_cut_to_a_readable_line() -> None:
    message = "word " * 500
    rec = Recorder(lambda r: httpx.Response(400, json={"error": message}))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(APIStatusError) as caught:
            api.songs.get(1)
    text = str(caught.value)
    assert "\n" not in text
    assert len(text) < MAX_REASON + 60
    assert "word word…" in text
    assert caught.value.body == {"error": message}


@pytest.mark.parametrize(
    "echo",
    [
        lambda pw: {"error": f"Invalid password '{pw}' for demo@imuze.io"},
        lambda pw: {"errors": {"password": [f"{pw} is not the password"]}},
        lambda pw: {"params": {"token": {"email": "demo@imuze.io", "password": pw}}},
    ],
    ids=["error", "errors", "params"],
)
def test_a_body_echoing_the_password_does_not_leak_it(echo: Any) -> None:
    password = "hunter2-correct-horse"
    rec = Recorder(lambda r: httpx.Response(401, json=echo(password)))
    with Imuze(
        email="demo@imuze.io", password=password, base_url=API, transport=rec.transport()
    ) as api:
        with pytest.raises(AuthenticationError) as caught:
            api.songs.list()
    error = caught.value
    assert password not in str(error) and password not in repr(error)
    assert "[redacted]" in str(error)
    assert all(password not in m for msgs in error.field_errors.values() for m in msgs)


def test_a_body_echoing_the_key_does_not_leak_it_even_where_it_is_cut() -> None:
    key = "imuze-key-" + "k" * 40
    filler = "x" * (MAX_REASON - 30)
    rec = Recorder(lambda r: httpx.Response(403, text=f"{filler} bad key {key}"))
    with Imuze(api_key=key, base_url=API, transport=rec.transport()) as api:
        with pytest.raises(PermissionDeniedError) as caught:
            api.songs.list()
    assert "imuze-key-" not in str(caught.value)
    assert "kkkk" not in str(caught.value)


def test_a_download_error_shows_its_reason_and_carries_the_response(tmp_path: Any) -> None:
    from imuze_client.models import Song

    song = Song.from_dict(
        {
            "id": 1,
            "title": "Night Drive",
            "status": "ready",
            "mp3_url": f"{API}/songs/1/audio.mp3",
            "arrangement_name": "x",
            "timeline_url": f"{API}/songs/1/timeline.json",
        }
    )
    rec = Recorder(lambda r: httpx.Response(404, json={"error": "No audio for song 1"}))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(NotFoundError, match="No audio for song 1") as caught:
            api.songs.download(song, tmp_path / "x.mp3")
    assert caught.value.response.request.url.path == "/api/4/songs/1/audio.mp3"


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["error", "errors", "message", "detail", "title", "field", "x"])
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(body=JSON, status=st.sampled_from([400, 401, 404, 422, 500, 503]))
def test_any_json_error_body_is_read_without_a_stray_exception(body: Any, status: int) -> None:
    request = httpx.Request("GET", f"{API}/songs/1", headers={"Authorization": "sek"})
    response = httpx.Response(status, content=json.dumps(body).encode(), request=request)
    read = read_error_body(response)
    assert read.body == body
    assert read.reason is None or (0 < len(read.reason) <= MAX_REASON and "\n" not in read.reason)
    assert all(isinstance(m, str) for msgs in read.field_errors.values() for m in msgs)


@given(content=st.binary(max_size=200), ctype=st.sampled_from(["text/html", "text/plain", ""]))
def test_any_bytes_are_read_without_a_stray_exception(content: bytes, ctype: str) -> None:
    request = httpx.Request("GET", f"{API}/songs/1")
    response = httpx.Response(
        500, content=content, headers={"Content-Type": ctype}, request=request
    )
    read = read_error_body(response)
    assert read.reason is None or len(read.reason) <= MAX_REASON


RAILS_ERRORS = Layers(errors=rails_error)


@pytest.fixture
def rails_errors_api() -> Iterator[str]:
    with serve(layered(MockConfig(render_delay=0.05), RAILS_ERRORS)) as origin:
        yield f"{origin}/api/4"


def test_rails_error_bodies_from_a_real_server(
    rails_errors_api: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="imuze_ext")
    with Imuze(email=DEMO.email, password="not-the-password", base_url=rails_errors_api) as api:
        with pytest.raises(AuthenticationError) as login:
            api.songs.list()
    assert "401 Unauthorized: " in str(login.value) and "not-the-password" not in str(login.value)
    assert str(login.value) != "401 Unauthorized (POST /api/4/tokens)"
    with Imuze(api_key=DEMO.api_key, base_url=rails_errors_api) as api:
        for _ in range(2):
            with pytest.raises(UnprocessableEntityError) as invalid:
                api.songs.create(title="abc", desired_length=1)
        with pytest.raises(NotFoundError) as missing:
            api.songs.get(987654)
    assert list(invalid.value.field_errors) == ["title"]
    assert str(invalid.value).startswith("422 Unprocessable Entity: title: ")
    assert invalid.value.body == {"errors": {"title": list(invalid.value.field_errors["title"])}}
    assert "987654" in str(missing.value)
    logged = [r.getMessage() for r in caplog.records if r.name == "imuze_ext"]
    assert [m.split(": ", 1)[1].split(" (", 1)[0] for m in logged] == [
        "createToken answered 401 with a {error: string} body, not the spec's Error",
        "createSong answered 422 with a {errors: object} body, not the spec's Error",
        "getSong answered 404 with a {error: string} body, not the spec's Error",
    ]


def test_strict_mode_names_a_foreign_error_body(rails_errors_api: str) -> None:
    with Imuze(api_key=DEMO.api_key, base_url=rails_errors_api, strict=True) as api:
        with pytest.raises(ResponseValidationError) as caught:
            api.songs.create(title="abc", desired_length=1)
    error = caught.value
    assert error.deviation is not None
    assert error.deviation.kind is DeviationKind.FOREIGN_ERROR_BODY
    assert str(error).startswith(
        "POST /api/4/songs: createSong answered 422 with a {errors: object} body, "
        "not the spec's Error (strict mode); the server said: 422 Unprocessable Entity: title: "
    )
    assert isinstance(error.__cause__, UnprocessableEntityError)


def test_strict_mode_accepts_spec_errors_as_they_are() -> None:
    rec = Recorder(lambda r: httpx.Response(503, json=error_body(503, "maintenance", "back soon")))
    with Imuze(api_key="k", base_url=API, transport=rec.transport(), strict=True) as api:
        with pytest.raises(ServerError, match="503 maintenance: back soon"):
            api.songs.list()
