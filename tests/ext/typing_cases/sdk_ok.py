"""The SDK conveniences, used correctly: must pass mypy --strict and pyright, with the
precise types asserted."""

from __future__ import annotations

from typing import assert_type

import httpx
from imuze_client.models import Arrangement, ArrangementList, Song, SongCreated, SongList

from imuze_ext import AsyncImuze, Imuze, RawResponse, __version__


def raw(api: Imuze) -> int:
    song = api.with_raw_response.songs.get(1)
    assert_type(song, RawResponse[Song])
    assert_type(song.parse(), Song)
    assert_type(song.status_code, int)
    assert_type(song.headers, httpx.Headers)
    assert_type(song.http_response, httpx.Response)
    assert_type(api.with_raw_response.songs.get(), RawResponse[SongList])
    assert_type(api.with_raw_response.songs.list(), RawResponse[SongList])
    created = api.with_raw_response.songs.create(title="Blue Hour", desired_length=10)
    assert_type(created, RawResponse[SongCreated])
    assert_type(api.with_raw_response.arrangements.get(1), RawResponse[Arrangement])
    assert_type(api.with_raw_response.arrangements.get(), RawResponse[ArrangementList])
    assert_type(api.with_raw_response.arrangements.list(), RawResponse[ArrangementList])
    assert_type(api.songs.with_raw_response.get(1), RawResponse[Song])
    return song.parse().id


async def araw(api: AsyncImuze) -> str:
    song = await api.with_raw_response.songs.get(1)
    assert_type(song, RawResponse[Song])
    assert_type(await api.with_raw_response.songs.list(), RawResponse[SongList])
    created = await api.with_raw_response.songs.create(title="Blue Hour", desired_length=10)
    assert_type(created, RawResponse[SongCreated])
    assert_type(await api.with_raw_response.arrangements.get(1), RawResponse[Arrangement])
    assert_type(await api.songs.with_raw_response.get(), RawResponse[SongList])
    return song.headers["x-request-id"]


def options(api: Imuze, aapi: AsyncImuze) -> None:
    assert_type(api.with_options(timeout=5.0, max_retries=0), Imuze)
    assert_type(api.with_options(timeout=httpx.Timeout(5.0, connect=1.0)).songs.get(1), Song)
    assert_type(aapi.with_options(max_retries=5), AsyncImuze)


def own_client() -> None:
    with httpx.Client(proxy="http://proxy.internal:3128") as http:
        with Imuze(api_key="KEY", http_client=http) as api:
            api.songs.list()
    AsyncImuze(api_key="KEY", http_client=httpx.AsyncClient(http2=False))


def extra_fields(song: Song) -> object:
    assert_type(__version__, str)
    return song.additional_properties.get("bpm")
