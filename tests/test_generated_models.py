"""The generated models accept what evolving servers send: unseen enum values, extra fields."""

from __future__ import annotations

import pytest
from imuze_client.models import MusicalMode, Song, SongCreated, SongStatus

# Runs again after the spec changed (tests/test_loop_green.py): the generated models read and
# write what the spec describes.
pytestmark = pytest.mark.loop

SONG = {
    "id": 42,
    "title": "Morning Over The Bay",
    "status": "ready",
    "mp3_url": "https://api.imuze.io/api/4/songs/42/audio.mp3",
    "arrangement_name": "Chamber Strings",
    "timeline_url": "https://api.imuze.io/api/4/songs/42/timeline.json",
}
CREATED = {
    "id": 42,
    "title": "Morning Over The Bay",
    "musical_mode": "Dorian",
    "arrangement_id": None,
    "timeline_url": "https://api.imuze.io/api/4/songs/42/timeline.json",
    "mp3": "https://api.imuze.io/api/4/songs/42/audio.mp3",
    "status_channel": "songs/42/status",
}


def test_a_known_status_parses_to_the_enum() -> None:
    assert Song.from_dict(SONG).status is SongStatus.READY


def test_an_unseen_status_parses_as_a_string_and_round_trips() -> None:
    body = {**SONG, "status": "archived", "mp3_url": None}
    song = Song.from_dict(body)
    assert song.status == "archived"
    assert not isinstance(song.status, SongStatus)
    assert song.to_dict() == body


def test_upstream_mixolydia_spelling_is_a_known_mode() -> None:
    song = SongCreated.from_dict({**CREATED, "musical_mode": "Mixolydia"})
    assert song.musical_mode is MusicalMode.MIXOLYDIA


def test_an_unseen_mode_parses_as_a_string_and_round_trips() -> None:
    body = {**CREATED, "musical_mode": "Hypophrygian"}
    song = SongCreated.from_dict(body)
    assert song.musical_mode == "Hypophrygian"
    assert song.to_dict() == body


def test_extra_fields_survive_a_round_trip() -> None:
    body = {**SONG, "duration": 30.5}
    song = Song.from_dict(body)
    assert song.additional_properties == {"duration": 30.5}
    assert song.to_dict() == body
