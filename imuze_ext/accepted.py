"""Accepted-findings files: the one reader of their YAML, entries and reasons.

The contract baseline and `spec/accepted-changes.yaml` are both an `accepted` list of entries
with a `fingerprint`, a `reason` that says why and a `date`; other fields are the caller's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["AcceptedEntry", "AcceptedFile", "AcceptedFileError", "is_placeholder", "read_accepted"]

_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
# Reasons that say nothing: the templates' placeholders and what people type to silence a gate.
_PLACEHOLDERS = re.compile(
    r"^(.*\bsay why|why this break is accepted|why|reason|todo|tbd|fixme|xxx+|n/?a|none|ok|"
    r"accepted|because|\.+|-+|\?+)[.!]*$",
    re.IGNORECASE,
)


class AcceptedFileError(ValueError):
    """A file that cannot be used: one line naming the file (and entry), and what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class AcceptedEntry:
    """One entry: the shared fields checked, every field as written."""

    where: str  # "FILE: entry N (FINGERPRINT)", for the caller's own errors
    fingerprint: str
    reason: str
    date: dt.date
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class AcceptedFile:
    """The entries of one file, and the document they came from (its other keys)."""

    entries: tuple[AcceptedEntry, ...] = ()
    document: Mapping[str, Any] | None = None


def is_placeholder(reason: str) -> bool:
    """Whether a reason says nothing (empty, `say why`, `WHY THIS BREAK IS ACCEPTED`, `TODO`)."""
    return not reason.strip() or bool(_PLACEHOLDERS.match(reason.strip()))


def read_accepted(path: Path, what: str, subject: str, placeholders: bool = False) -> AcceptedFile:
    """The file at `path` (none: no entries), or AcceptedFileError naming it as `what`; an
    entry accepts a `subject` and needs a reason that says why (unless `placeholders`)."""
    if not path.exists() and not path.is_symlink():
        return AcceptedFile()
    if path.is_dir():
        raise AcceptedFileError(f"{path} is a folder, not a {what}", f"name the {what} itself")
    try:
        document = yaml.safe_load(path.read_bytes().decode("utf-8-sig")) or {}
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise AcceptedFileError(*_unreadable(path, exc)) from None
    if not isinstance(document, Mapping):
        hint = f"start it with `accepted:`, then one entry per accepted {subject}"
        raise AcceptedFileError(f"{path}: not a mapping with an 'accepted' list", hint)
    raw = document.get("accepted", [])
    if raw is not None and not isinstance(raw, list):
        raise AcceptedFileError(f"{path}: 'accepted' must be a list", "`accepted: []` for none")
    entries = (
        _entry(f"{path}: entry {n}", e, subject, placeholders) for n, e in enumerate(raw or [], 1)
    )
    return AcceptedFile(tuple(entries), document)


def _unreadable(path: Path, exc: Exception) -> tuple[str, str]:
    """Why the file cannot be read, and what to do about it."""
    if isinstance(exc, OSError):
        return f"cannot read {path}: {exc.strerror or exc}", "check its permissions"
    if isinstance(exc, UnicodeDecodeError):
        return f"{path} is not UTF-8 (at offset {exc.start})", "save it as UTF-8"
    if isinstance(exc, yaml.YAMLError):
        return f"{path}: invalid YAML ({getattr(exc, 'problem', exc)})", "check it with yamllint"
    return f"{path}: an impossible value ({exc})", "write dates as real YYYY-MM-DD days"


def _entry(where: str, item: object, subject: str, placeholders: bool) -> AcceptedEntry:
    """One entry, its fingerprint, reason and date checked."""
    if not isinstance(item, Mapping):
        raise AcceptedFileError(f"{where} is not a mapping", "an entry is `- fingerprint: ...`")
    fingerprint = str(item.get("fingerprint", ""))
    if not _FINGERPRINT.match(fingerprint):
        raise AcceptedFileError(
            f"{where} needs a 16-hex-digit fingerprint", "paste the printed one"
        )
    where = f"{where} ({fingerprint})"
    reason = str(item.get("reason") or "").strip()
    if is_placeholder(reason) and not (reason and placeholders):
        said = f"a placeholder: it still reads {reason!r}" if reason else "an empty one"
        hint = f"write why this {subject} is accepted: who is affected, what they do about it"
        raise AcceptedFileError(f"{where} needs a reason that says why, not {said}", hint)
    date = item.get("date")
    with contextlib.suppress(ValueError):  # a string that is no date stays a string
        date = dt.date.fromisoformat(date) if isinstance(date, str) else date
    if not isinstance(date, dt.date):
        raise AcceptedFileError(f"{where} needs a date (YYYY-MM-DD)", "the day it was accepted")
    return AcceptedEntry(where, fingerprint, reason, date, item)
