from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.song_status import SongStatus

T = TypeVar("T", bound="SongSummary")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("SongSummary", field, value)

    return redacted


@_attrs_define
class SongSummary:
    """A song as listed.

    Example:
        {'id': 43, 'title': 'Night Drive', 'status': 'processing', 'mp3_url': None, 'arrangement_name': 'Synth Wave'}

    Attributes:
        id (int): An arrangement or song id, an integer >= 0. Example: 42.
        title (str): The song's title.
        status (SongStatus | str): A song's status: `processing` or `ready`. Upstream documents no other value,
            but servers evolve, so any other string is accepted too and must be treated
            as "not ready yet".
        mp3_url (None | str): The mp3's URL, or null while the song is processing.
        arrangement_name (str): The name of the arrangement that voices the song.
    """

    id: int = _attrs_field(repr=_repr_of("id"))
    title: str = _attrs_field(repr=_repr_of("title"))
    status: SongStatus | str = _attrs_field(repr=_repr_of("status"))
    mp3_url: None | str = _attrs_field(repr=_repr_of("mp3_url"))
    arrangement_name: str = _attrs_field(repr=_repr_of("arrangement_name"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        title = self.title

        status: str
        if isinstance(self.status, SongStatus):
            status = self.status.value
        else:
            status = self.status

        mp3_url: None | str
        mp3_url = self.mp3_url

        arrangement_name = self.arrangement_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "title": title,
                "status": status,
                "mp3_url": mp3_url,
                "arrangement_name": arrangement_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        title = d.pop("title")

        def _parse_status(data: object) -> SongStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_any_song_status_type_0 = SongStatus(data)

                return componentsschemas_any_song_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(SongStatus | str, data)

        status = _parse_status(d.pop("status"))

        def _parse_mp3_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        mp3_url = _parse_mp3_url(d.pop("mp3_url"))

        arrangement_name = d.pop("arrangement_name")

        song_summary = cls(
            id=id,
            title=title,
            status=status,
            mp3_url=mp3_url,
            arrangement_name=arrangement_name,
        )

        song_summary.additional_properties = d
        return song_summary

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
