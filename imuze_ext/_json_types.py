"""The JSON Schema type name of a decoded JSON value, shared by the contract and spec tools."""

from __future__ import annotations

from collections.abc import Mapping


def json_type(value: object) -> str:
    """`null`, `boolean`, `integer`, `number`, `string`, `object` or `array` for a value from
    `json.loads` (or a YAML document's JSON-compatible values)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, Mapping) else "array"
