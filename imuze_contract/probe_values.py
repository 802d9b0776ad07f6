"""The boundary values a spec allows and real servers break on, derived from the spec itself.

For every operation, each request slot (a body field, an array's items, a path parameter)
whose schema leaves a bound open gets the values that cross a storage limit real servers have:

- an integer without `maximum`: 2^31-1, 2^31, 2^53+1, 2^63-1, 2^63 (int32, a JavaScript
  double's exact range, int64), and their negatives where `minimum` allows them;
- a string without `maxLength`: 255, 256, 1,024, 4,096 and 65,536 characters (VARCHAR(255),
  common column sizes, a MySQL TEXT), built to keep its `pattern`, `minLength` and `format`;
- an array without `maxItems`: 1,000 and 10,000 items;
- a free-form string (no pattern, enum or format but `password`): one value per Unicode class
  that storage and string handling break on (astral, combining, right-to-left, zero-width, NUL).

Each slot names where its schema lives in the spec (a JSON pointer), so that a finding can
say which node of the spec needs the bound.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

INTEGERS = (2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63)
LENGTHS = (255, 256, 1024, 4096, 65536)
ITEMS = (1000, 10000)
# (class, value): each breaks something real (utf8mb3 columns, normalisation, bidi, NUL in C).
UNICODE = (
    ("astral", "Song \U0001d11e\U0001f3b5 astral"),
    ("combining", "Cafe\u0301 Re\u0301sume\u0301"),
    ("right-to-left", "\u05e9\u05d9\u05e8 \u0623\u063a\u0646\u064a\u0629 \u202eabc"),
    ("zero-width", "zero\u200bwidth\u200d\ufeffjoin"),
    ("NUL", "nul\u0000byte"),
)
_FILLERS = ("a", "A", "x", "0", " ", "-")
_FREE_FORMATS = (None, "password")


@dataclass(frozen=True)
class Slot:
    """One request slot with an open bound: where it is sent and where its schema lives."""

    operation_id: str
    method: str
    path: str
    where: str  # "body" or "path"
    # The request location: `/title`, `/tags/*` in the body; the parameter's name in the path.
    field: str
    # The JSON pointer of the slot's schema in the spec, e.g. #/components/schemas/SongCreate/...
    pointer: str
    schema: Mapping[str, Any]

    @property
    def location(self) -> str:
        """The deviation location: the body pointer, or `path <name>`."""
        return self.field if self.where == "body" else f"path {self.field}"

    @property
    def name(self) -> str:
        """How a sentence names the slot: `title`, `tags item`, `path id`."""
        if self.where == "path":
            return f"path {self.field}"
        parts = [part for part in self.field.strip("/").split("/") if part]
        if parts and parts[-1] == "*":
            return f"{parts[-2] if len(parts) > 1 else 'body'} item"
        return parts[-1] if parts else "body"


def resolve(node: Any, pointer: str, spec: Mapping[str, Any]) -> tuple[Any, str]:
    """Follow local `$ref`s: (the node, its own JSON pointer)."""
    seen = 0
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and seen < 20:
        pointer = node["$ref"]
        target: Any = spec
        for part in pointer.removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, Mapping) else None
        node, seen = target, seen + 1
    return node, pointer


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def types_of(schema: Mapping[str, Any]) -> set[str]:
    """The JSON types a schema names (`type` as a string or a list)."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    return {str(item) for item in kind} if isinstance(kind, list) else set()


def operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, str, str, Mapping[str, Any]]]:
    """(operationId, METHOD, path, operation) for every operation of the spec."""
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, Mapping) and "operationId" in operation:
                yield str(operation["operationId"]), method.upper(), path, operation


def request_example(operation: Mapping[str, Any], spec: Mapping[str, Any]) -> Any:
    """The JSON request body the spec gives as an example (the media type's, else the
    schema's), or None when the operation takes no JSON body."""
    body, _ = resolve(operation.get("requestBody"), "", spec)
    media = body.get("content", {}).get("application/json") if isinstance(body, Mapping) else None
    if not isinstance(media, Mapping):
        return None
    if "example" in media:
        return media["example"]
    schema, _ = resolve(media.get("schema"), "", spec)
    return schema.get("example") if isinstance(schema, Mapping) else None


def slots(spec: Mapping[str, Any]) -> Iterator[Slot]:
    """Every slot of every operation whose schema leaves a bound open."""
    for operation_id, method, path, operation in operations(spec):
        item = spec["paths"][path]
        base = f"#/paths/{_escape(path)}"
        parameters = [
            (p, f"{base}/parameters/{n}") for n, p in enumerate(item.get("parameters", []))
        ]
        parameters += [
            (p, f"{base}/{method.lower()}/parameters/{n}")
            for n, p in enumerate(operation.get("parameters", []))
        ]
        for raw, pointer in parameters:
            parameter, pointer = resolve(raw, pointer, spec)
            if isinstance(parameter, Mapping) and parameter.get("in") == "path":
                schema, spointer = resolve(parameter.get("schema"), pointer + "/schema", spec)
                if isinstance(schema, Mapping) and _open(schema):
                    yield Slot(operation_id, method, path, "path", str(parameter["name"]),
                               spointer, schema)  # fmt: skip
        body, bpointer = resolve(
            operation.get("requestBody"), f"{base}/{method.lower()}/requestBody", spec
        )
        media = (
            body.get("content", {}).get("application/json") if isinstance(body, Mapping) else None
        )
        if isinstance(media, Mapping):
            pointer = f"{bpointer}/content/application~1json/schema"
            for field, node, spointer in _walk(media.get("schema"), "", pointer, spec, 0):
                yield Slot(operation_id, method, path, "body", field or "/", spointer, node)


def _walk(
    raw: Any, field: str, pointer: str, spec: Mapping[str, Any], depth: int
) -> Iterator[tuple[str, Mapping[str, Any], str]]:
    node, pointer = resolve(raw, pointer, spec)
    if not isinstance(node, Mapping) or depth > 6:
        return
    if _open(node):
        yield field, node, pointer
    for name, sub in node.get("properties", {}).items():
        yield from _walk(sub, f"{field}/{name}", f"{pointer}/properties/{_escape(name)}", spec,
                         depth + 1)  # fmt: skip
    if "array" in types_of(node) and isinstance(node.get("items"), Mapping):
        yield from _walk(node["items"], f"{field}/*", f"{pointer}/items", spec, depth + 1)


def _open(schema: Mapping[str, Any]) -> bool:
    if "enum" in schema or "const" in schema:
        return False
    kinds = types_of(schema)
    return bool(
        ("integer" in kinds and "maximum" not in schema and "exclusiveMaximum" not in schema)
        or ("string" in kinds and "maxLength" not in schema)
        or ("array" in kinds and "maxItems" not in schema)
    )


def integers(schema: Mapping[str, Any]) -> tuple[list[int], list[int]]:
    """The integer probes, (ascending above zero, descending below it) that the schema allows."""
    if "integer" not in types_of(schema) or "maximum" in schema or "exclusiveMaximum" in schema:
        return [], []
    minimum = schema.get("minimum", schema.get("exclusiveMinimum"))
    low = [-value for value in INTEGERS if minimum is None or -value >= minimum]
    return list(INTEGERS), low


def string_of(schema: Mapping[str, Any], length: int, example: Any = None) -> str | None:
    """A string of exactly `length` characters that keeps the schema's pattern and format.

    It starts from the example where one fits (a title stays letters and spaces), else
    repeats one character the pattern accepts. None when nothing fits."""
    pattern = schema.get("pattern")
    fmt = schema.get("format")

    def fits(text: str) -> bool:
        return pattern is None or re.search(str(pattern), text) is not None

    if fmt == "email":
        domain = "@example.com"
        text = "a" * max(1, length - len(domain)) + domain
        return text if len(text) == length and fits(text) else None
    if fmt in ("uri", "url"):
        prefix = "https://example.com/"
        text = prefix + "a" * max(0, length - len(prefix))
        return text if len(text) == length and fits(text) else None
    if fmt not in _FREE_FORMATS:
        return None  # a date, a uuid...: its format fixes its length
    seeds = [example] if isinstance(example, str) and example else []
    for seed in [*seeds, *_FILLERS]:
        text = ((seed + " ") if len(seed) > 1 else seed) * (length // max(1, len(seed)) + 1)
        text = text[:length]
        if text.endswith(" ") and len(text) > 1:
            text = text[:-1] + seed[0]
        if fits(text):
            return text
    return None


def lengths(schema: Mapping[str, Any]) -> list[int]:
    """The string lengths to probe: those the schema allows."""
    if "string" not in types_of(schema) or "maxLength" in schema:
        return []
    minimum = int(schema.get("minLength", 0))
    return [length for length in LENGTHS if length >= minimum]


def item_counts(schema: Mapping[str, Any]) -> list[int]:
    """The array sizes to probe: those the schema allows."""
    if "array" not in types_of(schema) or "maxItems" in schema:
        return []
    minimum = int(schema.get("minItems", 0))
    return [count for count in ITEMS if count >= minimum]


def unicode_values(schema: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(class, value) for a free-form string; each padded to the schema's minLength."""
    if "string" not in types_of(schema) or "pattern" in schema:
        return []
    if schema.get("format") not in _FREE_FORMATS:
        return []
    minimum = int(schema.get("minLength", 0))
    maximum = schema.get("maxLength")
    values = []
    for name, value in UNICODE:
        value = value + "x" * max(0, minimum - len(value))
        if maximum is None or len(value) <= int(maximum):
            values.append((name, value))
    return values


def minimal(schema: Any, spec: Mapping[str, Any]) -> Any:
    """A small valid value for an array's items: its example, else the simplest of its type."""
    node, _ = resolve(schema, "", spec)
    if not isinstance(node, Mapping):
        return "a"
    if "example" in node:
        return node["example"]
    if node.get("enum"):
        return node["enum"][0]
    kinds = types_of(node)
    if "string" in kinds:
        return string_of(node, max(1, int(node.get("minLength", 1)))) or "a"
    if "integer" in kinds or "number" in kinds:
        return int(node.get("minimum", 0))
    if "boolean" in kinds:
        return True
    return None if "null" in kinds else {}
