"""The rails dialect: the spec-exact mock, answering as a Rails deployment would.

Each deviation is asserted here exactly, and so is what must not change: state, scope, auth
and the audio bytes stay the real mock's.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from imuze_cli.mock import main
from imuze_mock import DEMO, OTHER, MockConfig, create_app, running

RAILS = MockConfig(render_delay=0.0, strict=True, dialect="rails")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def login(client: httpx.AsyncClient, email: str = DEMO.email) -> dict[str, str]:
    password = DEMO.password if email == DEMO.email else OTHER.password
    answer = await client.post("/tokens", json={"token": {"email": email, "password": password}})
    assert answer.status_code == 200, answer.text
    return {"Authorization": answer.json()["response"]}


async def ready(client: httpx.AsyncClient, auth: dict[str, str], song_id: int) -> dict[str, Any]:
    for _ in range(1000):
        song: dict[str, Any] = (await client.get(f"/songs/{song_id}", headers=auth)).json()
        if song["status"] == "ready":
            return song
    raise AssertionError(f"song {song_id} never became ready")


def create_body(title: str = "Morning Over The Bay") -> dict[str, Any]:
    return {"title": title, "arrangement_id": 1, "tags": [], "desired_length": 2}


@pytest.fixture(params=["in-process", "socket"])
async def rails(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """The rails dialect, in process and over real sockets."""
    if request.param == "in-process":
        transport = httpx.ASGITransport(app=create_app(RAILS))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as c:
            yield c
    else:
        with running(RAILS) as server:
            async with httpx.AsyncClient(base_url=server.base_url) as c:
                yield c


async def test_creates_and_login_answer_200_with_the_spec_body(
    rails: httpx.AsyncClient,
) -> None:
    auth = await login(rails)
    created = await rails.post("/songs", json=create_body(), headers=auth)
    assert created.status_code == 200
    assert created.headers["content-type"] == "application/json; charset=utf-8"
    assert {"id", "title", "musical_mode", "mp3", "timeline_url", "status_channel"} <= set(
        created.json()
    )


async def test_media_urls_are_protocol_or_path_relative_and_serve_the_real_audio(
    rails: httpx.AsyncClient,
) -> None:
    auth = await login(rails)
    origin = f"{rails.base_url.scheme}://{rails.base_url.netloc.decode()}"
    authority = "//" + rails.base_url.netloc.decode()
    first = (await rails.post("/songs", json=create_body(), headers=auth)).json()
    second = (await rails.post("/songs", json=create_body("Night Drive"), headers=auth)).json()
    assert (first["id"], second["id"]) == (1, 2)
    # Odd ids: the mp3 protocol-relative, the timeline path-absolute; even ids the reverse.
    assert first["mp3"] == f"{authority}/media/1.mp3"
    assert first["timeline_url"] == "/media/1.json"
    assert second["mp3"] == "/media/2.mp3"
    assert second["timeline_url"] == f"{authority}/media/2.json"
    song = await ready(rails, auth, 1)
    assert song["mp3_url"] == f"{authority}/media/1.mp3"
    listed = (await rails.get("/songs", headers=auth)).json()["response"]
    assert next(s["mp3_url"] for s in listed if s["status"] == "ready") == song["mp3_url"]

    audio = await rails.get(f"{origin}/media/1.mp3", headers=auth)
    spec_audio = await rails.get("/songs/1/audio.mp3", headers=auth)
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/mpeg"
    assert audio.content == spec_audio.content and len(audio.content) > 1000
    timeline = await rails.get(f"{origin}/media/1.json", headers=auth)
    assert timeline.json()["title"] == "Morning Over The Bay"
    # The media still need the owner's credentials.
    assert (await rails.get(f"{origin}/media/1.mp3")).status_code == 401
    other = await login(rails, OTHER.email)
    assert (await rails.get(f"{origin}/media/1.mp3", headers=other)).status_code == 404


async def test_error_bodies_are_rails_style(rails: httpx.AsyncClient) -> None:
    wrong = await rails.post("/tokens", json={"token": {"email": DEMO.email, "password": "x"}})
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "wrong email or password"}
    auth = await login(rails)
    invalid = await rails.post("/songs", json=create_body("ab"), headers=auth)
    assert invalid.status_code == 422
    assert invalid.json() == {"errors": {"title": ["must be at least 4 characters long"]}}
    garbled = await rails.post(
        "/songs", content=b"{not json", headers={**auth, "Content-Type": "application/json"}
    )
    assert garbled.status_code == 400
    assert set(garbled.json()) == {"error"}
    missing = await rails.get("/songs/77", headers=auth)
    assert missing.status_code == 404
    assert set(missing.json()) == {"error"}


async def test_a_non_integer_id_is_404_after_authentication(rails: httpx.AsyncClient) -> None:
    assert (await rails.get("/songs/abc")).status_code == 401
    auth = await login(rails)
    song = await rails.get("/songs/abc", headers=auth)
    assert song.status_code == 404
    assert song.json() == {"error": "Couldn't find Song with 'id'=abc"}
    arrangement = await rails.get("/arrangements/-1", headers=auth)
    assert arrangement.json() == {"error": "Couldn't find Arrangement with 'id'=-1"}


async def test_objects_carry_extra_fields(rails: httpx.AsyncClient) -> None:
    auth = await login(rails)
    arrangements = (await rails.get("/arrangements", headers=auth)).json()
    assert set(arrangements) == {"count", "response"}  # lists keep their shape
    first = arrangements["response"][0]
    assert TIMESTAMP.match(first["created_at"]) and TIMESTAMP.match(first["updated_at"])
    detail = (await rails.get(f"/arrangements/{first['id']}", headers=auth)).json()
    assert {"created_at", "updated_at", "genre_list"} <= set(detail)


async def test_the_default_dialect_stays_spec_exact() -> None:
    transport = httpx.ASGITransport(app=create_app(MockConfig(render_delay=0.0, strict=True)))
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as c:
        token = await c.post(
            "/tokens", json={"token": {"email": DEMO.email, "password": DEMO.password}}
        )
        assert token.status_code == 201
        auth = {"Authorization": token.json()["response"]}
        created = (await c.post("/songs", json=create_body(), headers=auth)).json()
        assert created["mp3"].startswith("http://mock.test/api/4/songs/")
        assert "created_at" not in created
        assert (await c.get("/songs/abc", headers=auth)).status_code == 400


def test_an_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="dialect must be one of spec, rails"):
        MockConfig(dialect="django")


def test_the_cli_serves_the_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--port", "0", "--dialect", "rails", "--", "true"])
    assert code == 0
    assert "dialect        rails" in capsys.readouterr().err


def test_the_cli_refuses_an_unknown_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--dialect", "django"])
    assert exited.value.code == 2
    assert "invalid choice: 'django'" in capsys.readouterr().err
