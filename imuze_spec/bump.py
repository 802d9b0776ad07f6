"""The version bump a spec change calls for, and writing it where the package takes it.

Semantic versioning from both verdicts: an ERR on either side is a major bump (existing
clients or callers break), an addition (a rule marked `adds`) a minor one, anything else a
patch. The version lives in pyproject.toml's `[project] version`, or, when it is dynamic,
in the file hatch reads it from (`[tool.hatch.version] path`, a `__version__ = "..."`
literal); it is rewritten in place, the rest of the file untouched.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

from . import rules
from .findings import Finding, Level

PARTS = ("major", "minor", "patch")
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_LINE = re.compile(r'^(?P<head>version\s*=\s*)(?P<quote>["\'])(?P<value>[^"\']*)(?P=quote)')
_LITERAL = re.compile(
    r'^(?P<head>__version__\s*(?::\s*str\s*)?=\s*)(?P<quote>["\'])(?P<value>[^"\']*)(?P=quote)',
    re.MULTILINE,
)


class BumpError(Exception):
    """The version cannot be read or written; the message is one line."""


def part_of(findings: list[Finding]) -> str:
    """`major`, `minor` or `patch` for these findings."""
    if any(f.level == Level.ERR for f in findings):
        return "major"
    if any(rules.get(f.id).adds for f in findings):
        return "minor"
    return "patch"


def reason(findings: list[Finding]) -> str:
    """Why: `major: 2 ERR (wire server-url-changed; python python-success-status-dropped)`."""
    part = part_of(findings)
    if part == "major":
        chosen = [f for f in findings if f.level == Level.ERR]
        what = f"{len(chosen)} ERR"
    elif part == "minor":
        chosen = [f for f in findings if rules.get(f.id).adds]
        what = f"{len(chosen)} addition(s)"
    else:
        return "patch: no breaking change and no addition" + (
            "" if findings else " (no change to the API)"
        )
    kinds = Counter(f"{f.side} {f.id}" for f in chosen)
    listed = "; ".join(f"{k}" + (f" x{n}" if n > 1 else "") for k, n in sorted(kinds.items()))
    return f"{part}: {what} ({listed})"


def next_version(current: str, part: str) -> str:
    """`1.4.2` bumped: major `2.0.0`, minor `1.5.0`, patch `1.4.3`."""
    match = _VERSION.match(current)
    if match is None:
        raise BumpError(f"version {current!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(group) for group in match.groups())
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _version_file(pyproject: Path) -> Path | None:
    """The file a dynamic version is read from (`[tool.hatch.version] path`); None for a
    static `[project] version`. BumpError for a dynamic version read from elsewhere."""
    try:
        doc = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BumpError(f"cannot read {pyproject}: {exc}") from None
    if "version" not in ((doc.get("project") or {}).get("dynamic") or []):
        return None
    path = ((doc.get("tool") or {}).get("hatch") or {}).get("version", {}).get("path")
    if not isinstance(path, str):
        raise BumpError(f"{pyproject}: the version is dynamic; bump it where the build reads it")
    return pyproject.parent / path


def read_version(pyproject: Path) -> str:
    """`[project] version` of a pyproject.toml, or the literal of its dynamic version file."""
    source = _version_file(pyproject)
    if source is not None:
        try:
            match = _LITERAL.search(source.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BumpError(f"cannot read {source}: {exc}") from None
        if match is None:
            raise BumpError(f"{source}: no __version__ literal")
        return match.group("value")
    doc = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = doc.get("project") or {}
    version = project.get("version")
    if not isinstance(version, str):
        raise BumpError(f"{pyproject}: no [project] version")
    return version


def write_version(pyproject: Path, version: str) -> None:
    """Rewrite the `version = "..."` line of the `[project]` table, nothing else (or the
    `__version__` literal of a dynamic version's file)."""
    source = _version_file(pyproject)
    if source is not None:
        text = source.read_text(encoding="utf-8")
        new, count = _LITERAL.subn(
            lambda m: f"{m.group('head')}{m.group('quote')}{version}{m.group('quote')}", text, 1
        )
        if not count:
            raise BumpError(f"{source}: no __version__ literal")
        source.write_text(new, encoding="utf-8")
        return
    lines = pyproject.read_text(encoding="utf-8").splitlines(keepends=True)
    table = ""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            table = stripped
            continue
        match = _LINE.match(stripped)
        if table == "[project]" and match:
            start = line.index(stripped)
            q = match.group("quote")
            lines[index] = (
                f"{line[:start]}{match.group('head')}{q}{version}{q}{stripped[match.end() :]}"
            )
            if not lines[index].endswith("\n") and line.endswith("\n"):
                lines[index] += "\n"
            pyproject.write_text("".join(lines), encoding="utf-8")
            return
    raise BumpError(f"{pyproject}: no version line in [project]")


def bump(pyproject: Path, findings: list[Finding]) -> tuple[str, str, str]:
    """Write the version these findings call for: (old version, new version, part)."""
    current = read_version(pyproject)
    part = part_of(findings)
    new = next_version(current, part)
    write_version(pyproject, new)
    return current, new, part
