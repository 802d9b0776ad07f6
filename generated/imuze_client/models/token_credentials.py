from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TokenCredentials")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("TokenCredentials", field, value)

    return redacted


@_attrs_define
class TokenCredentials:
    """An account's credentials.

    Example:
        {'email': 'demo@imuze.io', 'password': 'imuze-demo'}

    Attributes:
        email (str): The account's email.
        password (str): The account's password.
    """

    email: str = _attrs_field(repr=_repr_of("email"))
    password: str = _attrs_field(repr=_repr_of("password"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
                "password": password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        token_credentials = cls(
            email=email,
            password=password,
        )

        token_credentials.additional_properties = d
        return token_credentials

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
