"""The documented error table: every malformed request gets its 4xx and an Error body."""

from __future__ import annotations

import asyncio

import pytest

from imuze_mock import DEMO, MockConfig

VALID = {"title": "Good Title", "arrangement_id": 1, "tags": [], "desired_length": 2}


def assert_error(response, status, field=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "error", "message", "field"}
    assert body["code"] == status
    assert body["message"]
    assert body["field"] == field
    return body


@pytest.mark.parametrize(
    "path",
    ["/arrangements/abc", "/arrangements/-1", "/songs/1.5", "/songs/%E2%91%A0", "/songs/0x1"],
)
async def test_400_for_a_path_id_that_is_not_an_integer(api, path):
    body = assert_error(
        await api.client.get(path, headers={"Authorization": DEMO.api_key}), 400, "id"
    )
    assert body["message"] == "id: must be an integer >= 0"


@pytest.mark.parametrize("path", ["/songs/" + "9" * 25, "/songs/" + "9" * 5000, "/arrangements/0"])
async def test_404_for_ids_beyond_anything_stored(api, path):
    assert_error(await api.client.get(path, headers={"Authorization": DEMO.api_key}), 404, "id")


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "invalid JSON"),
        (b"{", "invalid JSON"),
        (b'{"title": NaN}', "NaN is not a JSON number"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"title": "a", "title": "b"}', "duplicate key"),
        (b"[" * 50_000, "nested deeper than 32 levels"),
    ],
)
async def test_400_for_a_body_that_cannot_be_parsed(api, raw, why):
    headers = {"Authorization": DEMO.api_key, "Content-Type": "application/json"}
    body = assert_error(
        await api.client.post("/songs", content=raw, headers=headers), 400, body_field(raw)
    )
    assert why in body["message"]


def body_field(raw):
    return "title" if b'"title": "a", "title"' in raw else None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({**VALID, "title": "abc"}, "title", "title: must be at least 4 characters long"),
        ({**VALID, "title": "Caf\u00e9 Latte"}, "title", "title: must match ^[a-zA-Z ]*$"),
        ({**VALID, "desired_length": 601}, "desired_length", "desired_length: must be <= 600"),
        ({**VALID, "desired_length": -1}, "desired_length", "desired_length: must be >= 0"),
        ({**VALID, "desired_length": 10**500}, "desired_length", "desired_length: must be <= 600"),
        (
            {**VALID, "desired_length": 2.5},
            "desired_length",
            "desired_length: must be of type integer",
        ),
        ({**VALID, "arrangement_id": "1"}, "arrangement_id", None),
        ({**VALID, "tags": "rock"}, "tags", "tags: must be of type array"),
        ({**VALID, "tags": [1]}, "tags.0", "tags.0: must be of type string"),
        ({k: v for k, v in VALID.items() if k != "tags"}, "tags", "tags: is required"),
        ([], None, "body: must be of type object"),
        ("text", None, "body: must be of type object"),
    ],
)
async def test_422_names_the_offending_field(api, body, field, message):
    response = await api.client.post("/songs", json=body, headers={"Authorization": DEMO.api_key})
    error = assert_error(response, 422, field)
    assert error["error"] == "invalid_body"
    if message:
        assert error["message"] == message
    assert (await api.client.get("/songs", headers={"Authorization": DEMO.api_key})).json()[
        "count"
    ] == 0


async def test_422_for_a_null_body(api):
    headers = {"Authorization": DEMO.api_key, "Content-Type": "application/json"}
    response = await api.client.post("/songs", content=b"null", headers=headers)
    assert assert_error(response, 422)["message"] == "body: must be of type object"


async def test_422_for_token_request_fields(api):
    response = await api.client.post("/tokens", json={"token": {"email": "demo@imuze.io"}})
    assert_error(response, 422, "token.password")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_415_for_a_body_that_is_not_json(api, content_type):
    headers = {"Authorization": DEMO.api_key}
    if content_type:
        headers["Content-Type"] = content_type
    response = await api.client.post("/songs", content=b'{"title": "x"}', headers=headers)
    assert_error(response, 415)


async def test_json_with_parameters_and_suffix_types_is_accepted(api):
    for content_type in ("application/json; charset=utf-8", "application/merge+json"):
        response = await api.client.post(
            "/tokens",
            content=b'{"token": {"email": "demo@imuze.io", "password": "imuze-demo"}}',
            headers={"Content-Type": content_type},
        )
        assert response.status_code == 201


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "nope"},
        {"Authorization": "Bearer imuze-demo-key"},
    ],
)
async def test_401_for_missing_or_bad_credentials(api, headers):
    assert_error(await api.client.get("/songs", headers=headers), 401)


async def test_401_for_wrong_password_and_unknown_email(api):
    for email, password in (("demo@imuze.io", "hunter-two"), ("nobody@imuze.io", "imuze-demo")):
        body = {"token": {"email": email, "password": password}}
        error = assert_error(await api.client.post("/tokens", json=body), 401)
        assert password not in error["message"]


async def test_401_for_an_expired_token(make_api):
    async with make_api(MockConfig(token_ttl=0.05, strict=True)) as api:
        auth = await api.login()
        await asyncio.sleep(0.1)
        assert_error(await api.client.get("/songs", headers=auth), 401)


async def test_404_for_unknown_ids_and_routes(api):
    auth = {"Authorization": DEMO.api_key}
    assert_error(await api.client.get("/arrangements/999", headers=auth), 404, "id")
    assert_error(await api.client.get("/songs/42", headers=auth), 404, "id")
    assert_error(await api.client.get("/nowhere", headers=auth), 404)
    assert_error(await api.client.get("/songs/", headers=auth), 404)
    response = await api.client.post("/songs", json={**VALID, "arrangement_id": 999}, headers=auth)
    error = assert_error(response, 404, "arrangement_id")
    assert error["message"] == "arrangement_id: no arrangement 999"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/songs/1", {"GET", "HEAD"}),
        ("PUT", "/songs", {"GET", "HEAD", "POST"}),
        ("GET", "/tokens", {"POST"}),
        ("PATCH", "/arrangements", {"GET", "HEAD"}),
        ("POST", "/songs/1/audio.mp3", {"GET", "HEAD"}),
    ],
)
async def test_405_lists_the_allowed_methods(api, method, path, allowed):
    response = await api.client.request(method, path, headers={"Authorization": DEMO.api_key})
    assert_error(response, 405)
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


@pytest.mark.parametrize(
    "accept", ["text/html", "application/xml", "application/json;q=0", "audio/*"]
)
async def test_406_when_accept_excludes_json(api, accept):
    response = await api.client.get(
        "/arrangements", headers={"Authorization": DEMO.api_key, "Accept": accept}
    )
    assert_error(response, 406)


@pytest.mark.parametrize(
    "accept", ["*/*", "application/*", "text/html, application/json;q=0.5", "APPLICATION/JSON"]
)
async def test_accept_headers_that_admit_json(api, accept):
    response = await api.client.get(
        "/arrangements", headers={"Authorization": DEMO.api_key, "Accept": accept}
    )
    assert response.status_code == 200


async def test_media_judges_accept_by_its_own_type(api):
    auth = await api.login()
    song = await api.song_ready(auth)
    for accept, status in (("audio/mpeg", 200), ("audio/*", 200), ("application/json", 406)):
        response = await api.client.get(song["mp3_url"], headers={**auth, "Accept": accept})
        assert response.status_code == status
    timeline = await api.client.get(song["timeline_url"], headers={**auth, "Accept": "audio/mpeg"})
    assert_error(timeline, 406)


async def test_429_over_the_rate_limit_with_retry_after(make_api):
    async with make_api(MockConfig(rate_limit=0.01, strict=True)) as api:
        auth = {"Authorization": DEMO.api_key}
        assert (await api.client.get("/arrangements", headers=auth)).status_code == 200
        response = await api.client.get("/arrangements", headers=auth)
        assert_error(response, 429)
        assert int(response.headers["retry-after"]) >= 1
        # Limits are per token: the other account is not slowed down by the demo's traffic.
        other = await api.client.get("/arrangements", headers={"Authorization": "imuze-other-key"})
        assert other.status_code == 200


async def test_rate_limit_is_off_by_default(api):
    auth = {"Authorization": DEMO.api_key}
    statuses = {
        (await api.client.get("/arrangements", headers=auth)).status_code for _ in range(50)
    }
    assert statuses == {200}


async def test_503_in_maintenance_with_retry_after(make_api):
    async with make_api(MockConfig(maintenance=True, strict=True)) as api:
        for response in (
            await api.client.get("/arrangements", headers={"Authorization": DEMO.api_key}),
            await api.client.post("/tokens", json={"token": {"email": "a", "password": "b"}}),
        ):
            assert_error(response, 503)
            assert int(response.headers["retry-after"]) > 0


async def test_get_ignores_a_body(api):
    response = await api.client.request(
        "GET", "/arrangements", content=b"{not json", headers={"Authorization": DEMO.api_key}
    )
    assert response.status_code == 200


async def test_head_is_answered_like_get(api):
    response = await api.client.head("/arrangements", headers={"Authorization": DEMO.api_key})
    assert response.status_code == 200
