from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.song_summary import SongSummary


T = TypeVar("T", bound="SongList")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("SongList", field, value)

    return redacted


@_attrs_define
class SongList:
    """Your songs. Not paginated.

    Example:
        {'count': 1, 'response': [{'id': 43, 'title': 'Night Drive', 'status': 'processing', 'mp3_url': None,
            'arrangement_name': 'Synth Wave'}]}

    Attributes:
        count (int): The number of songs listed.
        response (list[SongSummary]):
    """

    count: int = _attrs_field(repr=_repr_of("count"))
    response: list[SongSummary] = _attrs_field(repr=_repr_of("response"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        response = []
        for response_item_data in self.response:
            response_item = response_item_data.to_dict()
            response.append(response_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "response": response,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.song_summary import SongSummary  # noqa: PLC0415

        d = dict(src_dict)
        count = d.pop("count")

        response = []
        _response = d.pop("response")
        for response_item_data in _response:
            response_item = SongSummary.from_dict(response_item_data)

            response.append(response_item)

        song_list = cls(
            count=count,
            response=response,
        )

        song_list.additional_properties = d
        return song_list

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
