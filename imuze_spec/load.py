"""Loading a spec: a file path or `GITREF:path`, parsed once, with local `$ref` resolution.

Every failure is a SpecLoadError with one readable line, so the CLI can exit 2 without a
traceback. Only local references (`#/...`) are followed: the project's spec is one file.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Node = dict[str, Any]

# `HEAD:spec/openapi.yaml`, `v0.1.0:spec/openapi.yaml`, `main~1:...`; never a Windows drive.
_GIT_REF = re.compile(r"^(?P<ref>[^\s:]{2,}):(?P<path>[^\s:].*)$")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class SpecLoadError(Exception):
    """A spec that cannot be read, parsed or resolved; the message is one line, and `hint`
    (when there is one) says what to do about it."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass
class Spec:
    """A parsed OpenAPI document and where it came from."""

    source: str
    doc: Node
    text: str = field(repr=False, default="")

    def pointer(self, ref: str) -> Any:
        """The node a local `$ref` names; SpecLoadError when it names nothing."""
        if not ref.startswith("#"):
            raise SpecLoadError(f"{self.source}: only local $refs are supported, not {ref!r}")
        node: Any = self.doc
        for raw in ref[1:].split("/")[1:]:
            key = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                raise SpecLoadError(f"{self.source}: $ref {ref!r} names nothing")
        return node

    def deref(self, node: Any) -> tuple[Any, str | None]:
        """Follow a chain of `$ref`s: the final node and the last ref followed (or None)."""
        last: str | None = None
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise SpecLoadError(f"{self.source}: $ref {ref!r} refers to itself")
            seen.add(ref)
            last = ref
            node = self.pointer(ref)
        return node, last

    def operations(self) -> dict[tuple[str, str], Node]:
        """Every operation, keyed by (METHOD, path template with parameter names erased)."""
        found: dict[tuple[str, str], Node] = {}
        for path, item in (self.doc.get("paths") or {}).items():
            item, _ = self.deref(item)
            if not isinstance(item, dict):
                continue
            for method in _HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    found[(method.upper(), path_shape(path))] = {
                        "path": path,
                        "method": method,
                        "item": item,
                        "op": item[method],
                    }
        return found


def path_shape(path: str) -> str:
    """`/songs/{id}` and `/songs/{song_id}` are the same route for a client."""
    return re.sub(r"\{[^}/]*\}", "{}", path)


_UTF8_HINT = "save the file as UTF-8 (OpenAPI 3.1 documents are UTF-8 JSON or YAML)"


def _decode(source: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = data[exc.start : exc.start + 1].hex()
        raise SpecLoadError(
            f"{source} is not UTF-8 (byte 0x{byte} at offset {exc.start})", hint=_UTF8_HINT
        ) from None


def read_file(source: str, path: Path, what: str = "file") -> str:
    """A UTF-8 text file; SpecLoadError with a hint when it is missing, a folder or not UTF-8."""
    if path.is_dir():
        raise SpecLoadError(f"{source} is a folder, not a {what}", hint=f"name the {what} itself")
    try:
        data = path.read_bytes()
    except OSError as exc:
        hint = "check the path" if isinstance(exc, FileNotFoundError) else "check its permissions"
        raise SpecLoadError(f"cannot read {source}: {exc.strerror or exc}", hint=hint) from None
    return _decode(source, data)


def _read(source: str, cwd: Path) -> str:
    path = Path(source)
    if path.exists() or not _GIT_REF.match(source):
        return read_file(source, cwd / path, "spec file")
    match = _GIT_REF.match(source)
    assert match is not None
    ref, rel = match.group("ref"), match.group("path")
    try:
        done = subprocess.run(  # noqa: S603 - git with a ref and a path, no shell
            ["git", "show", f"{ref}:{rel}"],  # noqa: S607 - git from PATH, as make does
            cwd=cwd,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpecLoadError(
            f"cannot run git to read {source}: {exc}", hint="is git installed?"
        ) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = (lines or ["git show failed"])[-1]
        raise SpecLoadError(
            f"cannot read {source} from git: {reason.removeprefix('fatal: ')}",
            hint=f"check that {ref} exists (git rev-parse {ref}) and holds {rel}",
        )
    return _decode(source, done.stdout)


def is_json(source: str, text: str) -> bool:
    """A `.json` file, or text that opens with `{`: read with a JSON parser, not YAML's."""
    return source.lower().endswith(".json") or text.lstrip().startswith("{")


def _parse_json(source: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecLoadError(
            f"{source}: invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            hint="check it with a JSON linter (python -m json.tool FILE)",
        ) from None
    except RecursionError:
        raise SpecLoadError(f"{source}: JSON nested too deeply", hint=_DEEP_HINT) from None


_DEEP_HINT = "flatten the document: name nested schemas in components and $ref them"


def _parse_yaml(source: str, text: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SpecLoadError(
            f"{source}: invalid YAML: {problem}{where}",
            hint="check it with a YAML linter (yamllint)",
        ) from None
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. an impossible date
        raise SpecLoadError(
            f"{source}: a value YAML cannot represent ({type(exc).__name__}: {exc})",
            hint="quote the value to keep it a string",
        ) from None


def parse(source: str, text: str) -> Spec:
    """Parse JSON text with JSON's parser and YAML with YAML's into a Spec; SpecLoadError
    (with a hint) when it is not an OpenAPI mapping of plain JSON values."""
    doc = _parse_json(source, text) if is_json(source, text) else _parse_yaml(source, text)
    if not isinstance(doc, dict) or "openapi" not in doc:
        raise SpecLoadError(
            f"{source}: not an OpenAPI document (no 'openapi' key)",
            hint="name an OpenAPI 3.1 document (its first key is usually `openapi: 3.1.0`)",
        )
    if not isinstance(doc.get("paths", {}), dict):
        raise SpecLoadError(f"{source}: 'paths' is not a mapping", hint="see OAS 3.1 §4.8.8")
    check_tree(source, doc)
    spec = Spec(source, doc, text)
    _check_refs(spec, doc)
    return spec


def check_tree(source: str, doc: Any) -> None:
    """A document is a tree: a YAML alias that contains itself has no JSON value. Iterative."""
    on_path: set[int] = set()
    done: set[int] = set()
    stack: list[tuple[Any, bool]] = [(doc, False)]
    while stack:
        node, leaving = stack.pop()
        if not isinstance(node, dict | list):
            continue
        if leaving:
            on_path.discard(id(node))
            done.add(id(node))
            continue
        if id(node) in on_path:
            raise SpecLoadError(
                f"{source}: a YAML alias contains itself (a recursive anchor)",
                hint="an OpenAPI document must be representable as JSON: replace the alias "
                "with a $ref",
            )
        if id(node) in done:
            continue  # a shared (non-recursive) alias, checked once
        on_path.add(id(node))
        stack.append((node, True))
        stack.extend(
            (child, False) for child in (node.values() if isinstance(node, dict) else node)
        )


def _check_refs(spec: Spec, node: Any) -> None:
    """Every `$ref` must name something: a dangling one is a broken spec, not a change."""
    for ref in refs_below(spec, node):
        spec.pointer(ref)


def refs_below(spec: Spec, node: Any, *, follow: bool = False) -> Iterator[str]:
    """Every `$ref` string below `node`, once each, as the walk meets it; with `follow`, also
    those below the node each one names (`spec.deref`)."""
    stack, seen = [node], set()
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                seen.add(ref)
                yield ref
                if follow:
                    stack.append(spec.deref(item)[0])
            stack.extend(v for k, v in item.items() if k != "$ref")
        elif isinstance(item, list):
            stack.extend(item)


def load(source: str, cwd: Path | None = None) -> Spec:
    """A spec from a file path, or from git as `GITREF:path` (e.g. `HEAD:spec/openapi.yaml`)."""
    text = _read(source, cwd or Path.cwd())
    return parse(source, text)
