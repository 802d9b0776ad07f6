"""Blast radius of document-level wire changes: where the hand-written code spells the old
server URL, base path or credential header name as a string literal.

A moved base path breaks a default base URL or a mock's route prefix that the code writes
out; a renamed header breaks the code that sets it. Docstrings are not uses.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._usage import package_dirs, place_order
from .findings import Finding
from .load import Spec, SpecLoadError

_SERVER_RULES = ("server-url-changed", "server-removed")
_NAME_RULES = ("security-scheme-name-changed",)


def _literals(dirs: Iterable[Path]) -> list[tuple[str, str]]:
    """(`file:line`, value) of every string literal but docstrings, in the user packages."""
    found: list[tuple[str, str]] = []
    for folder in dirs:
        for path in sorted(folder.rglob("*.py")):
            try:
                tree = ast.parse(path.read_bytes(), filename=str(path))
            except (SyntaxError, ValueError, OSError):
                continue
            docs = {
                id(node.value)
                for node in ast.walk(tree)
                if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            }
            rel = path.relative_to(folder.parent).as_posix()
            found += [
                (f"{rel}:{node.lineno}", node.value)
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
            ]
    return found


def _server_url(server: Any) -> str:
    if not isinstance(server, dict):
        return ""
    url = str(server.get("url") or "")
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str((variable or {}).get("default", "")))
    return url


def _matcher(old: Spec, finding: Finding) -> Callable[[str], bool] | None:
    try:
        if finding.id in _SERVER_RULES:
            url = _server_url(old.pointer(finding.location.removesuffix("/url")))
            if not url:
                return None
            path = urlsplit(url).path.rstrip("/")
            base = re.compile(re.escape(path) + r"(?![\w.-])") if path else None
            return lambda text: url in text or bool(base and base.search(text))
        if finding.id in _NAME_RULES:
            name = old.pointer(finding.location)
            if isinstance(name, str) and name:
                return lambda text: text.lower() == name.lower()
    except SpecLoadError:
        return None
    return None


def with_uses(
    old: Spec, findings: list[Finding], dirs: Iterable[Path] | None = None
) -> list[Finding]:
    """The findings, those about servers and header names with their `used_by` places."""
    matchers = {f.fingerprint: m for f in findings if (m := _matcher(old, f)) is not None}
    if not matchers:
        return findings
    literals = _literals(package_dirs() if dirs is None else dirs)
    out = []
    for finding in findings:
        match = matchers.get(finding.fingerprint)
        if match is not None:
            places = sorted({place for place, text in literals if match(text)}, key=place_order)
            finding = replace(finding, used_by=tuple(places))
        out.append(finding)
    return out
