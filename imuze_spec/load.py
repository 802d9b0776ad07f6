"""Loading a spec: a file path or `GITREF:path`, parsed once, with local `$ref` resolution.

Every failure is a SpecLoadError with one readable line, so the CLI can exit 2 without a
traceback. Only local references (`#/...`) are followed: the project's spec is one file.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Node = dict[str, Any]

# `HEAD:spec/openapi.yaml`, `v0.1.0:spec/openapi.yaml`, `main~1:...`; never a Windows drive.
_GIT_REF = re.compile(r"^(?P<ref>[^\s:]{2,}):(?P<path>[^\s:].*)$")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class SpecLoadError(Exception):
    """A spec that cannot be read, parsed or resolved; the message is one line."""


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


def _read(source: str, cwd: Path) -> str:
    path = Path(source)
    if path.exists() or not _GIT_REF.match(source):
        try:
            return (cwd / path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SpecLoadError(f"cannot read {source}: {exc.strerror or exc}") from None
    match = _GIT_REF.match(source)
    assert match is not None
    ref, rel = match.group("ref"), match.group("path")
    try:
        done = subprocess.run(  # noqa: S603 - git with a ref and a path, no shell
            ["git", "show", f"{ref}:{rel}"],  # noqa: S607 - git from PATH, as make does
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpecLoadError(f"cannot run git to read {source}: {exc}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["git show failed"])[-1]
        raise SpecLoadError(f"cannot read {source} from git: {reason.removeprefix('fatal: ')}")
    return done.stdout


def parse(source: str, text: str) -> Spec:
    """Parse YAML (or JSON) text into a Spec; SpecLoadError when it is not an OpenAPI mapping."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        doc = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SpecLoadError(f"{source}: {problem}{where}") from None
    if not isinstance(doc, dict) or "openapi" not in doc:
        raise SpecLoadError(f"{source}: not an OpenAPI document (no 'openapi' key)")
    if not isinstance(doc.get("paths", {}), dict):
        raise SpecLoadError(f"{source}: 'paths' is not a mapping")
    spec = Spec(source, doc, text)
    _check_refs(spec, doc)
    return spec


def _check_refs(spec: Spec, node: Any) -> None:
    """Every `$ref` must name something: a dangling one is a broken spec, not a change."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                spec.pointer(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def load(source: str, cwd: Path | None = None) -> Spec:
    """A spec from a file path, or from git as `GITREF:path` (e.g. `HEAD:spec/openapi.yaml`)."""
    text = _read(source, cwd or Path.cwd())
    return parse(source, text)
