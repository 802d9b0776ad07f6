"""Every malformed or unexpected answer becomes a typed exception; odd but valid values parse."""

from __future__ import annotations

import httpx
import pytest
from ext_helpers import API, Recorder, created_json, error_body, song_json
from imuze_client.models import MusicalMode, Song, SongStatus

from imuze_ext import (
    APIStatusError,
    AsyncImuze,
    AuthenticationError,
    BadRequestError,
    GoneError,
    Imuze,
    ImuzeError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    UnprocessableEntityError,
)


def _get_song(answer: httpx.Response) -> Song:
    rec = Recorder(lambda r: answer)
    with Imuze(api_key="k", base_url=API, transport=rec.transport(), max_retries=0) as api:
        return api.songs.get(1)


def _missing(key: str) -> dict[str, object]:
    body = song_json()
    del body[key]
    return body


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, content=b"{not json"),
        httpx.Response(200, content=b"\xff\xfe\x00garbage"),
        httpx.Response(200, text=""),
        httpx.Response(200, json=[1, 2, 3]),
        httpx.Response(200, json=None),
        httpx.Response(200, json=_missing("title")),
        httpx.Response(200, json=_missing("mp3_url")),
        httpx.Response(200, json=song_json(id="1")),
        httpx.Response(200, json=song_json(id=-4)),
        httpx.Response(200, json=song_json(status=7)),
        httpx.Response(200, json=song_json(mp3_url=42)),
        httpx.Response(200, json=song_json(title=None)),
        httpx.Response(204),  # a 2xx is a success only with the right body (test_ext_status)
        httpx.Response(299, json=[]),  # no such HTTPStatus: the generated code chokes
    ],
    ids=lambda r: f"{r.status_code}-{r.content[:24]!r}",
)
def test_malformed_or_incomplete_bodies_raise_response_validation_error(
    answer: httpx.Response,
) -> None:
    with pytest.raises(ResponseValidationError) as caught:
        _get_song(answer)
    assert "GET /api/4/songs/1" in str(caught.value)


def test_unseen_status_and_musical_mode_parse_fine() -> None:
    song = _get_song(httpx.Response(200, json=song_json(status="mastering", mp3_url=None)))
    assert song.status == "mastering"
    assert not isinstance(song.status, SongStatus)
    rec = Recorder(lambda r: httpx.Response(201, json=created_json(musical_mode="Hypodorian")))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        created = api.songs.create(title="Night Drive", desired_length=10)
    assert created.musical_mode == "Hypodorian"
    rec = Recorder(lambda r: httpx.Response(201, json=created_json(musical_mode="Mixolydia")))
    with Imuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        assert (
            api.songs.create(title="Night Drive", desired_length=1).musical_mode
            == MusicalMode.MIXOLYDIA
        )


def test_extra_fields_are_kept() -> None:
    song = _get_song(httpx.Response(200, json=song_json(bpm=92)))
    assert song.additional_properties == {"bpm": 92}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, BadRequestError),
        (406, BadRequestError),
        (410, GoneError),
        (415, BadRequestError),
        (418, APIStatusError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (599, ServerError),
    ],
)
def test_error_statuses_map_to_typed_errors(status: int, expected: type[APIStatusError]) -> None:
    body = error_body(status, "some_reason", "a readable message")
    with pytest.raises(expected) as caught:
        _get_song(httpx.Response(status, json=body))
    error = caught.value
    assert type(error) is expected
    assert error.status_code == status
    assert error.body == body
    assert error.error is not None and error.error.message == "a readable message"
    assert error.request.url == httpx.URL(f"{API}/songs/1")
    assert "a readable message" in str(error)


def test_a_redirect_without_location_is_a_status_error() -> None:
    with pytest.raises(APIStatusError) as caught:
        _get_song(httpx.Response(302, text="moved"))
    assert caught.value.status_code == 302
    assert caught.value.body == "moved"


@pytest.mark.parametrize("content", [b"<html>Bad Gateway</html>", b"", b'{"code": "x"}'])
def test_error_statuses_with_bodies_that_are_not_errors_stay_typed(content: bytes) -> None:
    with pytest.raises(ServerError) as caught:
        _get_song(httpx.Response(500, content=content))
    assert caught.value.error is None
    assert caught.value.status_code == 500


def test_rate_limit_error_carries_retry_after() -> None:
    answer = httpx.Response(429, json=error_body(429), headers={"Retry-After": "300"})
    with pytest.raises(RateLimitError) as caught:
        _get_song(answer)
    assert caught.value.retry_after == 300.0


def test_only_a_rate_limit_error_reads_retry_after() -> None:
    answer = httpx.Response(503, json=error_body(503), headers={"Retry-After": "300"})
    with pytest.raises(ServerError) as caught:
        _get_song(answer)
    assert caught.value.retry_after is None


def test_the_hierarchy_is_catchable_as_imuze_error() -> None:
    for answer in (httpx.Response(200, content=b"nope"), httpx.Response(404, json=error_body(404))):
        with pytest.raises(ImuzeError):
            _get_song(answer)


async def test_async_validates_too() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json=_missing("status")))
    async with AsyncImuze(api_key="k", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(ResponseValidationError):
            await api.songs.get(1)


def test_a_malformed_token_answer_does_not_echo_the_token() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json={"response": ["tok-SECRET-value"]})

    rec = Recorder(handle)
    with Imuze(email="a@b.c", password="pw", base_url=API, transport=rec.transport()) as api:
        with pytest.raises(ResponseValidationError) as caught:
            api.songs.list()
    assert "tok-SECRET-value" not in str(caught.value)


def test_json_type_names_subclasses_by_their_json_type() -> None:
    """A StrEnum member, an IntEnum member, a float of a round-trip YAML loader and a
    mapping subclass are named as their JSON type, not as an array."""
    import enum
    from collections import OrderedDict

    from ruamel.yaml import YAML

    from imuze_ext._responses import json_type

    class Colour(enum.StrEnum):
        RED = "red"

    class Size(enum.IntEnum):
        BIG = 2

    loaded = YAML().load("f: 1.5\ns: 'x'\nl: [1]\nm: {a: 1}\n")
    assert [json_type(v) for v in (Colour.RED, Size.BIG, True, None)] == [
        "string",
        "integer",
        "boolean",
        "null",
    ]
    assert [json_type(loaded[k]) for k in "fslm"] == ["number", "string", "array", "object"]
    assert json_type(OrderedDict()) == "object"
