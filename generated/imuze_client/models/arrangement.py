from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Arrangement")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("Arrangement", field, value)

    return redacted


@_attrs_define
class Arrangement:
    """An arrangement shown in full.

    Example:
        {'id': 1, 'description': 'A string quartet that voices the melody in long, bowed phrases.', 'image_url': None,
            'genre_list': ['classical', 'chamber']}

    Attributes:
        id (int): An arrangement or song id, an integer >= 0. Example: 42.
        description (str): What the arrangement sounds like.
        image_url (None | str): A picture of the arrangement, or null when it has none.
        genre_list (list[str]): The genres the arrangement belongs to; tags match them.
    """

    id: int = _attrs_field(repr=_repr_of("id"))
    description: str = _attrs_field(repr=_repr_of("description"))
    image_url: None | str = _attrs_field(repr=_repr_of("image_url"))
    genre_list: list[str] = _attrs_field(repr=_repr_of("genre_list"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        description = self.description

        image_url: None | str
        image_url = self.image_url

        genre_list = self.genre_list

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "description": description,
                "image_url": image_url,
                "genre_list": genre_list,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        description = d.pop("description")

        def _parse_image_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        image_url = _parse_image_url(d.pop("image_url"))

        genre_list = cast(list[str], d.pop("genre_list"))

        arrangement = cls(
            id=id,
            description=description,
            image_url=image_url,
            genre_list=genre_list,
        )

        arrangement.additional_properties = d
        return arrangement

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
