"""The inputs no fuzzer sends: HEAD and OPTIONS, an Accept without JSON, and bodies nested too
deep, too large, with a duplicate key or in another charset than they say.

For every path of the spec (behave_places.path_places): HEAD (as GET, without a body, where GET
is defined: RFC 9110 §9.3.2), OPTIONS (2xx or 405; Allow naming the path's methods on a 405,
and on a 2xx that sends one: RFC 9110 §9.3.7 and §15.5.6) and `Accept: text/html` (406, or
JSON regardless: RFC 9110 §12.5.1). For every operation with a JSON body (body_places): the
spec's example nested deeper than its schema lets any value go, a body over OVERSIZED bytes,
the example with a key twice (RFC 8259 §4: refused, or the last value kept), and latin-1
bytes that are not UTF-8, said to be latin-1 (RFC 8259 §8.1: JSON is UTF-8). None may answer
5xx. At most PER_PATH requests per path and PER_BODY per operation with a body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from schemathesis.core.transport import Response

from .behave_places import PathPlace, body_places, path_places, schema_depth
from .probe_values import operations, request_example

if TYPE_CHECKING:
    from .behave import Phase

#: Requests per path: HEAD, the GET it is compared with, OPTIONS, an Accept without JSON.
PER_PATH = 4
PATH_CHECKS = ("head_like_get", "options_answered", "accept_without_json")
#: Requests per operation with a body: too deep, too large, a key twice, a wrong charset.
PER_BODY = 4
#: The size of the oversized body, in bytes (over 1 MiB).
OVERSIZED = 1024 * 1024 + 1
#: How much deeper than its schema the deep body nests.
EXTRA_DEPTH = 256
_FIRST = "Zz First Of Two"


def input_places_of_checks(spec: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Where each check of the odd inputs applies: every path (by the operation that speaks
    for it) and every operation that takes a JSON body (the run's coverage)."""
    paths = frozenset(place.operation_id for place in path_places(spec))
    bodies = frozenset(operation_id for operation_id, _ in body_places(spec))
    return {
        "head_like_get": paths,
        "options_answered": paths,
        "accept_without_json": paths,
        "deep_body_refused": bodies,
        "oversized_body_refused": bodies,
        "duplicate_keys_consistent": bodies,
        "wrong_charset_refused": bodies,
    }


def _url(phase: Phase, path: str, ids: Mapping[str, int]) -> str | None:
    """The path filled with an id the run knows for it (None: it knows none)."""
    if "{id}" not in path:
        return phase.base_url + path
    known = ids.get(path)
    return None if known is None else phase.base_url + path.replace("{id}", str(known))


def _header(response: Response, name: str) -> str:
    values = response.headers.get(name.lower()) or response.headers.get(name) or []
    return ", ".join(values) if isinstance(values, list) else str(values)


def probe_inputs(phase: Phase, ids: Mapping[str, int]) -> None:
    """Every path's HEAD, OPTIONS and Accept probes; every body's four probes."""
    for place in path_places(phase.spec):
        url = _url(phase, place.path, ids)
        if url is None:
            why = f"for {place.path}: the run knows no id to fill it with"
            phase.done.not_run += [(check, why) for check in PATH_CHECKS]
            continue
        _head(phase, place, url)
        _options(phase, place, url)
        _accept(phase, place, url)
    examples = {oid: request_example(op, phase.spec) for oid, _, _, op in operations(phase.spec)}
    paths = {oid: path for oid, _, path, _ in operations(phase.spec)}
    for operation_id, schema in body_places(phase.spec):
        example = examples.get(operation_id)
        if not isinstance(example, Mapping) or not example:
            phase.done.not_run.append(("deep_body_refused", f"{operation_id} has no example"))
            continue
        url = phase.base_url + paths[operation_id]
        deep = _nested(example, schema_depth(schema, phase.spec) + EXTRA_DEPTH)
        _refused(phase, operation_id, "deep_body_refused", url, json.dumps(deep).encode(),
                 "a body nested deeper than its schema")  # fmt: skip
        _refused(phase, operation_id, "oversized_body_refused", url, _oversized(example),
                 f"a body of {OVERSIZED} bytes")  # fmt: skip
        _duplicate(phase, operation_id, url, example)
        latin = json.dumps(_accented(example), ensure_ascii=False).encode("latin-1", "replace")
        charset = "application/json; charset=latin-1"
        _refused(phase, operation_id, "wrong_charset_refused", url, latin,
                 "latin-1 bytes that are not UTF-8", charset)  # fmt: skip


def _fails(response: Response | None) -> bool:
    return response is None or response.status_code >= 500


def _said(response: Response | None) -> str:
    return "no answer" if response is None else str(response.status_code)


def _head(phase: Phase, place: PathPlace, url: str) -> None:
    head = phase.raw(place.operation_id, "HEAD", url)
    if place.get_id is None:
        if _fails(head) or (head is not None and 200 <= head.status_code < 300):
            wanted = f"a 4xx to HEAD {place.path}, which defines no GET"
            phase.report(place.operation_id, "head_like_get", head, "HEAD", wanted, _said(head))
        return
    got = phase.raw(place.operation_id, "GET", url)
    same = head is not None and got is not None and head.status_code == got.status_code
    if _fails(head) or not same or (head is not None and head.content):
        body = f" with {len(head.content)} bytes" if head is not None and head.content else ""
        phase.report(place.operation_id, "head_like_get", head, "HEAD",
                     f"HEAD answered as GET ({_said(got)}) without a body",
                     f"{_said(head)}{body}")  # fmt: skip


def _options(phase: Phase, place: PathPlace, url: str) -> None:
    answer = phase.raw(place.operation_id, "OPTIONS", url)
    if answer is None:
        phase.report(place.operation_id, "options_answered", None, "OPTIONS",
                     "2xx or 405 with Allow", "no answer")  # fmt: skip
        return
    allow = {m.strip().upper() for m in _header(answer, "allow").split(",") if m.strip()}
    fits = 200 <= answer.status_code < 300 or answer.status_code == 405
    # Allow is a MUST on 405 (§15.5.6), a SHOULD on 2xx (§9.3.7): judged there when sent.
    named = set(place.methods) <= allow or (answer.status_code != 405 and not allow)
    if not fits or not named:
        said = _header(answer, "allow")[:60] or "none"
        phase.report(place.operation_id, "options_answered", answer, "OPTIONS",
                     f"2xx or 405 with Allow naming {', '.join(place.methods)}",
                     f"{answer.status_code} with Allow: {said}")  # fmt: skip


def _accept(phase: Phase, place: PathPlace, url: str) -> None:
    method = place.methods[0] if place.get_id is None else "GET"
    data = None
    if method != "GET":
        example = request_example(dict(_operation(phase, place.operation_id)), phase.spec)
        data = json.dumps(example).encode() if example is not None else None
    answer = phase.raw(place.operation_id, method, url, headers={
        "Accept": "text/html", "Content-Type": "application/json"}, data=data)  # fmt: skip
    kind = "" if answer is None else _header(answer, "content-type").split(";")[0].strip()
    json_like = kind == "application/json" or kind.endswith("+json")
    if _fails(answer) or (answer is not None and answer.status_code != 406 and not json_like):
        phase.report(place.operation_id, "accept_without_json", answer, "Accept",
                     "406, or JSON, to Accept: text/html",
                     f"{_said(answer)} {kind or 'untyped'}")  # fmt: skip


def _operation(phase: Phase, operation_id: str) -> Mapping[str, Any]:
    return next(op for oid, _, _, op in operations(phase.spec) if oid == operation_id)


def _nested(example: Mapping[str, Any], depth: int) -> dict[str, Any]:
    """The example with its first property's value wrapped in `depth` arrays."""
    name = next(iter(example))
    value: Any = example[name]
    for _ in range(depth):
        value = [value]
    return {**example, name: value}


def _accented(value: Any) -> Any:
    """`value` with "Caf\u00e9 " before its first string (é is one byte in latin-1, not UTF-8)."""
    if isinstance(value, str):
        return "Caf\u00e9 " + value
    if isinstance(value, Mapping):
        for key, inner in value.items():
            changed = _accented(inner)
            if changed != inner:
                return {**value, key: changed}
    return value


def _oversized(example: Mapping[str, Any]) -> bytes:
    one = json.dumps(example)
    copies = OVERSIZED // (len(one) + 1) + 1
    return ("[" + ",".join([one] * copies) + "]").encode()


def _refused(
    phase: Phase, operation_id: str, check: str, url: str, data: bytes, what: str,
    content_type: str = "application/json",
) -> None:  # fmt: skip
    answer = phase.raw(operation_id, "POST", url, headers={"Content-Type": content_type},
                       data=data)  # fmt: skip
    if answer is None or not 400 <= answer.status_code < 500:
        phase.report(operation_id, check, answer, "body", f"a 4xx to {what}", _said(answer))


def _duplicate(phase: Phase, operation_id: str, url: str, example: Mapping[str, Any]) -> None:
    """The example's first key twice: the first time another value (a string gets _FIRST)."""
    name = next(iter(example))
    last = example[name]
    first = _FIRST if isinstance(last, str) else last
    pairs = [(name, first), *example.items()]
    data = ("{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs) + "}").encode()
    answer = phase.raw(operation_id, "POST", url, headers={"Content-Type": "application/json"},
                       data=data)  # fmt: skip
    body = None
    if answer is not None and 200 <= answer.status_code < 300:
        try:
            body = answer.json()
        except ValueError:
            body = None
    kept = body.get(name) if isinstance(body, Mapping) else None
    if _fails(answer) or (kept is not None and kept != last):
        actual = _said(answer) if _fails(answer) else f"{name} kept the first value"
        phase.report(operation_id, "duplicate_keys_consistent", answer, f"/{name}",
                     f"a 4xx, or the last {name} kept (RFC 8259 §4)", actual)  # fmt: skip
