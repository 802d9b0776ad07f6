"""Where each behavioural check applies, read from the spec: its creates, lists, errors, secured
operations and the properties a create sends, a read carries, or only the server sets.

Pure functions over the raw spec (no schemathesis, no requests): the behavioural phase
(behave.py) and the single-answer checks (checks_behave.py) take their places from here, and
tests/contract/test_behave.py enumerates the same places to fail when one has no check.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .probe_values import operations, resolve

#: A property's declaration that the server may store another value than the one sent: a
#: mapping {from: <the sent value it replaces>, rule: <the spec's sentence>}.
TRANSFORM = "x-imuze-transform"


def _json_schema(node: Any, spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """The JSON schema of a request body or response, resolved ({} when none)."""
    node, _ = resolve(node, "", spec)
    media = node.get("content", {}).get("application/json") if isinstance(node, Mapping) else None
    schema, _ = resolve(media.get("schema") if isinstance(media, Mapping) else None, "", spec)
    return schema if isinstance(schema, Mapping) else {}


def properties(schema: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """A schema's properties, each resolved."""
    found: dict[str, Mapping[str, Any]] = {}
    for name, node in (schema.get("properties") or {}).items():
        resolved, _ = resolve(node, "", spec)
        found[str(name)] = resolved if isinstance(resolved, Mapping) else {}
    return found


def is_error_schema(schema: Mapping[str, Any]) -> bool:
    """An `Error`-like body: the integer `code` that repeats the status, required."""
    props = schema.get("properties") or {}
    code = props.get("code") if isinstance(props, Mapping) else None
    return isinstance(code, Mapping) and "code" in (schema.get("required") or [])


def error_places(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(operationId, status) of every documented answer whose body is an Error, or may be one:
    an anyOf/oneOf with an Error branch (an adopted proposal adds observed error shapes beside
    it; the check judges only a body that has a `code`)."""
    for operation_id, _, _, operation in operations(spec):
        for status, response in (operation.get("responses") or {}).items():
            schema = _json_schema(response, spec)
            branches = [
                resolve(b, "", spec)[0] for k in ("anyOf", "oneOf") for b in schema.get(k) or []
            ]
            if any(isinstance(b, Mapping) and is_error_schema(b) for b in [schema, *branches]):
                yield operation_id, str(status)


def success_places(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(operationId, status) of every documented 2xx answer with a JSON body."""
    for operation_id, _, _, operation in operations(spec):
        for status, response in (operation.get("responses") or {}).items():
            if str(status).startswith("2") and _json_schema(response, spec):
                yield operation_id, str(status)


def secured(spec: Mapping[str, Any]) -> Iterator[str]:
    """The operations that need credentials (their own `security`, else the spec's)."""
    default = spec.get("security") or []
    for operation_id, _, _, operation in operations(spec):
        if any(operation.get("security", default)):
            yield operation_id


@dataclass(frozen=True)
class ListPlace:
    """A list operation (`count` and `response` items with ids) and its item read."""

    list_id: str
    item_id: str | None
    path: str


def list_places(spec: Mapping[str, Any]) -> Iterator[ListPlace]:
    """Every GET whose 200 body lists items with ids, with the GET of `{path}/{id}`."""
    by_path = {(method, path): operation_id for operation_id, method, path, _ in operations(spec)}
    for operation_id, method, path, operation in operations(spec):
        if method != "GET":
            continue
        schema = _json_schema((operation.get("responses") or {}).get("200"), spec)
        props = properties(schema, spec)
        items, _ = resolve(props.get("response", {}).get("items"), "", spec)
        if "count" in props and isinstance(items, Mapping) and "id" in properties(items, spec):
            yield ListPlace(operation_id, by_path.get(("GET", f"{path}/{{id}}")), path)


@dataclass(frozen=True)
class CreatePlace:
    """A create (POST with a 201 body with an id), its item read and its list."""

    create_id: str
    item_id: str
    list_id: str | None
    request: Mapping[str, Any]
    #: The read models: the create's own answer, the item, a list's item.
    reads: Mapping[str, Mapping[str, Any]]


def create_places(spec: Mapping[str, Any]) -> Iterator[CreatePlace]:
    """Every create whose resource the spec lets a client read back."""
    by_path = {(method, path): (oid, op) for oid, method, path, op in operations(spec)}
    lists = {place.path: place.list_id for place in list_places(spec)}
    for operation_id, method, path, operation in operations(spec):
        created = _json_schema((operation.get("responses") or {}).get("201"), spec)
        item = by_path.get(("GET", f"{path}/{{id}}"))
        if method != "POST" or "id" not in properties(created, spec) or item is None:
            continue
        reads = {operation_id: created, item[0]: item_schema(item[1], spec)}
        list_id = lists.get(path)
        if list_id is not None:
            listed = _json_schema(
                (by_path[("GET", path)][1].get("responses") or {}).get("200"), spec
            )
            items, _ = resolve(properties(listed, spec)["response"].get("items"), "", spec)
            reads[list_id] = items
        request = _json_schema(operation.get("requestBody"), spec)
        yield CreatePlace(operation_id, item[0], list_id, request, reads)


def item_schema(operation: Mapping[str, Any], spec: Mapping[str, Any]) -> Mapping[str, Any]:
    return _json_schema((operation.get("responses") or {}).get("200"), spec)


def round_trip_fields(place: CreatePlace, spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """Per read operation, the properties that both the create request and that read carry."""
    sent = set(properties(place.request, spec))
    return {
        read: sorted(sent & set(properties(schema, spec))) for read, schema in place.reads.items()
    }


def transforms(place: CreatePlace, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The request's properties the spec declares the server may change: name -> sent value."""
    found: dict[str, Any] = {}
    for name, schema in properties(place.request, spec).items():
        declared = schema.get(TRANSFORM)
        if isinstance(declared, Mapping) and "from" in declared:
            found[name] = declared["from"]
    return found


def server_owned(place: CreatePlace, spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The properties a read carries and the request does not (`id`, `status`, the URLs, ...),
    and every readOnly property: what a create must not let a client set."""
    request = properties(place.request, spec)
    found: dict[str, Mapping[str, Any]] = {}
    for schema in place.reads.values():
        for name, prop in properties(schema, spec).items():
            if name not in request or prop.get("readOnly"):
                found.setdefault(name, prop)
    return found


#: A URL-valued property's declaration of what it leads to: {type: <media type or type/*>,
#: range: <whether a single Range is honoured>}.
MEDIA = "x-imuze-media"


def is_link(name: str, prop: Mapping[str, Any]) -> bool:
    """A URL-valued property: `format: uri`, or a name ending in `_url`."""
    return prop.get("format") == "uri" or name.endswith("_url")


def link_places(spec: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(schema name, property, its x-imuze-media or {}) for every URL-valued property."""
    for schema_name, schema in (spec.get("components", {}).get("schemas") or {}).items():
        if not isinstance(schema, Mapping):
            continue
        for name, prop in properties(schema, spec).items():
            if is_link(name, prop):
                declared = prop.get(MEDIA)
                yield str(schema_name), name, declared if isinstance(declared, Mapping) else {}


def links_of(schema: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """A read model's URL-valued properties that declare their media: name -> x-imuze-media."""
    return {
        name: prop[MEDIA]
        for name, prop in properties(schema, spec).items()
        if is_link(name, prop) and isinstance(prop.get(MEDIA), Mapping)
    }


@dataclass(frozen=True)
class PathPlace:
    """A path of the spec, the methods it defines, and the operation that speaks for it
    (its GET, else its first)."""

    path: str
    methods: tuple[str, ...]
    operation_id: str
    get_id: str | None


def path_places(spec: Mapping[str, Any]) -> Iterator[PathPlace]:
    """Every path of the spec (for HEAD, OPTIONS and a non-JSON Accept)."""
    by_path: dict[str, list[tuple[str, str]]] = {}
    for operation_id, method, path, _ in operations(spec):
        by_path.setdefault(path, []).append((method, operation_id))
    for path, defined in by_path.items():
        gets = [oid for method, oid in defined if method == "GET"]
        methods = tuple(method for method, _ in defined)
        yield PathPlace(path, methods, gets[0] if gets else defined[0][1], next(iter(gets), None))


def body_places(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(operationId, request schema) of every operation that takes a JSON body."""
    for operation_id, _, _, operation in operations(spec):
        schema = _json_schema(operation.get("requestBody"), spec)
        if schema:
            yield operation_id, schema


def schema_depth(node: Any, spec: Mapping[str, Any], seen: int = 0) -> int:
    """How deep a JSON value the schema describes can nest (refs followed; 64 for a cycle)."""
    node, _ = resolve(node, "", spec)
    if not isinstance(node, Mapping) or seen > 64:
        return 0 if seen <= 64 else 64
    children = [*(node.get("properties") or {}).values(), node.get("items"),
                *(node.get("anyOf") or []), *(node.get("oneOf") or []),
                *(node.get("allOf") or [])]  # fmt: skip
    nested = [schema_depth(child, spec, seen + 1) for child in children if child is not None]
    inner = max(nested, default=0)
    own = 1 if node.get("type") in ("object", "array") or "properties" in node else 0
    return inner + own
