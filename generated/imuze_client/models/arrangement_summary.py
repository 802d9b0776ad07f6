from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ArrangementSummary")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("ArrangementSummary", field, value)

    return redacted


@_attrs_define
class ArrangementSummary:
    """An arrangement as listed.

    Example:
        {'id': 1, 'name': 'Chamber Strings'}

    Attributes:
        id (int): An arrangement or song id, an integer >= 0. Example: 42.
        name (str): The arrangement's name.
    """

    id: int = _attrs_field(repr=_repr_of("id"))
    name: str = _attrs_field(repr=_repr_of("name"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        arrangement_summary = cls(
            id=id,
            name=name,
        )

        arrangement_summary.additional_properties = d
        return arrangement_summary

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
