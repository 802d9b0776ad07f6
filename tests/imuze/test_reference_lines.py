"""The reference's six Python lines, as written, against the mock, each with its precise type."""

from __future__ import annotations

from typing import assert_type

import pytest
from imuze_client.models import ArrangementList, SongCreated, SongList, TokenResponse

import imuze
from imuze_mock import MockServer


def test_the_references_lines_run_as_written(
    imuze_mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = imuze_mock_server
    KEY = server.demo.api_key
    monkeypatch.setenv("IMUZE_BASE_URL", server.base_url)
    monkeypatch.setenv("IMUZE_EMAIL", server.demo.email)
    monkeypatch.setenv("IMUZE_PASSWORD", server.demo.password)

    api = imuze.authorize(KEY)
    arrangements = api.arrangements.get()
    created = api.songs.post(title="Morning Over The Bay", desired_length=30)
    songs = api.songs.get()
    token = api.authentication.post()

    assert_type(api, imuze.Imuze)
    assert_type(arrangements, ArrangementList)
    assert_type(created, SongCreated)
    assert_type(songs, SongList)
    assert_type(token, TokenResponse)
    assert arrangements.count == len(arrangements.response) > 0
    assert created.id in {song.id for song in songs.response}
    assert len(token.response) >= 16  # a new token: it authorizes a call of its own
    with imuze.Imuze(api_key=token.response) as as_the_token:
        assert as_the_token.songs.get(created.id).id == created.id
    api.close()


async def test_the_async_twin_posts_for_a_token_with_its_own_login(
    imuze_mock_server: MockServer,
) -> None:
    server = imuze_mock_server
    async with imuze.AsyncImuze(
        email=server.demo.email, password=server.demo.password, base_url=server.base_url
    ) as api:
        token = await api.authentication.post()
        assert_type(token, TokenResponse)
        other = await api.authentication.post(
            email=server.other.email, password=server.other.password
        )
    assert token.response != other.response


def test_a_token_needs_an_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMUZE_EMAIL", raising=False)
    monkeypatch.delenv("IMUZE_PASSWORD", raising=False)
    with imuze.authorize("KEY", base_url="http://127.0.0.1:9/api/4") as api:
        with pytest.raises(imuze.MissingCredentialsError, match="no account to log in with"):
            api.authentication.post()
