# ruff: noqa: E501 - tables of rewrites and mutations: one per line
"""Two libraries for the metamorphic tests: rewrites that change no meaning, mutations that break.

A `Rewrite` rewrites every place of a document where it applies (or the one place `pick`
chooses) into another spelling that OpenAPI 3.1 or JSON Schema 2020-12 says means the same;
`cites` is that text. It returns how many places it rewrote. `wire_only` names why a rewrite
may change the generated Python package (the generator keys a name on the spelling), so the
Python side is not asked to find nothing there.

A `Mutation` makes one change a client notices; `side` is where it must be an ERR.

`varied_spec(draw)` builds specs with every construct the rewrites look for (nullable types,
single-value enums and consts, patterns, header and path parameters, bounded integers...).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
METHODS = ("get", "put", "post", "delete", "patch")
_ANNOTATIONS = ("description", "title", "example", "examples")


# -- walking a document -------------------------------------------------------------------


def schemas(doc: Doc) -> Iterator[dict[str, Any]]:
    """Every schema object of the document (components, parameters, bodies, responses), each
    once, with the subschemas of each."""
    roots: list[Any] = list((doc.get("components", {}).get("schemas") or {}).values())
    for param in parameters(doc):
        roots.append(param.get("schema"))
    for op in operations(doc):
        body = op.get("requestBody") or {}
        roots += [media.get("schema") for media in (body.get("content") or {}).values()]
        for response in (op.get("responses") or {}).values():
            roots += [m.get("schema") for m in (response.get("content") or {}).values()]
    stack, seen = roots, set()
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack += list((node.get("properties") or {}).values())
        stack += [node.get(k) for k in ("items", "additionalProperties", "not")]
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            stack += list(node.get(key) or [])


def operations(doc: Doc) -> Iterator[dict[str, Any]]:
    for item in (doc.get("paths") or {}).values():
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield item[method]


def parameters(doc: Doc) -> Iterator[dict[str, Any]]:
    found = [p for p in (doc.get("components", {}).get("parameters") or {}).values()]
    for item in (doc.get("paths") or {}).values():
        found += list(item.get("parameters") or [])
        for method in METHODS:
            found += list((item.get(method) or {}).get("parameters") or [])
    seen = set()
    for param in found:
        if isinstance(param, dict) and "$ref" not in param and id(param) not in seen:
            seen.add(id(param))
            yield param


def _types(node: dict[str, Any]) -> list[str]:
    raw = node.get("type")
    return [raw] if isinstance(raw, str) else list(raw or [])


# -- the rewrites -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rewrite:
    """A spelling that changes no meaning."""

    name: str
    cites: str
    apply: Callable[[Doc, random.Random], int]
    wire_only: str = ""


def _each(nodes: Iterator[dict[str, Any]], when: Callable[[dict[str, Any]], bool]) -> list[Any]:
    return [node for node in nodes if when(node)]


def _nullable(keyword: str) -> Callable[[Doc, random.Random], int]:
    def apply(doc: Doc, rnd: random.Random) -> int:
        found = _each(
            schemas(doc),
            lambda s: "null" in _types(s) and len(_types(s)) == 2 and "$ref" not in s,
        )
        for node in found:
            inner = {k: node.pop(k) for k in list(node) if k not in _ANNOTATIONS}
            inner["type"] = next(t for t in _types(inner) if t != "null")
            node[keyword] = (
                [inner, {"type": "null"}]
                if rnd.random() < 0.5
                else [
                    {"type": "null"},
                    inner,
                ]
            )
        return len(found)

    return apply


def _enum_to_const(doc: Doc, rnd: random.Random) -> int:
    found = _each(schemas(doc), lambda s: isinstance(s.get("enum"), list) and len(s["enum"]) == 1)
    for node in found:
        node["const"] = node.pop("enum")[0]
    return len(found)


def _const_to_enum(doc: Doc, rnd: random.Random) -> int:
    found = _each(schemas(doc), lambda s: "const" in s and "enum" not in s)
    for node in found:
        node["enum"] = [node.pop("const")]
    return len(found)


def _type_as_list(doc: Doc, rnd: random.Random) -> int:
    found = _each(schemas(doc), lambda s: isinstance(s.get("type"), str))
    for node in found:
        node["type"] = [node["type"]]
    return len(found)


def _type_list_reversed(doc: Doc, rnd: random.Random) -> int:
    found = _each(schemas(doc), lambda s: isinstance(s.get("type"), list) and len(s["type"]) > 1)
    for node in found:
        node["type"] = list(reversed(node["type"]))
    return len(found)


def _required_reversed(doc: Doc, rnd: random.Random) -> int:
    found = _each(schemas(doc), lambda s: isinstance(s.get("required"), list) and s["required"])
    for node in found:
        node["required"] = list(reversed(node["required"]))
    return len(found)


def _add_default(key: str, value: Any, type_: str) -> Callable[[Doc, random.Random], int]:
    def apply(doc: Doc, rnd: random.Random) -> int:
        found = _each(schemas(doc), lambda s: type_ in _types(s) and key not in s)
        for node in found:
            node[key] = value
        return len(found)

    return apply


def _ref_in_all_of(doc: Doc, rnd: random.Random) -> int:
    found = []
    for node in schemas(doc):
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict) and set(prop) == {"$ref"}:
                found.append((node, name))
    for node, name in found:
        node["properties"][name] = {"allOf": [node["properties"][name]]}
    return len(found)


def _ref_with_description(doc: Doc, rnd: random.Random) -> int:
    found = []
    for node in schemas(doc):
        for prop in (node.get("properties") or {}).values():
            if isinstance(prop, dict) and set(prop) == {"$ref"}:
                found.append(prop)
    for prop in found:
        prop["description"] = "The same value, documented beside its $ref."
    return len(found)


def _param_default(key: str, value: Callable[[dict[str, Any]], Any]) -> Callable[..., int]:
    def apply(doc: Doc, rnd: random.Random) -> int:
        found = [p for p in parameters(doc) if key not in p and value(p) is not None]
        for param in found:
            param[key] = value(param)
        return len(found)

    return apply


def _style(param: dict[str, Any]) -> str | None:
    return {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}.get(
        param.get("in", "")
    )


def _header_case(doc: Doc, rnd: random.Random) -> int:
    found = [p for p in parameters(doc) if p.get("in") == "header"]
    for param in found:
        param["name"] = param["name"].swapcase()
    for op in operations(doc):
        for response in (op.get("responses") or {}).values():
            headers = response.get("headers")
            if isinstance(headers, dict) and headers:
                response["headers"] = {k.swapcase(): v for k, v in headers.items()}
                found.append(response)
    return len(found)


def _ignored_header(doc: Doc, rnd: random.Random) -> int:
    ops = list(operations(doc))
    for op in ops:
        name = rnd.choice(["Accept", "Content-Type", "Authorization"])
        param = {"name": name, "in": "header", "schema": {"type": "string"}}
        op["parameters"] = [*(op.get("parameters") or []), param]
    return len(ops)


def _regex(transform: Callable[[str], str]) -> Callable[[Doc, random.Random], int]:
    def apply(doc: Doc, rnd: random.Random) -> int:
        count = 0
        for node in schemas(doc):
            if (
                isinstance(node.get("pattern"), str)
                and transform(node["pattern"]) != node["pattern"]
            ):
                node["pattern"] = transform(node["pattern"])
                count += 1
        return count

    return apply


def _reorder_class(pattern: str) -> str:
    """`[a-zA-Z ]` -> `[ A-Za-z]`: the members of each simple class, reversed."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "[" and "]" in pattern[i:]:
            end = pattern.index("]", i)
            body = pattern[i + 1 : end]
            if body and not body.startswith("^") and "\\" not in body:
                parts, j = [], 0
                while j < len(body):
                    if j + 2 < len(body) and body[j + 1] == "-":
                        parts.append(body[j : j + 3])
                        j += 3
                    else:
                        parts.append(body[j])
                        j += 1
                out.append("[" + "".join(reversed(parts)) + "]")
                i = end + 1
                continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _path_param_renamed(doc: Doc, rnd: random.Random) -> int:
    paths = doc.get("paths") or {}
    count = 0
    for path in list(paths):
        if "{" not in path:
            continue
        item = paths[path]
        names = [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]
        new_path = path
        for name in names:
            new_path = new_path.replace("{" + name + "}", "{" + name + "_key}")
        inline = [
            p
            for p in [*(item.get("parameters") or [])]
            + [p for m in METHODS for p in (item.get(m) or {}).get("parameters") or []]
            if isinstance(p, dict) and p.get("in") == "path"
        ]
        if len(inline) < len(names):
            continue  # a shared $ref'd parameter: renaming it would change other paths
        for param in inline:
            param["name"] = param["name"] + "_key"
        paths[new_path] = paths.pop(path)
        count += 1
    return count


def _int_format(doc: Doc, rnd: random.Random) -> int:
    found = _each(
        schemas(doc),
        lambda s: (
            _types(s) == ["integer"]
            and "format" not in s
            and isinstance(s.get("minimum"), int)
            and isinstance(s.get("maximum"), int)
            and -(2**31) <= s["minimum"]
            and s["maximum"] <= 2**31 - 1
        ),
    )
    for node in found:
        node["format"] = "int32"
    return len(found)


def _reversed_map(*path: str) -> Callable[[Doc, random.Random], int]:
    def apply(doc: Doc, rnd: random.Random) -> int:
        node: Any = doc
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict) or len(node) < 2:
            return 0
        items = list(node.items())
        node.clear()
        node.update(reversed(items))
        return 1

    return apply


def _responses_reversed(doc: Doc, rnd: random.Random) -> int:
    count = 0
    for op in operations(doc):
        responses = op.get("responses")
        if isinstance(responses, dict) and len(responses) > 1:
            op["responses"] = dict(reversed(list(responses.items())))
            count += 1
    return count


def _false_flag(key: str) -> Callable[[Doc, random.Random], int]:
    def apply(doc: Doc, rnd: random.Random) -> int:
        ops = [op for op in operations(doc) if key not in op]
        for op in ops:
            op[key] = False
        return len(ops)

    return apply


def _body_required_false(doc: Doc, rnd: random.Random) -> int:
    found = [
        op["requestBody"]
        for op in operations(doc)
        if "required" not in (op.get("requestBody") or {"required": 1})
    ]
    for body in found:
        body["required"] = False
    return len(found)


def _one_of_disjoint(doc: Doc, rnd: random.Random) -> int:
    found = _each(
        schemas(doc),
        lambda s: (
            isinstance(s.get("anyOf"), list)
            and all(isinstance(b, dict) and "type" in b and "$ref" not in b for b in s["anyOf"])
            and len({t for b in s["anyOf"] for t in _types(b)})
            == sum(len(_types(b)) for b in s["anyOf"])
        ),
    )
    for node in found:
        node["oneOf"] = node.pop("anyOf")
    return len(found)


_SCHEMA = "JSON Schema 2020-12"
_OAS = "OpenAPI 3.1.0"
REWRITES = (
    Rewrite(
        "nullable-type-as-anyof",
        f"{_SCHEMA} Validation §6.1.1 (type: an instance matches any of the types); Core §10.2.1.2 (anyOf)",
        _nullable("anyOf"),
    ),
    Rewrite(
        "nullable-type-as-oneof",
        f"{_SCHEMA} Core §10.2.1.3 (oneOf: exactly one; X and null are disjoint)",
        _nullable("oneOf"),
    ),
    Rewrite(
        "anyof-disjoint-as-oneof",
        f"{_SCHEMA} Core §10.2.1.2-3 (branches of disjoint types: at least one is exactly one)",
        _one_of_disjoint,
    ),
    Rewrite(
        "enum-single-as-const",
        f"{_SCHEMA} Validation §6.1.3 (const is functionally equivalent to an enum with a single value)",
        _enum_to_const,
        wire_only="the generator makes a str Enum class of an enum and a Literal of a const",
    ),
    Rewrite(
        "const-as-enum-single",
        f"{_SCHEMA} Validation §6.1.3",
        _const_to_enum,
        wire_only="the generator makes a str Enum class of an enum and a Literal of a const",
    ),
    Rewrite(
        "type-as-list",
        f"{_SCHEMA} Validation §6.1.1 (type: a string or an array of unique strings)",
        _type_as_list,
        wire_only="the generator names a model with `type: [object]` XType0, a public rename",
    ),
    Rewrite(
        "type-list-reordered",
        f"{_SCHEMA} Validation §6.1.1 (matches any of the types: order is no part of it)",
        _type_list_reversed,
    ),
    Rewrite(
        "required-reordered",
        f"{_SCHEMA} Validation §6.5.3 (required: the instance has every listed name)",
        _required_reversed,
    ),
    Rewrite(
        "min-length-zero",
        f"{_SCHEMA} Validation §6.3.2 (omitting minLength behaves as 0)",
        _add_default("minLength", 0, "string"),
    ),
    Rewrite(
        "min-items-zero",
        f"{_SCHEMA} Validation §6.4.2 (omitting minItems behaves as 0)",
        _add_default("minItems", 0, "array"),
    ),
    Rewrite(
        "unique-items-false",
        f"{_SCHEMA} Validation §6.4.3 (omitting uniqueItems behaves as false)",
        _add_default("uniqueItems", False, "array"),
    ),
    Rewrite(
        "min-properties-zero",
        f"{_SCHEMA} Validation §6.5.2 (omitting minProperties behaves as 0)",
        _add_default("minProperties", 0, "object"),
    ),
    Rewrite(
        "additional-properties-true",
        f"{_SCHEMA} Core §10.3.2.3 (omitting additionalProperties behaves as an empty schema)",
        _add_default("additionalProperties", True, "object"),
    ),
    Rewrite(
        "read-only-false",
        f"{_SCHEMA} Validation §9.4 (omitting readOnly behaves as false)",
        _add_default("readOnly", False, "string"),
    ),
    Rewrite(
        "multiple-of-one",
        f"{_SCHEMA} Validation §6.2.1, §6.1.1 (an integer is a multiple of 1)",
        _add_default("multipleOf", 1, "integer"),
    ),
    Rewrite(
        "int32-format-inside-bounds",
        f"{_OAS} §4.2.1 (int32: signed 32 bits); the bounds already keep the value inside",
        _int_format,
    ),
    Rewrite(
        "ref-in-all-of",
        f"{_SCHEMA} Core §10.2.1.1 (allOf of one schema is that schema)",
        _ref_in_all_of,
    ),
    Rewrite(
        "ref-with-annotation",
        f"{_OAS} §4.8.24 and {_SCHEMA} Core §8.2.3.1 (keywords beside $ref apply; an annotation asserts nothing)",
        _ref_with_description,
    ),
    Rewrite(
        "parameter-required-false",
        f"{_OAS} §4.8.12.1 (required: default false)",
        _param_default("required", lambda p: False if p.get("in") != "path" else None),
    ),
    Rewrite(
        "parameter-style-default",
        f"{_OAS} §4.8.12.1 (style default: query form, path and header simple)",
        _param_default("style", _style),
    ),
    Rewrite(
        "parameter-explode-default",
        f"{_OAS} §4.8.12.1 (explode: true for form, false for the other styles)",
        _param_default("explode", lambda p: _style(p) == "form" if _style(p) else None),
    ),
    Rewrite(
        "parameter-deprecated-false",
        f"{_OAS} §4.8.12.1 (deprecated: default false)",
        _param_default("deprecated", lambda p: False),
    ),
    Rewrite(
        "query-allow-reserved-false",
        f"{_OAS} §4.8.12.1 (allowReserved: default false)",
        _param_default("allowReserved", lambda p: False if p.get("in") == "query" else None),
    ),
    Rewrite(
        "operation-deprecated-false",
        f"{_OAS} §4.8.10.1 (deprecated: default false)",
        _false_flag("deprecated"),
    ),
    Rewrite(
        "request-body-required-false",
        f"{_OAS} §4.8.13.1 (required: default false)",
        _body_required_false,
    ),
    Rewrite(
        "header-name-case",
        f"{_OAS} §4.8.12.1 and RFC 9110 §5.1 (header names are case-insensitive)",
        _header_case,
    ),
    Rewrite(
        "reserved-header-parameter",
        f"{_OAS} §4.8.12.1 (an Accept, Content-Type or Authorization header parameter SHALL be ignored)",
        _ignored_header,
        wire_only="the generator adds a keyword parameter for it (a new optional parameter, INFO)",
    ),
    Rewrite(
        "regex-class-reordered",
        f"{_SCHEMA} Validation §6.3.3 and ECMA-262 §22.2 (a class is a set of characters)",
        _regex(_reorder_class),
    ),
    Rewrite(
        "regex-digit-escape",
        "ECMA-262 §22.2.2.9 (\\d is [0-9])",
        _regex(lambda p: p.replace("[0-9]", "\\d")),
    ),
    Rewrite(
        "regex-plus-as-bounds",
        "ECMA-262 §22.2.1 (x+ is x{1,})",
        _regex(lambda p: p.replace("]+", "]{1,}").replace("]*", "]{0,}")),
    ),
    Rewrite(
        "path-template-renamed",
        f"{_OAS} §4.8.8.2 (templated paths differing only in names are identical)",
        _path_param_renamed,
        wire_only="the generated function's keyword parameter is named after the path parameter",
    ),
    Rewrite(
        "paths-reordered", f"{_OAS} §4.8.8 (the Paths Object is a map)", _reversed_map("paths")
    ),
    Rewrite(
        "components-reordered",
        f"{_OAS} §4.8.7 (the Components Object's schemas are a map)",
        _reversed_map("components", "schemas"),
    ),
    Rewrite(
        "responses-reordered",
        f"{_OAS} §4.8.16 (the Responses Object is a map)",
        _responses_reversed,
    ),
)


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
MUTATIONS = (
    Mutation("operation-removed", "wire", _drop_op),
    Mutation("server-url-changed", "wire", _set("servers/0/url", "https://elsewhere.example/v9")),
    Mutation(
        "request-property-required-added",
        "wire",
        lambda d: (
            _schema(d, "SongCreate")["required"].append("brand_new")
            or _schema(d, "SongCreate")["properties"].update(brand_new={"type": "string"})
        ),
    ),
    Mutation(
        "response-required-property-removed",
        "wire",
        lambda d: _schema(d, "Song")["properties"].pop("title"),
    ),
    Mutation(
        "response-property-became-optional",
        "wire",
        lambda d: _schema(d, "Song")["required"].remove("title"),
    ),
    Mutation(
        "request-max-length-tightened",
        "wire",
        _set(f"{_S}/SongCreate/properties/title/maxLength", 3),
    ),
    Mutation(
        "request-min-length-tightened",
        "wire",
        _set(f"{_S}/SongCreate/properties/title/minLength", 40),
    ),
    Mutation(
        "request-maximum-tightened",
        "wire",
        _set(f"{_S}/SongCreate/properties/desired_length/maximum", 10),
    ),
    Mutation(
        "request-pattern-narrowed",
        "wire",
        _set(f"{_S}/SongCreate/properties/title/pattern", "^[a-z ]*$"),
    ),
    Mutation(
        "request-became-not-nullable",
        "wire",
        _set(f"{_S}/SongCreate/properties/arrangement_id/type", "integer"),
    ),
    Mutation(
        "response-became-nullable",
        "wire",
        _set(f"{_S}/Song/properties/title/type", ["string", "null"]),
    ),
    Mutation("response-type-changed", "wire", _set(f"{_S}/Song/properties/title/type", "integer")),
    Mutation(
        "request-type-changed",
        "wire",
        _set(f"{_S}/SongCreate/properties/desired_length/type", "string"),
    ),
    Mutation(
        "request-additional-properties-closed",
        "wire",
        _set(f"{_S}/SongCreate/additionalProperties", False),
    ),
    Mutation(
        "request-became-an-enum",
        "wire",
        _set(f"{_S}/SongCreate/properties/title/enum", ["Intro", "Outro"]),
    ),
    Mutation("request-maxlength-beside-ref", "wire", _ref_sibling_bound),
    Mutation("integer-intersection-then-string", "wire", _number_integer_then_string),
    Mutation(
        "request-path-parameter-retyped",
        "wire",
        _set("components/parameters/Id/schema/type", "string"),
    ),
    Mutation(
        "request-parameter-added-required",
        "wire",
        lambda d: (
            _first_op(d, "responses")
            .setdefault("parameters", [])
            .append({"name": "must", "in": "query", "required": True, "schema": {"type": "string"}})
        ),
    ),
    Mutation(
        "request-parameter-style-changed", "wire", _set("components/parameters/Id/style", "label")
    ),
    Mutation(
        "success-status-removed",
        "wire",
        lambda d: next(op for op in operations(d) if "200" in op["responses"])["responses"].pop(
            "200"
        ),
    ),
    Mutation(
        "response-media-type-removed",
        "wire",
        lambda d: next(op for op in operations(d) if "200" in op["responses"])["responses"]["200"][
            "content"
        ].pop("application/json"),
    ),
    Mutation(
        "security-scheme-name-changed",
        "wire",
        lambda d: next(
            s
            for s in d["components"]["securitySchemes"].values()
            if s.get("type") == "apiKey" or s.get("type") == "http"
        ).update(type="apiKey", name="X-Other", **{"in": "header"}),
    ),
    Mutation(
        "response-one-of-branch-added",
        "wire",
        _set(f"{_S}/Song/properties/title", {"oneOf": [{"type": "string"}, {"type": "integer"}]}),
    ),
    Mutation(
        "request-media-type-removed",
        "wire",
        lambda d: (
            [
                op["requestBody"]["content"].clear()
                or op["requestBody"]["content"].update(
                    {"text/plain": {"schema": {"type": "string"}}}
                )
                for op in operations(d)
                if "requestBody" in op
            ]
            and None
        ),
    ),
    Mutation(
        "response-header-serialization-changed",
        "wire",
        _set("components/headers/Retry-After/explode", True),
    ),
    # The Python side (each regenerates the client).
    Mutation(
        "model-closed-additional-properties",
        "python",
        _set(f"{_S}/Song/additionalProperties", False),
    ),
    Mutation(
        "model-field-renamed",
        "python",
        lambda d: (
            _schema(d, "Song")["properties"].__setitem__(
                "title_text", _schema(d, "Song")["properties"].pop("title")
            )
            or _schema(d, "Song")["required"].__setitem__(
                _schema(d, "Song")["required"].index("title"), "title_text"
            )
        ),
    ),
    Mutation(
        "operation-id-changed",
        "python",
        lambda d: _first_op(d, "operationId").update(operationId="renamedOperation"),
    ),
    Mutation("enum-member-removed", "python", lambda d: _schema(d, "MusicalMode")["enum"].pop()),
)


def mutation_applies(mutation: Mutation, doc: Doc) -> Doc:
    """The mutated copy of `doc`."""
    out = copy.deepcopy(doc)
    mutation.apply(out)
    return out


# -- varied specs -------------------------------------------------------------------------


def varied_spec(rnd: random.Random) -> Doc:
    """A small spec holding every construct a rewrite looks for, varied by `rnd`."""
    pick = rnd.choice
    name = pick(["Item", "Track", "Order"])
    value_type = pick(["string", "integer"])
    nullable = {"type": [value_type, "null"], "description": "may be null"}
    if value_type == "integer":
        nullable.update(minimum=0, maximum=pick([10, 1000]))
    props: dict[str, Any] = {
        "id": {"type": "integer", "minimum": 0, "maximum": pick([100, 2**20])},
        "code": {
            "type": "string",
            "pattern": pick(["^[a-z0-9]+$", "^[A-Z][a-zA-Z_]*$", "^[0-9]{2}-[a-f]+$"]),
        },
        "note": nullable,
        "kind": {"type": "string", "enum": [pick(["one", "fixed"])]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "size": {"anyOf": [{"type": "string", "maxLength": 8}, {"type": "integer"}]},
        "meta": {"$ref": "#/components/schemas/Meta"},
    }
    if rnd.random() < 0.5:
        props["flag"] = {"const": pick([True, "on"])}
    required = ["id", "code", *rnd.sample(["note", "kind", "tags", "meta"], k=2)]
    item = {"type": "object", "required": required, "properties": props}
    path = f"/{name.lower()}s"
    params = [
        {
            "name": "limit",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
        },
        {"name": "X-Trace-Id", "in": "header", "schema": {"type": "string"}},
    ]
    ok = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }
    ok["headers"] = {
        "X-Rate-Limit": {"schema": {"type": "integer"}, "required": rnd.random() < 0.5}
    }
    error = {
        "description": "error",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"message": {"type": "string"}}}
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "varied", "version": "1.0.0"},
        "paths": {
            path: {
                "get": {
                    "operationId": f"list{name}s",
                    "parameters": params,
                    "responses": {"200": ok, "404": error},
                },
                "post": {
                    "operationId": f"create{name}",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        }
                    },
                    "responses": {"201": ok, "400": error},
                },
            },
            f"{path}/{{{name.lower()}_id}}": {
                "get": {
                    "operationId": f"get{name}",
                    "parameters": [
                        {
                            "name": f"{name.lower()}_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {"200": ok, "404": error},
                }
            },
        },
        "components": {
            "schemas": {
                name: item,
                "Meta": {"type": "object", "properties": {"source": {"type": "string"}}},
            }
        },
    }


def as_json_text(doc: Doc) -> str:
    """The document as JSON with non-ASCII escaped, as json.dump writes it by default."""
    return json.dumps(doc, indent=1)
