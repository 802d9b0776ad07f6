from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TokenResponse")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("TokenResponse", field, value)

    return redacted


@_attrs_define
class TokenResponse:
    """A token, to send as is in the `Authorization` header.

    Example:
        {'response': '3f9c1e0a7b5d4c2e8f6a1b3c5d7e9f00'}

    Attributes:
        response (str): The token.
    """

    response: str = _attrs_field(repr=_repr_of("response"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

    def to_dict(self) -> dict[str, Any]:
        response = self.response

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "response": response,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        response = d.pop("response")

        token_response = cls(
            response=response,
        )

        token_response.additional_properties = d
        return token_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
