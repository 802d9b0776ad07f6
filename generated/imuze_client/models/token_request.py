from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.token_credentials import TokenCredentials


T = TypeVar("T", bound="TokenRequest")


@_attrs_define
class TokenRequest:
    """The body of `createToken`.

    Example:
        {'token': {'email': 'demo@imuze.io', 'password': 'imuze-demo'}}

    Attributes:
        token (TokenCredentials): An account's credentials. Example: {'email': 'demo@imuze.io', 'password': 'imuze-
            demo'}.
    """

    token: TokenCredentials
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        token = self.token.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.token_credentials import TokenCredentials  # noqa: PLC0415

        d = dict(src_dict)
        token = TokenCredentials.from_dict(d.pop("token"))

        token_request = cls(
            token=token,
        )

        token_request.additional_properties = d
        return token_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
