"""The version bump a spec change calls for, and writing it where the package takes it.

Semantic versioning from both verdicts: an ERR on either side is a major bump (existing
clients or callers break), an addition (a rule marked `adds`) a minor one, anything else a
patch, counted from the released version (its `vX.Y.Z` tag, else the committed pyproject's), so
that a re-run changes nothing. The version lives in pyproject.toml's `[project] version`, or
in the literal `[tool.hatch.version] path` names; it is rewritten in place (tomlkit), the rest
untouched, comments and line endings included.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imuze_ext.errors import MissingExtraError, requires_extra

from . import rules
from .findings import Finding, Level

if TYPE_CHECKING:
    import tomlkit

PARTS = ("major", "minor", "patch")
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


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


# hatch's default pattern for a version literal (`[tool.hatch.version] path = ...`)
_LITERAL = re.compile(
    r"""(?im)^(?P<head>(?:__version__|VERSION)\s*(?::\s*str\s*)?=\s*)(?P<q>['"])v?(?P<value>[^'"]+)(?P=q)"""
)


def _text(path: Path) -> str:
    """A file's text with its line endings as they are (CRLF stays CRLF)."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BumpError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _tomlkit() -> Any:
    """tomlkit, which the `spec` extra installs: only a bump needs it, not a diff."""
    try:
        with requires_extra("spec", "imuze-spec bump", frozenset({"tomlkit"})):
            import tomlkit
            import tomlkit.exceptions
    except MissingExtraError as exc:
        raise BumpError(str(exc)) from None
    return tomlkit


def _parse(pyproject: Path, text: str) -> tomlkit.TOMLDocument:
    tomlkit = _tomlkit()
    try:
        return tomlkit.parse(text)  # type: ignore[no-any-return]
    except tomlkit.exceptions.ParseError as exc:
        raise BumpError(f"cannot read {pyproject}: {exc}") from None


def version_file(pyproject: Path, doc: Any) -> Path | None:
    """Where a dynamic version lives: `[tool.hatch.version] path`, beside pyproject.toml;
    None for a static `[project] version`. BumpError when the version is dynamic elsewhere."""
    project = doc.get("project") or {}
    if "version" not in (project.get("dynamic") or []):
        return None
    path = ((doc.get("tool") or {}).get("hatch") or {}).get("version", {}).get("path")
    if not isinstance(path, str):
        raise BumpError(
            f"{pyproject}: the version is dynamic and not a [tool.hatch.version] path; "
            "bump it where the build reads it"
        )
    return pyproject.parent / path


def read_version(pyproject: Path, text: str | None = None) -> str:
    """The package version: `[project] version`, or the literal `[tool.hatch.version]` names.
    `text` is pyproject.toml's text when it is not read from the file (a committed one)."""
    doc = _parse(pyproject, _text(pyproject) if text is None else text)
    where = version_file(pyproject, doc)
    if where is not None:
        match = _LITERAL.search(_text(where))
        if match is None:
            raise BumpError(f'{where}: no __version__ = "X.Y.Z" literal')
        return match.group("value")
    version = (doc.get("project") or {}).get("version")
    if not isinstance(version, str):
        raise BumpError(f"{pyproject}: no [project] version")
    return str(version)


def write_version(pyproject: Path, version: str) -> None:
    """Set the version where it lives, the rest of each file byte for byte (comments, layout
    and line endings kept: pyproject.toml is edited with tomlkit)."""
    text = _text(pyproject)
    doc = _parse(pyproject, text)
    where = version_file(pyproject, doc)
    if where is not None:
        literal = _text(where)
        match = _LITERAL.search(literal)
        if match is None:
            raise BumpError(f'{where}: no __version__ = "X.Y.Z" literal')
        out = literal[: match.start("value")] + version + literal[match.end("value") :]
        where.write_bytes(out.encode("utf-8"))
        return
    project = doc.get("project")
    if project is None or "version" not in project:
        raise BumpError(f"{pyproject}: no version in [project]")
    project["version"] = version
    pyproject.write_bytes(_tomlkit().dumps(doc).encode("utf-8"))


def released_version(pyproject: Path) -> str:
    """The version at the release: the newest `vX.Y.Z` tag of the repository that holds
    pyproject.toml, else the version in its committed pyproject.toml, else the file's own."""
    cwd = pyproject.resolve().parent
    tags = _git(cwd, "tag", "--merged", "HEAD", "--list", "v*")
    found = [t[1:] for t in (tags or "").split() if _VERSION.match(t[1:])]
    if found:
        return max(found, key=lambda v: tuple(int(p) for p in v.split(".")))
    committed = _git(cwd, "show", f"HEAD:./{pyproject.name}")
    if committed is not None:
        try:
            return read_version(pyproject, committed)
        except BumpError:
            pass  # committed without a version of this shape: the file's own is the release
    return read_version(pyproject)


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(  # noqa: S603 - git with fixed arguments, no shell
            ["git", *args],  # noqa: S607 - git from PATH
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def bump(
    pyproject: Path, findings: list[Finding], released: str | None = None
) -> tuple[str, str, str]:
    """Write the version these findings call for, counted from the released version (so a
    re-run writes the same, and no change keeps the version): (current, new, part)."""
    current = read_version(pyproject)
    if not findings:
        return current, current, "none"
    part = part_of(findings)
    new = next_version(released or released_version(pyproject), part)
    if new != current:
        write_version(pyproject, new)
    return current, new, part
