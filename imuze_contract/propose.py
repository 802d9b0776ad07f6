"""From a drift report to an OpenAPI Overlay 1.0 document: the spec edits that match the server.

`imuze contract --propose FILE`. A deviation gets an action when its fix is mechanical: an
undocumented success status, a type or nullability the server really sends, a relative URL
where the spec says `format: uri`, an unseen enum value, an undocumented media type, a limit
found by probing, an error body that is not `Error`. Every other deviation (security, 5xx,
object-level authorization, a rule the spec states in prose) is the server's to fix: it gets
no action, and is listed in the overlay's `info.x-description` under "Fix the server" (1.0's
info has no description field; 1.1 adds one), so that adopting the proposal never hides it.
Each target is checked, on the spec as it is, to select exactly the one node it was written for.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from .check_table import CHECKS, SECURITY, SERVER_ERROR
from .propose_document import document, key_text, render
from .propose_edits import Edits
from .propose_spec import Located, SpecMap, check_target, schema_of
from .report import Deviation, Report

__all__ = [
    "DISPOSITIONS", "SECURITY", "SERVER_ERROR", "Proposal", "key_text", "propose",
    "propose_file", "render",
]  # fmt: skip

#: Every check the contract runs, and why its findings get no spec edit (None: they may).
DISPOSITIONS: dict[str, str | None] = {check.id: check.disposition for check in CHECKS.values()}
#: Probe findings whose limit becomes a bound in the spec (when answered 4xx, not 5xx).
_BOUNDS = ("maxLength", "maximum", "minimum", "maxItems")
_URI_FORMATS = ("uri", "url")
_NOTHING = object()


@dataclass
class Proposal:
    """The overlay, the deviations its actions answer, and those left to the server."""

    overlay: dict[str, Any]
    answered: list[Deviation] = field(default_factory=list)
    fix_the_server: list[tuple[Deviation, str]] = field(default_factory=list)


def propose(report: Report, spec: Mapping[str, Any], source: str = "the spec") -> Proposal:
    """The Overlay that makes `spec` (the document the run used) say what the server does."""
    spec_map = SpecMap(spec)
    components = spec_map.root.child("components")
    schemas = components.child("schemas") if components is not None else None
    edits = Edits(set(schemas.node) if schemas is not None else set())
    proposal = Proposal({})
    rows = report.all_rows()  # accepted ones too: the spec may say what was accepted
    for deviation in rows:
        reason = _plan(deviation, spec_map, edits)
        if reason is not None:
            proposal.fix_the_server.append((deviation, reason))
    actions = edits.actions(schemas)
    for action in actions:
        check_target(spec, action.target)
    seen: set[int] = set()
    for action in actions:
        for deviation in action.deviations:
            if id(deviation) not in seen:
                seen.add(id(deviation))
                proposal.answered.append(deviation)
    proposal.overlay = document(report, len(rows), source, actions, proposal)
    return proposal


def _plan(deviation: Deviation, spec: SpecMap, edits: Edits) -> str | None:
    """Add `deviation`'s edit to `edits`: None, or why it has none (the server must change)."""
    evidence = deviation.evidence
    reason = DISPOSITIONS.get(deviation.check, "no mechanical spec edit")
    if reason == SECURITY:
        return reason
    if (deviation.status or 0) >= 500:
        probe = deviation.probe or {}
        if probe.get("keyword") in _BOUNDS and isinstance(probe.get("limit"), int):
            bound = f"{probe['keyword']}: {probe['limit']}"
            return f"{SERVER_ERROR} past {bound}: make it answer 4xx there, then state {bound}"
        return SERVER_ERROR
    if reason is not None:
        return reason
    operation = spec.operation(deviation.operation_id) or spec.operation(deviation.operation)
    if operation is None:
        return "an operation the spec does not have"
    status = deviation.status or 0
    if deviation.probe is not None:
        return _limit(deviation, spec, edits)
    if deviation.check == "status_code_conformance" and 200 <= status < 300:
        return _add_status(deviation, operation, spec, edits)
    if deviation.check.startswith("response_schema_") and "keyword" in evidence:
        return _schema(deviation, operation, spec, edits)
    if deviation.check == "content_type_conformance":
        return _media_type(deviation, operation, spec, edits)
    if deviation.check == "status_code_conformance":
        return "an undocumented error status: document it by hand, or fix the server"
    if deviation.check == "positive_data_acceptance":
        return _tighten(deviation, operation, spec, edits)
    return "no mechanical spec edit"


def _add_status(
    deviation: Deviation, operation: Located, spec: SpecMap, edits: Edits
) -> str | None:
    """Document the observed 2xx as the spec documents its success status, and widen what its
    observed body needs (so that the next run, now judging that body, finds it conforming)."""
    code, success = str(deviation.status), spec.success_code(operation)
    responses = spec.responses(operation)
    if success is None or responses is None:
        return "no documented success status to document it as"
    documented = responses.child(success)
    entry = _plain(documented.node if documented is not None else {})
    if "$ref" not in entry:
        entry["description"] = f"Observed in place of {success}. " + entry.get("description", "")
    edits.merge(responses, {code: entry}, deviation, f"document {code}, as {success} is")
    body = deviation.evidence.get("body", _NOTHING)
    response = spec.response(operation, int(success))
    media = spec.media(response) if response is not None else None
    schema = media.child("schema") if media is not None else None
    if body is _NOTHING or schema is None:
        return None
    root = {**_plain(schema.node), "components": _plain(spec.doc.get("components", {}))}
    validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
    for error in validator.iter_errors(body):
        pointer = ["*" if isinstance(p, int) else str(p) for p in error.instance_path]
        keyword = str(error.schema_path[-1]) if error.schema_path else ""
        node = spec.schema_at(schema, pointer)
        if node is not None:
            _widen(node, keyword, error.instance, deviation, edits)
    return None


def _schema(deviation: Deviation, operation: Located, spec: SpecMap, edits: Edits) -> str | None:
    evidence = deviation.evidence
    response = spec.response(operation, deviation.status or 0)
    media = spec.media(response) if response is not None else None
    schema = media.child("schema") if media is not None else None
    if response is None or schema is None:
        return "a response the spec gives no JSON schema"
    pointer = [str(part) for part in evidence.get("pointer", [])]
    value = evidence.get("value", _NOTHING)
    if not pointer and (deviation.status or 0) >= 400:
        if not isinstance(value, Mapping) or not isinstance(schema.node.get("$ref"), str):
            return "an error body of no object shape"
        edits.error_body(schema, _owner(response, deviation), schema_of(value), deviation)
        return None
    node = spec.schema_at(schema, pointer)
    if node is None:
        return "a location the spec does not describe"
    if value is _NOTHING:
        value = _example_of(str(evidence.get("json_type")))
    return _widen(node, str(evidence.get("keyword")), value, deviation, edits)


def _widen(
    node: Located, keyword: str, value: Any, deviation: Deviation, edits: Edits
) -> str | None:
    """Widen the schema at `node` to allow `value`, which broke its `keyword`."""
    schema = node.node
    if not isinstance(schema, Mapping):
        return "a schema that is not an object"
    if keyword == "type":
        observed = schema_of(value)["type"]
        kind = schema.get("type")
        what = f"allow {observed} at {'/'.join(map(str, node.parts[-2:]))}"
        if node.parts[:2] == ("components", "schemas") and len(node.parts) == 3:
            what += " (a shared schema: every use of it is widened)"
        if isinstance(kind, str):
            edits.merge(node, {"type": [kind, observed]}, deviation, what)
        elif isinstance(kind, list) and node["type"] is not None:
            edits.append(node["type"], observed, deviation, what)
        elif isinstance(schema.get("anyOf"), list):
            edits.append(node["anyOf"], {"type": observed}, deviation, what)
        else:
            return "a type the spec does not state"
        if value is None and isinstance(schema.get("enum"), list):
            edits.append(node["enum"], None, deviation, what)
        return None
    if keyword == "format" and schema.get("format") in _URI_FORMATS and isinstance(value, str):
        what = "allow relative URLs (format: uri-reference)"
        edits.merge(node, {"format": "uri-reference"}, deviation, what)
        return None
    if (
        keyword == "enum"
        and isinstance(schema.get("enum"), list)
        and not isinstance(value, Mapping | list)
    ):
        edits.append(node["enum"], value, deviation, f"add {json.dumps(value)} to the enum")
        return None
    if keyword == "required":
        return "a required field the server omits: fix the server, or make it optional by hand"
    return f"no mechanical edit for a broken '{keyword}'"


def _media_type(
    deviation: Deviation, operation: Located, spec: SpecMap, edits: Edits
) -> str | None:
    media_type = deviation.evidence.get("content_type")
    response = spec.response(operation, deviation.status or 0)
    content = response.child("content") if response is not None else None
    if not isinstance(media_type, str) or content is None:
        return "a response the spec documents no content for"
    json_media = spec.media(response) if response is not None else None
    schema: Any = {"type": "string"}
    if "body" in deviation.evidence and json_media is not None and "schema" in json_media.node:
        schema = _plain(json_media.node["schema"])  # the same JSON, under another name
    edits.merge(content, {media_type: {"schema": schema}}, deviation, f"add {media_type}")
    return None


def _limit(deviation: Deviation, spec: SpecMap, edits: Edits) -> str | None:
    """A limit found by probing (a value the spec allows, refused with 4xx) becomes a bound at
    the slot's schema: the spec then says what the server enforces."""
    probe = deviation.probe or {}
    keyword, limit, pointer = probe.get("keyword"), probe.get("limit"), probe.get("pointer")
    if keyword not in _BOUNDS or not isinstance(limit, int) or not isinstance(pointer, str):
        return "a refused value with no limit to state"
    node: Located | None = spec.root
    for raw in pointer.removeprefix("#").split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        node = (
            node.child(int(key) if key.isdigit() and isinstance(node.node, list) else key)
            if node
            else None
        )
    if node is None or not isinstance(node.node, Mapping):
        return "a request location the spec does not describe"
    edits.merge(node, {keyword: limit}, deviation, f"add {keyword}: {limit}")
    return None


def _tighten(deviation: Deviation, operation: Located, spec: SpecMap, edits: Edits) -> str | None:
    """A valid request refused at the bound the spec states (`id: 0` with `minimum: 0`, a
    4-letter title with `minLength: 4`): the server's bound is one past it, so say so."""
    sent, where = deviation.evidence.get("sent") or {}, deviation.location
    node: Located | None = None
    value: Any = _NOTHING
    if where.startswith("path ") and isinstance(sent.get("path"), Mapping):
        node = spec.parameter_schema(operation, where[5:])
        value = sent["path"].get(where[5:], _NOTHING)
        if isinstance(value, str) and value.isdigit():
            value = int(value)  # path parameters travel as text
    elif where.startswith("/") and (body := spec.request_schema(operation)) is not None:
        pointer = [part for part in where.split("/") if part]
        node, value = spec.schema_at(body, pointer), sent.get("body")
        for part in pointer:
            value = value.get(part, _NOTHING) if isinstance(value, Mapping) else _NOTHING
    node = spec.deref(node) if node is not None else None
    schema = node.node if node is not None else None
    if node is None or not isinstance(schema, Mapping):
        return "a valid request rejected where the spec says nothing: document its rule by hand"
    if _references(spec.doc, node) > 1:  # tightening it would narrow other operations too
        return "a valid request refused at the bound of a shared schema: narrow it by hand"
    if isinstance(value, int) and not isinstance(value, bool) and schema.get("minimum") == value:
        what = f"raise minimum to {value + 1}: the server refuses {value}"
        edits.merge(node, {"minimum": value + 1}, deviation, what)
        return None
    if isinstance(value, str) and schema.get("minLength") == len(value):
        what = f"raise minLength to {len(value) + 1}: the server refuses {len(value)}"
        edits.merge(node, {"minLength": len(value) + 1}, deviation, what)
        return None
    return "a valid request rejected inside the spec's bounds: document the server's rule by hand"


def _references(doc: Any, node: Located) -> int:
    """How many `$ref`s name the component that holds `node` (1 for a node of no component)."""
    if len(node.parts) < 3 or node.parts[0] != "components":
        return 1
    ref = "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in node.parts[:3])
    count, stack = 0, [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            count += item.get("$ref") == ref
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _owner(response: Located, deviation: Deviation) -> str:
    """A schema name for an error body: `UnauthorizedBody`, `CreateSong404Body`."""
    if response.parts[:2] == ("components", "responses") and len(response.parts) == 3:
        return f"{response.parts[2]}Body"
    name = deviation.operation_id
    return f"{name[:1].upper()}{name[1:]}{deviation.status}Body"


def _example_of(json_type: str) -> Any:
    examples: dict[str, Any] = {"null": None, "boolean": True, "integer": 0, "number": 0.5}
    return examples.get(json_type, {"string": "", "array": [], "object": {}}.get(json_type))


def _plain(node: Any) -> Any:
    """A plain JSON copy of a spec node (no YAML types, no shared references)."""
    return json.loads(json.dumps(copy.deepcopy(node)))


def propose_file(report: Report, spec: Path, source: str | None = None) -> Proposal:
    """The proposal against the spec file at `spec`, which the run held the API to."""
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    return propose(report, doc, source or str(spec))
