from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Error")


def _repr_of(field: str) -> Callable[[object], str]:
    def redacted(value: object) -> str:
        # Imported when a repr is made: imuze_ext imports this client, so not at import time.
        from imuze_ext.redaction import field_repr

        return field_repr("Error", field, value)

    return redacted


@_attrs_define
class Error:
    """The one error body of the API. The reference does not document it; this spec
    defines it so that every error can be read the same way.

        Example:
            {'code': 404, 'error': 'not_found', 'message': 'no song 42', 'field': 'id'}

        Attributes:
            code (int): The HTTP status code, repeated.
            error (str): A short machine-readable reason, e.g. `not_found`.
            message (str): A human-readable explanation.
            field (None | str | Unset): The offending request field or parameter, when there is one.
    """

    code: int = _attrs_field(repr=_repr_of("code"))
    error: str = _attrs_field(repr=_repr_of("error"))
    message: str = _attrs_field(repr=_repr_of("message"))
    field: None | str | Unset = _attrs_field(default=UNSET, repr=_repr_of("field"))
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=_repr_of("additional_properties")
    )

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        error = self.error

        message = self.message

        field: None | str | Unset
        if isinstance(self.field, Unset):
            field = UNSET
        else:
            field = self.field

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "error": error,
                "message": message,
            }
        )
        if field is not UNSET:
            field_dict["field"] = field

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        error = d.pop("error")

        message = d.pop("message")

        def _parse_field(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        field = _parse_field(d.pop("field", UNSET))

        error = cls(
            code=code,
            error=error,
            message=message,
            field=field,
        )

        error.additional_properties = d
        return error

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())
