"""The documented workflow end to end, in-process and over real sockets."""

from __future__ import annotations

import io

import mutagen.mp3

from imuze_mock import DEMO, MockConfig
from imuze_mock.music import MODES


async def test_documented_workflow(any_api):
    auth = await any_api.login(DEMO)

    listed = (await any_api.client.get("/arrangements", headers=auth)).json()
    assert listed["count"] == len(listed["response"]) >= 12
    first = listed["response"][0]["id"]
    shown = (await any_api.client.get(f"/arrangements/{first}", headers=auth)).json()
    assert shown["id"] == first and shown["genre_list"] and shown["description"]

    created = await any_api.create(auth, "Night Drive", first, ["electro"], 4)
    assert created.status_code == 201
    song = created.json()
    assert song["title"] == "Night Drive"
    assert song["arrangement_id"] == first
    assert song["musical_mode"] in MODES
    assert song["status_channel"] == f"songs/{song['id']}/status"
    base = str(any_api.client.base_url).rstrip("/")
    assert song["mp3"] == f"{base}/songs/{song['id']}/audio.mp3"
    assert song["timeline_url"] == f"{base}/songs/{song['id']}/timeline.json"

    ready = await any_api.wait_ready(auth, song["id"])
    assert ready["mp3_url"] == song["mp3"]
    assert ready["timeline_url"] == song["timeline_url"]

    download = await any_api.client.get(ready["mp3_url"], headers=auth)
    assert download.status_code == 200
    assert download.headers["content-type"] == "audio/mpeg"
    assert int(download.headers["content-length"]) == len(download.content)
    assert abs(mutagen.mp3.MP3(io.BytesIO(download.content)).info.length - 4) <= 0.5


async def test_a_new_song_is_processing_then_ready_in_list(api):
    auth = await api.login()
    song_id = (await api.create(auth)).json()["id"]
    await api.wait_ready(auth, song_id)
    listed = (await api.client.get("/songs", headers=auth)).json()
    assert listed["count"] == 1
    (entry,) = listed["response"]
    assert entry["id"] == song_id and entry["status"] == "ready"
    assert entry["arrangement_name"] == "Chamber Strings"
    assert entry["mp3_url"].endswith(f"/songs/{song_id}/audio.mp3")


async def test_render_delay_keeps_a_song_processing(make_api):
    async with make_api(MockConfig(render_delay=600, strict=True)) as api:
        auth = await api.login()
        song_id = (await api.create(auth)).json()["id"]
        song = (await api.client.get(f"/songs/{song_id}", headers=auth)).json()
        assert song["status"] == "processing" and song["mp3_url"] is None
        for name in ("audio.mp3", "timeline.json"):
            media = await api.client.get(f"/songs/{song_id}/{name}", headers=auth)
            assert media.status_code == 404
            assert media.json()["message"] == f"song {song_id} is not ready yet"


async def test_null_arrangement_lets_tags_choose(api):
    auth = await api.login()
    jazz = (await api.create(auth, arrangement_id=None, tags=["jazz", "piano"])).json()
    assert jazz["arrangement_id"] == 4  # Smoky Jazz Trio matches both tags
    song = await api.wait_ready(auth, jazz["id"])
    assert song["arrangement_name"] == "Smoky Jazz Trio"


async def test_unmatched_tags_still_choose_by_title(api):
    auth = await api.login()
    first = (await api.create(auth, "Some Title", None, ["no such genre"])).json()
    again = (await api.create(auth, "Some Title", None, ["no such genre"])).json()
    assert first["arrangement_id"] is not None
    assert first["arrangement_id"] == again["arrangement_id"]


async def test_developer_key_authorizes(api):
    response = await api.client.get("/songs", headers={"Authorization": DEMO.api_key})
    assert response.status_code == 200
    assert response.json() == {"count": 0, "response": []}


async def test_zero_length_song_is_a_valid_tiny_mp3(api):
    auth = await api.login()
    song = await api.song_ready(auth, length=0)
    mp3 = (await api.client.get(song["mp3_url"], headers=auth)).content
    assert mp3[:2] == b"\xff\xf3"  # an MPEG-2 layer III frame header
    assert mutagen.mp3.MP3(io.BytesIO(mp3)).info.length < 0.5
