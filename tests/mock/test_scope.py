"""Songs belong to their creator: others get 404 and never see them listed."""

from __future__ import annotations

from imuze_mock import DEMO, OTHER, Account, MockConfig


async def test_another_users_song_is_not_found_and_not_listed(api):
    demo, other = await api.login(DEMO), await api.login(OTHER)
    song = await api.song_ready(demo)

    for path in (f"/songs/{song['id']}", f"/songs/{song['id']}/audio.mp3"):
        response = await api.client.get(path, headers=other)
        assert response.status_code == 404
        assert response.json()["field"] == "id"
    unknown = await api.client.get("/songs/999999", headers=other)
    assert unknown.json()["message"] == "no song 999999"
    leaked = await api.client.get(f"/songs/{song['id']}", headers=other)
    assert leaked.json()["message"] == f"no song {song['id']}"  # same as an unknown id

    assert (await api.client.get("/songs", headers=other)).json() == {"count": 0, "response": []}
    assert (await api.client.get("/songs", headers=demo)).json()["count"] == 1


async def test_media_needs_the_owners_authorization(api):
    demo = await api.login(DEMO)
    song = await api.song_ready(demo)
    assert (await api.client.get(song["mp3_url"])).status_code == 401
    assert (
        await api.client.get(song["timeline_url"], headers={"Authorization": "x"})
    ).status_code == 401
    assert (await api.client.get(song["mp3_url"], headers=demo)).status_code == 200


async def test_a_token_and_the_developer_key_share_the_scope(api):
    token = await api.login(DEMO)
    song = await api.song_ready(token)
    by_key = await api.client.get(f"/songs/{song['id']}", headers={"Authorization": DEMO.api_key})
    assert by_key.status_code == 200


async def test_suspended_account_is_forbidden(make_api):
    suspended = Account("banned@imuze.io", "secret-pass", None, suspended=True)
    async with make_api(MockConfig(accounts=(DEMO, suspended), strict=True)) as api:
        auth = await api.login(suspended)
        for path in ("/arrangements", "/songs", "/arrangements/1", "/songs/1"):
            response = await api.client.get(path, headers=auth)
            assert response.status_code == 403, path
            assert response.json()["error"] == "forbidden"
