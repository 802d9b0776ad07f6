"""Misuses of the SDK conveniences that both mypy --strict and pyright must reject; each
marked line must be reported, and no other."""

from __future__ import annotations

import httpx
from imuze_client.models import Song

from imuze_ext import AsyncImuze, Imuze

api = Imuze(api_key="KEY")
song = api.songs.get(1)
song["title"]  # E: a model's fields are attributes: song.title
song["bpm"]  # E: extra fields are in song.additional_properties
found = "title" in song  # E: no membership test either
song["bpm"] = 92  # E: nor item assignment
not_a_song: Song = api.with_raw_response.songs.get(1)  # E: a RawResponse; .parse() gives the Song
api.with_raw_response.songs.wait(1, timeout=5.0)  # E: workflows have no raw form
api.with_options(max_retries="3")  # E: wrong argument type
api.with_options(base_url="http://elsewhere")  # E: only timeout and max_retries
Imuze(api_key="KEY", http_client=httpx.AsyncClient())  # E: the sync client takes an httpx.Client
AsyncImuze(api_key="KEY", http_client=httpx.Client())  # E: and the async one an AsyncClient
