# ruff: noqa: E501 - a table: one normalization per line reads better than one field per line
"""Bring both specs to one canonical form before any rule runs: rules judge meaning, not spelling.

`NORMALIZATIONS` is the table: each row names one rewrite, where it applies, and the text of
OpenAPI 3.1 or JSON Schema 2020-12 that makes both spellings mean the same. `normalize(spec)`
applies every document row and every schema row to a copy of the document (the original text
is kept: the Python verdict generates the client from it). The walk is iterative, so neither
a deep document nor a long `$ref` chain reaches Python's recursion limit; a `$ref` is left in
place (the comparison follows it, memoised, so a `$ref` loop is finite) unless keywords beside
it constrain the value, in which case it becomes an `allOf` branch (OAS 3.1 applies them).
Regular expressions are compared by _patterns.compare_patterns (the pattern-equivalent row).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._walk import copy_tree, walk
from .load import Node, Spec


@dataclass(frozen=True)
class Normalization:
    """One row: a rewrite of the document that changes no meaning, and why."""

    id: str
    applies_to: str
    does: str
    source: str
    text: str


# fmt: off
NORMALIZATIONS = (
    Normalization("ref-resolved", "every $ref", "a $ref is followed (memoised, so a $ref loop is finite); the target is compared, not the spelling of the reference", "JSON Schema 2020-12 Core §8.2.3.1; OAS 3.1 §4.8.23", "\"$ref\" ... is used to reference a statically identified schema. Its results are the results of the referenced schema."),
    Normalization("ref-siblings-applied", "a schema with $ref and other assertions", "the keywords beside a $ref become a sibling of an allOf branch holding the $ref", "JSON Schema 2020-12 Core §7.7.1.1, §10.2.1.1; OAS 3.1 §4.8.24", "\"$ref\" is an applicator ... its results are combined with those of the other keywords of the schema object (in 2020-12, other keywords beside $ref are not ignored); allOf: an instance validates successfully against this keyword if it validates successfully against all schemas"),
    Normalization("nullable-as-type", "nullable: true (OAS 3.0 spelling)", "\"null\" is added to type", "OAS 3.1 §4.8.24 (migration from 3.0)", "nullable ... was removed in favour of type: [..., \"null\"]: a value of null is valid when \"null\" is one of the types"),
    Normalization("nullable-anyof-folded", "anyOf/oneOf of an inline typed schema X and {type: null}", "folded into X with \"null\" added to its type; with a $ref X, oneOf becomes anyOf and the null branch comes last", "JSON Schema 2020-12 Validation §6.1.1; Core §10.2.1.2-3", "type: an instance validates successfully if its type matches any of the types; anyOf/oneOf: valid against at least one / exactly one (X excludes null, so one and exactly one coincide)"),
    Normalization("oneof-disjoint-as-anyof", "oneOf whose branches each state types, pairwise disjoint", "written anyOf", "JSON Schema 2020-12 Core §10.2.1.2-3", "oneOf: valid against exactly one; anyOf: valid against at least one. Branches of disjoint types cannot both hold, so at least one is exactly one."),
    Normalization("type-list-canonical", "type", "a list of one type is that type; a list is sorted and de-duplicated", "JSON Schema 2020-12 Validation §6.1.1", "The value of this keyword MUST be either a string or an array. If it is an array, elements of the array MUST be strings and MUST be unique."),
    Normalization("const-as-enum", "const, single-value enum", "const v is enum [v]", "JSON Schema 2020-12 Validation §6.1.3", "Use of this keyword [const] is functionally equivalent to an \"enum\" with a single value."),
    Normalization("allof-folded", "allOf", "branches are merged: properties and required unioned, the tighter bound kept, types intersected with integer inside number", "JSON Schema 2020-12 Core §10.2.1.1; Validation §6.1.1", "An instance validates successfully against this keyword if it validates successfully against all schemas defined by this keyword's value; \"integer\" matches any number with a zero fractional part"),
    Normalization("exclusive-bound-numeric", "exclusiveMinimum/Maximum: true (OAS 3.0 spelling)", "the boolean with minimum/maximum becomes the numeric exclusive bound", "JSON Schema 2020-12 Validation §6.2.3, §6.2.5", "The value of \"exclusiveMaximum\" MUST be a number ... the instance is valid only if it has a value strictly less than"),
    Normalization("implied-bound-dropped", "minLength 0, minItems 0, minProperties 0, uniqueItems false, multipleOf 1 on integers, required []", "a bound that every value of its type meets is dropped", "JSON Schema 2020-12 Validation §6.3.2, §6.4.2, §6.4.3, §6.5.2, §6.5.3, §6.2.1", "Omitting this keyword has the same behavior as a value of 0 / false / an empty array"),
    Normalization("open-applicator-dropped", "additionalProperties, unevaluatedProperties, unevaluatedItems, items, propertyNames: true or {}", "a subschema that admits everything is dropped", "JSON Schema 2020-12 Core §10.3.2.3, §11; §4.3.2", "Omitting this keyword has the same assertion behavior as an empty schema; the empty schema and true always pass"),
    Normalization("false-annotation-dropped", "deprecated, readOnly, writeOnly: false", "dropped", "JSON Schema 2020-12 Validation §9.3, §9.4", "Omitting these keywords has the same behavior as values of false."),
    Normalization("implied-format-dropped", "format int32/int64 on an integer bounded inside its range; a bound equal to the format's", "the implied one of the two is dropped", "OAS 3.1 §4.2.1 (Data Type Format); JSON Schema 2020-12 Validation §7.2.1", "int32: signed 32 bits; int64: signed 64 bits (long): a value inside the bounds is inside the format's range"),
    Normalization("pattern-equivalent", "pattern", "two regexes equal after parsing (character classes sorted and merged, \\d as [0-9], {1,} as +) are the same; patterns that cannot be proved equal are a WARN (pattern-changed), never an ERR", "JSON Schema 2020-12 Validation §6.3.3; Core §6.4", "A string instance is considered valid if the regular expression matches the instance successfully (ECMA-262); \\d is [0-9] in ECMA-262 without the u flag"),
    Normalization("header-name-lowercased", "header parameter and response header names", "compared lower-cased", "OAS 3.1 §4.8.12.1 (Parameter Object: name); RFC 9110 §5.1", "Header field names are case-insensitive."),
    Normalization("reserved-header-ignored", "header parameters Accept, Content-Type, Authorization; response header Content-Type", "dropped", "OAS 3.1 §4.8.12.1, §4.8.21.1", "If in is \"header\" and the name field is \"Accept\", \"Content-Type\" or \"Authorization\", the parameter definition SHALL be ignored. If a response header is defined with the name \"Content-Type\", it SHALL be ignored."),
    Normalization("path-template-positional", "path templates and path parameters", "paths are keyed with their parameter names erased, and path parameters matched by position", "OAS 3.1 §4.8.8.2, §4.8.2", "Templated paths with the same hierarchy but different templated names MUST NOT exist as they are identical."),
    Normalization("parameter-defaults-dropped", "parameters and headers: required false, allowEmptyValue false, allowReserved false, deprecated false, the default style and explode; requestBody required false", "dropped", "OAS 3.1 §4.8.12.1, §4.8.12.4, §4.8.13.1", "required: the default value is false; style default: query and cookie form, path and header simple; explode: when style is form, the default value is true, for all other styles false"),
    Normalization("status-code-canonical", "response codes", "a code is a string, and a range is written with upper-case X", "OAS 3.1 §4.8.16.2", "This field MUST be enclosed in quotation marks ... the following range definitions are allowed: 1XX, 2XX, 3XX, 4XX, and 5XX."),
    Normalization("media-type-lowercased", "content keys", "type and subtype lower-cased", "OAS 3.1 §4.8.14; RFC 6838 §4.2", "Both top-level type and subtype names are case-insensitive."),
)
# fmt: on

_ANNOTATIONS = frozenset(
    {"description", "summary", "title", "example", "examples", "externalDocs", "$comment"}
)
_OPEN_DROPPED = (
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "items",
    "propertyNames",
)
_ZERO_BOUNDS = ("minLength", "minItems", "minProperties")
_FALSE_FLAGS = ("uniqueItems", "deprecated", "readOnly", "writeOnly")
_FORMAT_RANGE = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_RESERVED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def normalize(spec: Spec) -> Spec:
    """The canonical form of `spec` (its text kept as it was)."""
    doc = copy_tree(spec.doc)
    rewrites: dict[str, Callable[[Node], None]] = {
        "schema": _schema,
        "parameter": _parameter,
        "responses": _responses,
        "content": _lower_keys,
        "headers": _headers,
        "operation": _operation,
    }
    for node, kind in walk(doc):
        if kind in rewrites:
            rewrites[kind](node)
    return Spec(spec.source, doc, spec.text)


# -- schemas ------------------------------------------------------------------------------


def _schema(node: Node) -> None:
    """Every schema row, in an order where each sees the previous ones' output."""
    for step in _SCHEMA_STEPS:
        step(node)


def _ref_siblings(node: Node) -> None:
    if "$ref" not in node:
        return
    constraining = [k for k in node if k != "$ref" and k not in _ANNOTATIONS]
    if constraining:
        branch = {"$ref": node.pop("$ref")}
        node["allOf"] = [branch, *(node.pop("allOf", None) or [])]


def _nullable(node: Node) -> None:
    if node.pop("nullable", None) is True and "type" in node:
        node["type"] = [*_as_list(node["type"]), "null"]


def _is_null(branch: Any) -> bool:
    if not isinstance(branch, dict):
        return False
    rest = {k: v for k, v in branch.items() if k not in _ANNOTATIONS}
    return rest in ({"type": "null"}, {"type": ["null"]}, {"const": None}, {"enum": [None]})


def _nullable_branches(node: Node) -> None:
    for keyword in ("anyOf", "oneOf"):
        branches = node.get(keyword)
        if not isinstance(branches, list) or len(branches) != 2:
            continue
        nulls = [b for b in branches if _is_null(b)]
        others = [b for b in branches if not _is_null(b)]
        if len(nulls) != 1 or len(others) != 1 or not isinstance(others[0], dict):
            continue
        other = others[0]
        if "$ref" in other or "type" not in other or "null" in _as_list(other["type"]):
            del node[keyword]
            node["anyOf"] = [other, {"type": "null"}]
            continue
        del node[keyword]
        for key, value in other.items():
            if key not in node or key == "type":
                node[key] = value
        node["type"] = [*_as_list(other["type"]), "null"]


def _disjoint_one_of(node: Node) -> None:
    branches = node.get("oneOf")
    if not isinstance(branches, list) or "anyOf" in node:
        return
    seen: set[str] = set()
    for branch in branches:
        if not isinstance(branch, dict) or "$ref" in branch or "type" not in branch:
            return
        types = set(_as_list(branch["type"]))
        if "number" in types:
            types.add("integer")
        if types & seen:
            return
        seen |= types
    node["anyOf"] = node.pop("oneOf")


def unfold_nullable(node: Node) -> Node:
    """The inverse of nullable-anyof-folded, for pairing with a schema written with branches:
    `type: [X, "null"]` as `anyOf: [{type: X, ...}, {type: null}]`; other schemas unchanged."""
    types = _as_list(node.get("type"))
    if "null" not in types or len(types) != 2 or "anyOf" in node or "oneOf" in node:
        return node
    outer = {k: v for k, v in node.items() if k in _ANNOTATIONS}
    inner = {k: v for k, v in node.items() if k not in _ANNOTATIONS}
    inner["type"] = next(t for t in types if t != "null")
    return {**outer, "anyOf": [inner, {"type": "null"}]}


def _type_list(node: Node) -> None:
    if "type" in node and isinstance(node["type"], list):
        types = sorted(set(map(str, node["type"])))
        node["type"] = types[0] if len(types) == 1 else types


def _const(node: Node) -> None:
    if "const" in node and "enum" not in node:
        node["enum"] = [node.pop("const")]


def _exclusive(node: Node) -> None:
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(flag), bool):
            if node.pop(flag) and bound in node:
                node[flag] = node.pop(bound)


def _implied(node: Node) -> None:
    for key in _ZERO_BOUNDS:
        if node.get(key) == 0 and not isinstance(node.get(key), bool):
            del node[key]
    for key in _FALSE_FLAGS:
        if node.get(key) is False:
            del node[key]
    if node.get("required") == []:
        del node["required"]
    if set(_as_list(node.get("type"))) - {"null"} == {"integer"} and node.get("multipleOf") == 1:
        del node["multipleOf"]
    for key in _OPEN_DROPPED:
        if node.get(key) is True or node.get(key) == {}:
            del node[key]
    _implied_format(node)


def _implied_format(node: Node) -> None:
    bounds = _FORMAT_RANGE.get(str(node.get("format")))
    if set(_as_list(node.get("type"))) - {"null"} != {"integer"} or bounds is None:
        return
    low, high = bounds
    for key, limit in (("minimum", low), ("maximum", high)):
        if node.get(key) == limit:
            del node[key]
    inside = all(isinstance(node.get(k), int) for k in ("minimum", "maximum")) and (
        low <= node["minimum"] and node["maximum"] <= high
    )
    if inside:
        del node["format"]


def _sorted_required(node: Node) -> None:
    if isinstance(node.get("required"), list):
        node["required"] = sorted(set(map(str, node["required"])))


_SCHEMA_STEPS: tuple[Callable[[Node], None], ...] = (
    _ref_siblings,
    _nullable,
    _nullable_branches,
    _disjoint_one_of,
    _type_list,
    _const,
    _exclusive,
    _implied,
    _sorted_required,
)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


# -- the rest of the document -------------------------------------------------------------


def _parameter(node: Node) -> None:
    """A Parameter Object, or a Header Object (which has no `in`)."""
    where = node.get("in", "header")
    if where == "header" and isinstance(node.get("name"), str):
        node["name"] = node["name"].lower()
    for key in ("allowEmptyValue", "allowReserved", "deprecated"):
        if node.get(key) is False:
            del node[key]
    if node.get("required") is False:
        del node["required"]
    style = _DEFAULT_STYLE.get(str(where))
    if style is not None and node.get("style") == style:
        del node["style"]
    if "explode" in node and node["explode"] == (node.get("style", style) == "form"):
        del node["explode"]


def _operation(node: Node) -> None:
    params = node.get("parameters")
    if isinstance(params, list):
        node["parameters"] = [p for p in params if not _reserved_header(p)]
    if node.get("deprecated") is False:
        del node["deprecated"]
    body = node.get("requestBody")
    if isinstance(body, dict) and body.get("required") is False:
        del body["required"]


def _reserved_header(param: Any) -> bool:
    return (
        isinstance(param, dict)
        and param.get("in") == "header"
        and str(param.get("name", "")).lower() in _RESERVED_HEADERS
    )


def _responses(node: Node) -> None:
    items = list(node.items())
    node.clear()
    for code, response in items:
        key = str(code)
        node[key.upper() if re.fullmatch(r"[1-5]xx", key, re.IGNORECASE) else key] = response


def _headers(node: Node) -> None:
    items = list(node.items())
    node.clear()
    for name, header in items:
        if str(name).lower() != "content-type":
            node[str(name).lower()] = header


def _lower_keys(node: Node) -> None:
    items = list(node.items())
    node.clear()
    for media, value in items:
        kind, _, params = str(media).partition(";")
        node[kind.strip().lower() + (f";{params}" if params else "")] = value
