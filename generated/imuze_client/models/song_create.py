from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SongCreate")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("SongCreate", field, value)

    return redacted


@_attrs_define
class SongCreate:
    """The body of `createSong`. All four keys are required.

    Example:
        {'title': 'Morning Over The Bay', 'arrangement_id': None, 'tags': ['calm', 'strings'], 'desired_length': 30}

    Attributes:
        title (str): The musical seed of your song: the same title and arrangement give the
            same melody. At least 4 characters, letters and spaces only.
        arrangement_id (int | None): The arrangement that voices the melody, or null to let the `tags` choose
            one. When no tag matches any arrangement's genres, the server still
            chooses one, deterministically from the title, rather than fail.
        tags (list[str]): Genres or moods. With a null `arrangement_id` they choose the arrangement.
        desired_length (int): The desired duration of the song, in seconds. The reference gives no
            upper bound (its example, 93304488, is filler); this spec caps it at 600
            seconds (10 minutes), the length of a long song, so that one request
            cannot tie up a renderer for hours.
    """

    title: str = _attrs_field(repr=_repr_of("title"))
    arrangement_id: int | None = _attrs_field(repr=_repr_of("arrangement_id"))
    tags: list[str] = _attrs_field(repr=_repr_of("tags"))
    desired_length: int = _attrs_field(repr=_repr_of("desired_length"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        arrangement_id: int | None
        arrangement_id = self.arrangement_id

        tags = self.tags

        desired_length = self.desired_length

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "title": title,
                "arrangement_id": arrangement_id,
                "tags": tags,
                "desired_length": desired_length,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        title = d.pop("title")

        def _parse_arrangement_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        arrangement_id = _parse_arrangement_id(d.pop("arrangement_id"))

        tags = cast(list[str], d.pop("tags"))

        desired_length = d.pop("desired_length")

        song_create = cls(
            title=title,
            arrangement_id=arrangement_id,
            tags=tags,
            desired_length=desired_length,
        )

        song_create.additional_properties = d
        return song_create

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
