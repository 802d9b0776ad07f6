"""One-line shapes of JSON values and schemas, and the spec's schema for a response.

`{error: string}` reads faster than a dump of the body, and says what a spec edit would
need; the same notation renders the spec's side (`Error {code: integer, ...}`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from imuze_ext._responses import json_type

MAX_KEYS = 6
MAX_LINE = 120


def value_shape(value: Any, depth: int = 0) -> str:
    """`{error: string}` for a Rails error body; scalars by their JSON type.

    Rails' validation errors (`{"errors": {"title": [...]}}`) are keyed by whichever field
    failed, so their keys read as `<field>`: one shape for every such body.
    """
    if isinstance(value, Mapping):
        if depth >= 3:
            return "{…}"
        shape = {"errors": _field_map}
        items = [
            f"{key}: {shape.get(key, value_shape)(item, depth + 1)}" for key, item in value.items()
        ]
        more = ", …" if len(items) > MAX_KEYS else ""
        return "{" + ", ".join(items[:MAX_KEYS]) + more + "}"
    if isinstance(value, list):
        return "[" + (value_shape(value[0], depth + 1) if value else "") + "]"
    return json_type(value)


def _field_map(value: Any, depth: int) -> str:
    if isinstance(value, Mapping) and value:
        shapes = {value_shape(item, depth + 1) for item in value.values()}
        if len(shapes) == 1:
            return "{<field>: " + shapes.pop() + "}"
    return value_shape(value, depth)


def scalar_text(value: Any, limit: int = 40) -> str:
    """A short JSON rendering of a value, for the "actual" side of a type mismatch."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def schema_shape(schema: Any, spec: Mapping[str, Any], depth: int = 0) -> str:
    """`Error {code: integer, error: string, message: string, field?: string|null}`."""
    if not isinstance(schema, Mapping):
        return "any"
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if depth > 0:
            return name
        return f"{name} {schema_shape(resolve(ref, spec), spec, depth + 1)}"
    for combinator in ("anyOf", "oneOf"):
        if isinstance(schema.get(combinator), list):
            return " | ".join(schema_shape(item, spec, depth + 1) for item in schema[combinator])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 2:
            return "{…}"
        required = set(schema.get("required", ()))
        fields = [
            f"{name}{'' if name in required else '?'}: {schema_shape(sub, spec, depth + 1)}"
            for name, sub in schema.get("properties", {}).items()
        ]
        return "{" + ", ".join(fields) + "}"
    if kind == "array":
        return "[" + schema_shape(schema.get("items"), spec, depth + 1) + "]"
    if isinstance(kind, list):
        return "|".join(str(item) for item in kind)
    return str(kind) if kind else "any"


def object_keys(schema: Any) -> str | None:
    """`{code, error, message, field?}`: an object schema's fields, optional ones marked."""
    if not isinstance(schema, Mapping) or not isinstance(schema.get("properties"), Mapping):
        return None
    required = set(schema.get("required", ()))
    names = [f"{name}{'' if name in required else '?'}" for name in schema["properties"]]
    return "{" + ", ".join(names) + "}"


def resolve(ref: str, spec: Mapping[str, Any]) -> Any:
    """The spec node a local `$ref` (`#/components/...`) points at, or None."""
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def response_schema(operation: Mapping[str, Any], status: int, spec: Mapping[str, Any]) -> Any:
    """The JSON schema the spec gives `operation`'s `status` answer, or None if undocumented."""
    responses = operation.get("responses", {})
    answer = responses.get(str(status)) or responses.get(f"{status // 100}XX")
    answer = answer or responses.get("default")
    if isinstance(answer, Mapping) and "$ref" in answer:
        answer = resolve(answer["$ref"], spec)
    if not isinstance(answer, Mapping):
        return None
    content = answer.get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    return media.get("schema") if isinstance(media, Mapping) else None


def schema_at(
    schema: Any, pointer: Sequence[str], spec: Mapping[str, Any]
) -> tuple[str | None, Any]:
    """Walk `schema` along a body pointer (`*` for array items): (the last schema name, node)."""
    name: str | None = None
    node = schema
    for part in [*pointer, None]:
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            name = node["$ref"].rsplit("/", 1)[-1]
            node = resolve(node["$ref"], spec)
        if part is None or not isinstance(node, Mapping):
            break
        if part == "*" and "items" in node:
            node, name = node["items"], None
        elif part in node.get("properties", {}):
            node, name = node["properties"][part], None
        else:
            return None, None
    return name, node


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """The text on one line, shortened to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
