# ruff: noqa: E501 - a table of mutations: one per line
"""Breaking mutations for the metamorphic tests, and varied specs to rewrite and mutate.

A `Mutation` makes one change a client notices; `side` is where it must be an ERR.
`varied_spec(rnd)` builds specs with every construct the rewrites look for (nullable types,
single-value enums and consts, patterns, header and path parameters, bounded integers...).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spec_rewrites import METHODS, Doc, operations

# -- the breaking mutations ---------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    """A change an existing client notices: an ERR on `side`."""

    name: str
    side: str
    apply: Callable[[Doc], None]


def _schema(doc: Doc, name: str) -> dict[str, Any]:
    return doc["components"]["schemas"][name]


def _first_op(doc: Doc, with_: str) -> dict[str, Any]:
    return next(op for op in operations(doc) if with_ in op)


def _drop_op(doc: Doc) -> None:
    path = next(iter(doc["paths"]))
    method = next(m for m in METHODS if m in doc["paths"][path])
    del doc["paths"][path][method]


def _ref_sibling_bound(doc: Doc) -> None:
    """maxLength beside a $ref on a request field (OAS 3.1 applies it)."""
    doc["components"]["schemas"]["ShortText"] = {"type": "string"}
    _schema(doc, "SongCreate")["properties"]["title"] = {
        "$ref": "#/components/schemas/ShortText",
        "maxLength": 10,
    }


def _number_integer_then_string(doc: Doc) -> None:
    prop = _schema(doc, "Song")["properties"]["id"]
    prop.clear()
    prop["type"] = "string"


def _to_integer_intersection(doc: Doc) -> None:
    prop = _schema(doc, "Song")["properties"]["id"]
    prop.clear()
    prop["allOf"] = [{"type": "number"}, {"type": "integer"}]


def _m(name: str, side: str) -> Callable[[Callable[[Doc], None]], Mutation]:
    def wrap(apply: Callable[[Doc], None]) -> Mutation:
        return Mutation(name, side, apply)

    return wrap


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        *keys, last = path.split("/")
        node: Any = doc
        for key in keys:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is _DELETE:
            del node[last]
        else:
            node[last] = copy.deepcopy(value)

    return apply


_DELETE = object()
_S = "components/schemas"
# fmt: off
MUTATIONS = (
    Mutation("operation-removed", "wire", _drop_op),
    Mutation("server-url-changed", "wire", _set("servers/0/url", "https://elsewhere.example/v9")),
    Mutation("request-property-required-added", "wire", lambda d: (_schema(d, "SongCreate")["required"].append("brand_new") or _schema(d, "SongCreate")["properties"].update(brand_new={"type": "string"}))),
    Mutation("response-required-property-removed", "wire", lambda d: _schema(d, "Song")["properties"].pop("title")),
    Mutation("response-property-became-optional", "wire", lambda d: _schema(d, "Song")["required"].remove("title")),
    Mutation("request-max-length-tightened", "wire", _set(f"{_S}/SongCreate/properties/title/maxLength", 3)),
    Mutation("request-min-length-tightened", "wire", _set(f"{_S}/SongCreate/properties/title/minLength", 40)),
    Mutation("request-maximum-tightened", "wire", _set(f"{_S}/SongCreate/properties/desired_length/maximum", 10)),
    Mutation("request-pattern-narrowed", "wire", _set(f"{_S}/SongCreate/properties/title/pattern", "^[a-z ]*$")),
    Mutation("request-became-not-nullable", "wire", _set(f"{_S}/SongCreate/properties/arrangement_id/type", "integer")),
    Mutation("response-became-nullable", "wire", _set(f"{_S}/Song/properties/title/type", ["string", "null"])),
    Mutation("response-type-changed", "wire", _set(f"{_S}/Song/properties/title/type", "integer")),
    Mutation("request-type-changed", "wire", _set(f"{_S}/SongCreate/properties/desired_length/type", "string")),
    Mutation("request-additional-properties-closed", "wire", _set(f"{_S}/SongCreate/additionalProperties", False)),
    Mutation("request-became-an-enum", "wire", _set(f"{_S}/SongCreate/properties/title/enum", ["Intro", "Outro"])),
    Mutation("request-maxlength-beside-ref", "wire", _ref_sibling_bound),
    Mutation("integer-intersection-then-string", "wire", _number_integer_then_string),
    Mutation("request-path-parameter-retyped", "wire", _set("components/parameters/Id/schema/type", "string")),
    Mutation("request-parameter-added-required", "wire", lambda d: (_first_op(d, "responses") .setdefault("parameters", []) .append({"name": "must", "in": "query", "required": True, "schema": {"type": "string"}}))),
    Mutation("request-parameter-style-changed", "wire", _set("components/parameters/Id/style", "label")),
    Mutation("success-status-removed", "wire", lambda d: next(op for op in operations(d) if "200" in op["responses"])["responses"].pop("200")),
    Mutation("response-media-type-removed", "wire", lambda d: next(op for op in operations(d) if "200" in op["responses"])["responses"]["200"][ "content" ].pop("application/json")),
    Mutation("security-scheme-name-changed", "wire", lambda d: next(s for s in d["components"]["securitySchemes"].values() if s.get("type") == "apiKey" or s.get("type") == "http").update(type="apiKey", name="X-Other", **{"in": "header"})),
    Mutation("response-one-of-branch-added", "wire", _set(f"{_S}/Song/properties/title", {"oneOf": [{"type": "string"}, {"type": "integer"}]})),
    Mutation("request-media-type-removed", "wire", lambda d: ([ op["requestBody"]["content"].clear() or op["requestBody"]["content"].update({"text/plain": {"schema": {"type": "string"}}}) for op in operations(d) if "requestBody" in op ] and None)),
    Mutation("response-header-serialization-changed", "wire", _set("components/headers/Retry-After/explode", True)),
    # The Python side (each regenerates the client).
    Mutation("model-closed-additional-properties", "python", _set(f"{_S}/Song/additionalProperties", False)),
    Mutation("model-field-renamed", "python", lambda d: (_schema(d, "Song")["properties"].__setitem__("title_text", _schema(d, "Song")["properties"].pop("title")) or _schema(d, "Song")["required"].__setitem__(_schema(d, "Song")["required"].index("title"), "title_text"))),
    Mutation("operation-id-changed", "python", lambda d: _first_op(d, "operationId").update(operationId="renamedOperation")),
    Mutation("enum-member-removed", "python", lambda d: _schema(d, "MusicalMode")["enum"].pop()),
)
# fmt: on


def mutation_applies(mutation: Mutation, doc: Doc) -> Doc:
    """The mutated copy of `doc`."""
    out = copy.deepcopy(doc)
    mutation.apply(out)
    return out


# -- varied specs -------------------------------------------------------------------------


def varied_spec(rnd: random.Random) -> Doc:
    """A small spec holding every construct a rewrite looks for, varied by `rnd`."""
    name = rnd.choice(["Item", "Track", "Order"])
    return {
        "openapi": "3.1.0",
        "info": {"title": "varied", "version": "1.0.0"},
        "paths": _varied_paths(rnd, name),
        "components": {
            "schemas": {
                name: _varied_item(rnd),
                "Meta": {"type": "object", "properties": {"source": {"type": "string"}}},
            }
        },
    }


def _varied_item(rnd: random.Random) -> dict[str, Any]:
    pick = rnd.choice
    value_type = pick(["string", "integer"])
    nullable: dict[str, Any] = {"type": [value_type, "null"], "description": "may be null"}
    if value_type == "integer":
        nullable.update(minimum=0, maximum=pick([10, 1000]))
    patterns = ["^[a-z0-9]+$", "^[A-Z][a-zA-Z_]*$", "^[0-9]{2}-[a-f]+$"]
    props: dict[str, Any] = {
        "id": {"type": "integer", "minimum": 0, "maximum": pick([100, 2**20])},
        "code": {"type": "string", "pattern": pick(patterns)},
        "note": nullable,
        "kind": {"type": "string", "enum": [pick(["one", "fixed"])]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "size": {"anyOf": [{"type": "string", "maxLength": 8}, {"type": "integer"}]},
        "meta": {"$ref": "#/components/schemas/Meta"},
    }
    if rnd.random() < 0.5:
        # A string const only: for a boolean one the pinned generator writes invalid Python
        # (`flag != Trueand not ...`), which imuze-spec refuses by name (GenerationError).
        props["flag"] = {"const": pick(["yes", "on"])}
    required = ["id", "code", *rnd.sample(["note", "kind", "tags", "meta"], k=2)]
    return {"type": "object", "required": required, "properties": props}


def _varied_paths(rnd: random.Random, name: str) -> dict[str, Any]:
    path, ref = f"/{name.lower()}s", {"$ref": f"#/components/schemas/{name}"}
    params = [
        {
            "name": "limit",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
        },
        {"name": "X-Trace-Id", "in": "header", "schema": {"type": "string"}},
    ]
    ok = {"description": "ok", "content": {"application/json": {"schema": ref}}}
    ok["headers"] = {
        "X-Rate-Limit": {"schema": {"type": "integer"}, "required": rnd.random() < 0.5}
    }
    message = {"type": "object", "properties": {"message": {"type": "string"}}}
    error = {"description": "error", "content": {"application/json": {"schema": message}}}
    key = {
        "name": f"{name.lower()}_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    }
    return {
        path: {
            "get": {
                "operationId": f"list{name}s",
                "parameters": params,
                "responses": {"200": ok, "404": error},
            },
            "post": {
                "operationId": f"create{name}",
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {"201": ok, "400": error},
            },
        },
        f"{path}/{{{name.lower()}_id}}": {
            "get": {
                "operationId": f"get{name}",
                "parameters": [key],
                "responses": {"200": ok, "404": error},
            }
        },
    }


def as_json_text(doc: Doc) -> str:
    """The document as JSON with non-ASCII escaped, as json.dump writes it by default."""
    return json.dumps(doc, indent=1)
