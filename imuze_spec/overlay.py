"""OpenAPI Overlay 1.0: read an overlay, apply its actions to a spec, keep the spec's layout.

`imuze-spec apply` and `imuze-spec diff --overlay`. Targets are RFC 9535 JSONPath, evaluated
by python-jsonpath in its strict (RFC 9535) mode. The spec is edited as a round-trip YAML
document, so comments, key order and block text survive and adopting an overlay reads as a
small `git diff`.

Stricter than the Overlay text in two ways, on purpose: an action whose target selects no node
is an error, not a silent no-op, because an edit that lands nowhere is a proposal gone stale.
A target written as a single node (names, indices and filters only) must select exactly one;
a wildcard or a descendant segment (`*`, `..`) says "every match", and may select several.
And an update that names one key twice once keys are text (`200:` and `'200':` in YAML, an
integer and a string to the loader) is refused: one would silently replace the other.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Mapping, MutableMapping, MutableSequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
from jsonpath.segments import JSONPathRecursiveDescentSegment
from jsonpath.selectors import WildcardSelector
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from .diff import run
from .findings import Finding
from .load import SpecLoadError, load, parse

_VERSION = re.compile(r"^1\.0\.\d+$")
_ENV = jsonpath.JSONPathEnvironment(strict=True)


class OverlayError(SpecLoadError):
    """An overlay that cannot be read, or an action that cannot be applied; one line."""


@dataclass(frozen=True)
class Action:
    """One action of an overlay: its position, target, and update or removal."""

    index: int
    target: str
    description: str
    update: Any
    remove: bool

    @property
    def name(self) -> str:
        """`action 3 (allow relative URLs ...)`: how an error names the action."""
        first = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return f"action {self.index}" + (f" ({first[:70]})" if first else "")


def _yaml() -> YAML:
    """A round-trip YAML that writes the project's spec back as it reads it."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    rt.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return rt


def read_actions(path: Path) -> list[Action]:
    """The actions of the Overlay 1.0 document at `path`, checked for shape."""
    try:
        data = _yaml().load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        hint = "check the path" if isinstance(exc, FileNotFoundError) else "check its permissions"
        raise OverlayError(f"cannot read {path}: {exc.strerror or exc}", hint=hint) from None
    except YAMLError as exc:
        raise OverlayError(f"{path}: not YAML: {str(exc).splitlines()[0]}") from None
    return parse_actions(data, str(path))


def parse_actions(data: Any, source: str) -> list[Action]:
    """The actions of an overlay document already parsed; OverlayError names what is wrong."""
    if not isinstance(data, Mapping) or not _VERSION.match(str(data.get("overlay", ""))):
        raise OverlayError(f"{source}: not an Overlay 1.0 document (overlay: 1.0.x)")
    info = data.get("info")
    if not isinstance(info, Mapping) or not {"title", "version"} <= set(info):
        raise OverlayError(f"{source}: info needs a title and a version")
    raw = data.get("actions")
    if not isinstance(raw, list) or not raw:
        raise OverlayError(f"{source}: actions must be a non-empty list")
    actions = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping) or not str(item.get("target", "")).startswith("$"):
            raise OverlayError(f"{source}: action {index} needs a JSONPath target ($...)")
        remove = item.get("remove", False)
        if not isinstance(remove, bool):
            raise OverlayError(f"{source}: action {index}: remove must be true or false")
        description = item.get("description", "")
        actions.append(
            Action(index, str(item["target"]), str(description), item.get("update"), remove)
        )
    return actions


def _selects_many(query: jsonpath.JSONPath | jsonpath.CompoundJSONPath) -> bool:
    """Whether a query says "every match": a wildcard or a descendant segment."""
    if isinstance(query, jsonpath.CompoundJSONPath):
        return True  # a union of queries (not RFC 9535) means several nodes
    for segment in query.segments:
        if isinstance(segment, JSONPathRecursiveDescentSegment):
            return True
        if any(isinstance(selector, WildcardSelector) for selector in segment.selectors):
            return True
    return False


def apply(doc: Any, actions: list[Action]) -> None:
    """Apply `actions` to `doc` in place, in order; OverlayError names the action that fails.
    An update naming a key twice is refused before any action changes anything."""
    for action in actions:
        twice = _key_twice(action.update)
        if twice:
            raise OverlayError(
                f"{action.name}: {twice}: a JSON object's names are text, so one value "
                "would silently replace the other"
            )
    for action in actions:
        try:
            query = _ENV.compile(action.target)
        except jsonpath.JSONPathError as exc:
            raise OverlayError(f"{action.name}: target {action.target} is not RFC 9535 "
                               f"JSONPath: {str(exc).splitlines()[0]}") from None  # fmt: skip
        matches = list(query.finditer(doc))
        if not matches:
            raise OverlayError(f"{action.name}: target {action.target} selects no node")
        if len(matches) > 1 and not _selects_many(query):
            raise OverlayError(
                f"{action.name}: target {action.target} selects {len(matches)} nodes where "
                "it names one (use * or .. to mean every match)"
            )
        if action.remove:
            _remove(matches, action)
            continue
        for match in matches:
            _update(match.obj, action)


def _key_twice(value: Any, at: str = "update") -> str | None:
    """Where `value` names a key twice once keys are text (`200` and `'200'`), if it does."""
    if isinstance(value, Mapping):
        seen: dict[str, Any] = {}
        for key, item in value.items():
            text = str(key)
            if text in seen:
                return f"{at} has the key {text} twice ({seen[text]!r} and {key!r})"
            seen[text] = key
            found = _key_twice(item, f"{at}['{text}']")
            if found:
                return found
    elif isinstance(value, list):
        for number, item in enumerate(value):
            found = _key_twice(item, f"{at}[{number}]")
            if found:
                return found
    return None


def _path_order(match: jsonpath.JSONPathMatch) -> list[tuple[int, int, str]]:
    """A match's location, ordered as the document is: array indices as numbers (index 10
    after index 2, not before, as text would have it), names as text."""
    return [(0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in match.parts]


def _remove(matches: list[jsonpath.JSONPathMatch], action: Action) -> None:
    # Later list items first, so that the earlier indices still hold.
    for match in sorted(matches, key=_path_order, reverse=True):
        parent = match.parent.obj if match.parent is not None else None
        if parent is None:
            raise OverlayError(f"{action.name}: cannot remove the document itself")
        key = match.parts[-1]
        if isinstance(parent, MutableMapping):
            del parent[key]
        elif isinstance(parent, MutableSequence):
            del parent[int(key)]


def _update(node: Any, action: Action) -> None:
    if isinstance(node, MutableMapping):
        if not isinstance(action.update, Mapping):
            raise OverlayError(f"{action.name}: its target is an object: update must be one")
        _merge(node, action.update)
    elif isinstance(node, MutableSequence) and isinstance(action.update, list):
        node.extend(_fresh(item) for item in action.update)  # the items are added
    elif isinstance(node, MutableSequence):
        node.append(_fresh(action.update))
    else:
        raise OverlayError(
            f"{action.name}: target {action.target} selects a value, not an object or array"
        )


def _merge(node: MutableMapping[str, Any], update: Mapping[str, Any]) -> None:
    """Overlay 1.0 merge: objects recursively, arrays concatenated, other values replaced.

    A key is a JSON object's name, so text: an unquoted `200:` of hand-written YAML (an
    integer to the YAML loader) is the spec's `"200"`, merged into, not set beside it."""
    for raw_key, value in update.items():
        key = raw_key if isinstance(raw_key, str) or raw_key in node else str(raw_key)
        old = node.get(key)
        if isinstance(old, MutableMapping) and isinstance(value, Mapping):
            _merge(old, value)
        elif isinstance(old, MutableSequence) and isinstance(value, list):
            old.extend(_fresh(item) for item in value)
        else:
            node[_key(str(key)) if key not in node else key] = _fresh(value)


def _fresh(value: Any) -> Any:
    """A copy of an overlay value for the spec; text with line breaks as a block scalar."""
    if isinstance(value, Mapping):
        return {_key(str(key)): _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, str) and value.startswith("#"):
        return DoubleQuotedScalarString(value)  # a $ref, quoted as the spec quotes them
    return value


def _key(key: str) -> str:
    """Status codes as keys are quoted, as the spec quotes them (`"200":`)."""
    return DoubleQuotedScalarString(key) if key.isdigit() else key


def apply_text(spec_text: str, actions: list[Action], source: str = "the spec") -> str:
    """The spec text with `actions` applied, its comments and layout kept."""
    rt = _yaml()
    try:
        doc = rt.load(spec_text)
    except YAMLError as exc:
        raise OverlayError(f"{source}: not YAML: {str(exc).splitlines()[0]}") from None
    apply(doc, actions)
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue()


def apply_to(spec: str, overlay: Path, cwd: Path | None = None) -> str:
    """The text of `spec` (a file, or `GITREF:path`) with the overlay at `overlay` applied."""
    actions = read_actions(overlay)
    base = load(spec, cwd)
    return apply_text(base.text, actions, spec)


def diff_overlay(
    spec: str, overlay: Path, *, python: bool = True, cwd: Path | None = None
) -> list[Finding]:
    """Both verdicts (imuze_spec.diff.run) for adopting `overlay` into `spec`."""
    new = apply_to(spec, overlay, cwd)
    parse(f"{spec} + {overlay}", new)  # the applied spec must still be an OpenAPI document
    with tempfile.TemporaryDirectory(prefix="imuze-spec-overlay-") as tmp:
        path = Path(tmp) / "openapi.yaml"
        path.write_text(new, encoding="utf-8")
        return run(spec, str(path), python=python, cwd=cwd)


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all (the spec is never left half written)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OverlayError(f"cannot write {path}: {exc.strerror or exc}") from None
