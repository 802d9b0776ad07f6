# ruff: noqa: E501 - tables of rewrites and mutations: one per line
"""Two libraries for the metamorphic tests: rewrites that change no meaning, mutations that break.

A `Rewrite` rewrites every place of a document where it applies (or the one place `pick`
chooses) into another spelling that OpenAPI 3.1 or JSON Schema 2020-12 says means the same;
`cites` is that text. It returns how many places it rewrote. `wire_only` names why a rewrite
may change the generated Python package (the generator keys a name on the spelling), so the
Python side is not asked to find nothing there.

The breaking mutations and the varied specs are in spec_mutations.py.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from spec_docs import METHODS, Doc, operations, parameters, schemas, types_of

_ANNOTATIONS = ("description", "title", "example", "examples")


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
            lambda s: "null" in types_of(s) and len(types_of(s)) == 2 and "$ref" not in s,
        )
        for node in found:
            inner = {k: node.pop(k) for k in list(node) if k not in _ANNOTATIONS}
            inner["type"] = next(t for t in types_of(inner) if t != "null")
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
        found = _each(schemas(doc), lambda s: type_ in types_of(s) and key not in s)
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
    # A header parameter's name in one case, upper or lower: the generator names the keyword
    # parameter from its spelling, and mixed case (`x-tRACE-iD`) is a new keyword
    # (`x_t_race_i_d`), a real Python change; a name in one case is the same keyword.
    # Response headers, which the client does not read by name, swap case letter by letter.
    found = [p for p in parameters(doc) if p.get("in") == "header"]
    for param in found:
        param["name"] = rnd.choice([str.upper, str.lower])(param["name"])
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
            types_of(s) == ["integer"]
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
            and len({t for b in s["anyOf"] for t in types_of(b)})
            == sum(len(types_of(b)) for b in s["anyOf"])
        ),
    )
    for node in found:
        node["oneOf"] = node.pop("anyOf")
    return len(found)


# fmt: off
_SCHEMA = "JSON Schema 2020-12"
_OAS = "OpenAPI 3.1.0"
REWRITES = (
    Rewrite("nullable-type-as-anyof", f"{_SCHEMA} Validation §6.1.1 (type: an instance matches any of the types); Core §10.2.1.2 (anyOf)", _nullable("anyOf")),
    Rewrite("nullable-type-as-oneof", f"{_SCHEMA} Core §10.2.1.3 (oneOf: exactly one; X and null are disjoint)", _nullable("oneOf")),
    Rewrite("anyof-disjoint-as-oneof", f"{_SCHEMA} Core §10.2.1.2-3 (branches of disjoint types: at least one is exactly one)", _one_of_disjoint),
    Rewrite("enum-single-as-const", f"{_SCHEMA} Validation §6.1.3 (const is functionally equivalent to an enum with a single value)", _enum_to_const, wire_only="the generator makes a str Enum class of an enum and a Literal of a const"),
    Rewrite("const-as-enum-single", f"{_SCHEMA} Validation §6.1.3", _const_to_enum, wire_only="the generator makes a str Enum class of an enum and a Literal of a const"),
    Rewrite("type-as-list", f"{_SCHEMA} Validation §6.1.1 (type: a string or an array of unique strings)", _type_as_list, wire_only="the generator names a model with `type: [object]` XType0, a public rename"),
    Rewrite("type-list-reordered", f"{_SCHEMA} Validation §6.1.1 (matches any of the types: order is no part of it)", _type_list_reversed),
    Rewrite("required-reordered", f"{_SCHEMA} Validation §6.5.3 (required: the instance has every listed name)", _required_reversed),
    Rewrite("min-length-zero", f"{_SCHEMA} Validation §6.3.2 (omitting minLength behaves as 0)", _add_default("minLength", 0, "string")),
    Rewrite("min-items-zero", f"{_SCHEMA} Validation §6.4.2 (omitting minItems behaves as 0)", _add_default("minItems", 0, "array")),
    Rewrite("unique-items-false", f"{_SCHEMA} Validation §6.4.3 (omitting uniqueItems behaves as false)", _add_default("uniqueItems", False, "array")),
    Rewrite("min-properties-zero", f"{_SCHEMA} Validation §6.5.2 (omitting minProperties behaves as 0)", _add_default("minProperties", 0, "object")),
    Rewrite("additional-properties-true", f"{_SCHEMA} Core §10.3.2.3 (omitting additionalProperties behaves as an empty schema)", _add_default("additionalProperties", True, "object")),
    Rewrite("read-only-false", f"{_SCHEMA} Validation §9.4 (omitting readOnly behaves as false)", _add_default("readOnly", False, "string")),
    Rewrite("multiple-of-one", f"{_SCHEMA} Validation §6.2.1, §6.1.1 (an integer is a multiple of 1)", _add_default("multipleOf", 1, "integer")),
    Rewrite("int32-format-inside-bounds", f"{_OAS} §4.2.1 (int32: signed 32 bits); the bounds already keep the value inside", _int_format),
    Rewrite("ref-in-all-of", f"{_SCHEMA} Core §10.2.1.1 (allOf of one schema is that schema)", _ref_in_all_of),
    Rewrite("ref-with-annotation", f"{_OAS} §4.8.24 and {_SCHEMA} Core §8.2.3.1 (keywords beside $ref apply; an annotation asserts nothing)", _ref_with_description),
    Rewrite("parameter-required-false", f"{_OAS} §4.8.12.1 (required: default false)", _param_default("required", lambda p: False if p.get("in") != "path" else None)),
    Rewrite("parameter-style-default", f"{_OAS} §4.8.12.1 (style default: query form, path and header simple)", _param_default("style", _style)),
    Rewrite("parameter-explode-default", f"{_OAS} §4.8.12.1 (explode: true for form, false for the other styles)", _param_default("explode", lambda p: _style(p) == "form" if _style(p) else None)),
    Rewrite("parameter-deprecated-false", f"{_OAS} §4.8.12.1 (deprecated: default false)", _param_default("deprecated", lambda p: False)),
    Rewrite("query-allow-reserved-false", f"{_OAS} §4.8.12.1 (allowReserved: default false)", _param_default("allowReserved", lambda p: False if p.get("in") == "query" else None)),
    Rewrite("operation-deprecated-false", f"{_OAS} §4.8.10.1 (deprecated: default false)", _false_flag("deprecated")),
    Rewrite("request-body-required-false", f"{_OAS} §4.8.13.1 (required: default false)", _body_required_false),
    Rewrite("header-name-case", f"{_OAS} §4.8.12.1 and RFC 9110 §5.1 (header names are case-insensitive)", _header_case),
    Rewrite("reserved-header-parameter", f"{_OAS} §4.8.12.1 (an Accept, Content-Type or Authorization header parameter SHALL be ignored)", _ignored_header, wire_only="the generator adds a keyword parameter for it (a new optional parameter, INFO)"),
    Rewrite("regex-class-reordered", f"{_SCHEMA} Validation §6.3.3 and ECMA-262 §22.2 (a class is a set of characters)", _regex(_reorder_class)),
    Rewrite("regex-digit-escape", "ECMA-262 §22.2.2.9 (\\d is [0-9])", _regex(lambda p: p.replace("[0-9]", "\\d"))),
    Rewrite("regex-plus-as-bounds", "ECMA-262 §22.2.1 (x+ is x{1,})", _regex(lambda p: p.replace("]+", "]{1,}").replace("]*", "]{0,}"))),
    Rewrite("path-template-renamed", f"{_OAS} §4.8.8.2 (templated paths differing only in names are identical)", _path_param_renamed, wire_only="the generated function's keyword parameter is named after the path parameter"),
    Rewrite("paths-reordered", f"{_OAS} §4.8.8 (the Paths Object is a map)", _reversed_map("paths")),
    Rewrite("components-reordered", f"{_OAS} §4.8.7 (the Components Object's schemas are a map)", _reversed_map("components", "schemas")),
    Rewrite("responses-reordered", f"{_OAS} §4.8.16 (the Responses Object is a map)", _responses_reversed),
)
# fmt: on
