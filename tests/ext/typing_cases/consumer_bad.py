"""Misuses that mypy --strict must reject; each marked line must be reported."""

from __future__ import annotations

from imuze_client.models import Arrangement, Song

from imuze_ext import AsyncImuze, Imuze

api = Imuze(api_key="KEY")
song: Song = api.songs.get("42")  # E: a str id
arrangement: Arrangement = api.arrangements.get()  # E: get() with no id lists
api.songs.create(title="Night Drive", desired_length="30")  # E: wrong argument type
api.songs.create(title="Night Drive", desired_length=30, colour="red")  # E: no **kwargs
api.songs.wait(7)  # E: the deadline is mandatory
api.songs.download(7, dest=3.5)  # E: not a path
Imuze(api_key=1234)  # E: a key is a string
Imuze(max_retries="3")  # E: wrong argument type


async def forgot_await() -> Song:
    async with AsyncImuze(api_key="KEY") as client:
        return client.songs.get(1)  # E: a coroutine, not a Song
