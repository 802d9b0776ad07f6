from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.token_credentials import TokenCredentials


T = TypeVar("T", bound="TokenRequest")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("TokenRequest", field, value)

    return redacted


@_attrs_define
class TokenRequest:
    """The body of `createToken`.

    Example:
        {'token': {'email': 'demo@imuze.io', 'password': 'imuze-demo'}}

    Attributes:
        token (TokenCredentials): An account's credentials. Example: {'email': 'demo@imuze.io', 'password': 'imuze-
            demo'}.
    """

    token: TokenCredentials = _attrs_field(repr=_repr_of("token"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

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
