from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.musical_mode import MusicalMode

T = TypeVar("T", bound="SongCreated")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("SongCreated", field, value)

    return redacted


@_attrs_define
class SongCreated:
    """The answer of `createSong`, a song that is still being made.

    Example:
        {'id': 42, 'title': 'Morning Over The Bay', 'musical_mode': 'Mixolydia', 'arrangement_id': 1, 'timeline_url':
            'https://api.imuze.io/api/4/songs/42/timeline.json', 'mp3': 'https://api.imuze.io/api/4/songs/42/audio.mp3',
            'status_channel': 'songs/42/status'}

    Attributes:
        id (int): An arrangement or song id, an integer >= 0. Example: 42.
        title (str): The song's title, its musical seed.
        musical_mode (MusicalMode | str): The song's musical mode, one of the church modes; any other string is accepted
            too.
        arrangement_id (int | None): The arrangement that voices the song (the one the tags chose, when none was given).
        timeline_url (str): Where the song's timeline (sections and notes, as JSON) will be.
        mp3 (str): Where the song's mp3 will be once it is ready.
        status_channel (str): The name of the channel on which the song's status changes are published.
            No way to subscribe to it is documented, so clients poll `getSong` (or
            `listSongs` for many songs) instead.
    """

    id: int = _attrs_field(repr=_repr_of("id"))
    title: str = _attrs_field(repr=_repr_of("title"))
    musical_mode: MusicalMode | str = _attrs_field(repr=_repr_of("musical_mode"))
    arrangement_id: int | None = _attrs_field(repr=_repr_of("arrangement_id"))
    timeline_url: str = _attrs_field(repr=_repr_of("timeline_url"))
    mp3: str = _attrs_field(repr=_repr_of("mp3"))
    status_channel: str = _attrs_field(repr=_repr_of("status_channel"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        title = self.title

        musical_mode: str
        if isinstance(self.musical_mode, MusicalMode):
            musical_mode = self.musical_mode.value
        else:
            musical_mode = self.musical_mode

        arrangement_id: int | None
        arrangement_id = self.arrangement_id

        timeline_url = self.timeline_url

        mp3 = self.mp3

        status_channel = self.status_channel

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "title": title,
                "musical_mode": musical_mode,
                "arrangement_id": arrangement_id,
                "timeline_url": timeline_url,
                "mp3": mp3,
                "status_channel": status_channel,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        title = d.pop("title")

        def _parse_musical_mode(data: object) -> MusicalMode | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_any_musical_mode_type_0 = MusicalMode(data)

                return componentsschemas_any_musical_mode_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MusicalMode | str, data)

        musical_mode = _parse_musical_mode(d.pop("musical_mode"))

        def _parse_arrangement_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        arrangement_id = _parse_arrangement_id(d.pop("arrangement_id"))

        timeline_url = d.pop("timeline_url")

        mp3 = d.pop("mp3")

        status_channel = d.pop("status_channel")

        song_created = cls(
            id=id,
            title=title,
            musical_mode=musical_mode,
            arrangement_id=arrangement_id,
            timeline_url=timeline_url,
            mp3=mp3,
            status_channel=status_channel,
        )

        song_created.additional_properties = d
        return song_created

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
