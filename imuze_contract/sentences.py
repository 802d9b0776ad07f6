"""Plain-English halves for the failures describe.py does not shape itself, and one sentence
per check for a failure no handler knows.

The halves of each failure kind are data, in sentences.toml: format strings over the failure.

schemathesis titles a failure by its kind ("Undocumented Content-Type") and explains it for its
own CLI ("Received: text/plain"); a row puts two halves side by side, "expected X; got Y", so
each half must read as what the spec says and what the server did. tests/contract/
test_sentences.py renders every failure class schemathesis defines, and every check of its
registry plus ours, and rejects a half that is a title or a raw message.
"""

from __future__ import annotations

import functools
import re
import string
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from schemathesis.core.failures import (
    ContentTypeServerError,
    CustomFailure,
    Failure,
    MalformedJson,
    ResponseTimeExceeded,
    reason_phrase,
)
from schemathesis.openapi.checks import (
    AllowHeaderMismatch,
    ContentDeserializationError,
    DiscriminatorMismatch,
    EnsureResourceAvailability,
    MalformedMediaType,
    MissingContentType,
    MissingHeaders,
    UndefinedContentType,
    UnsupportedMethodResponse,
    UseAfterFree,
)

from .check_table import CHECKS
from .report import OPS
from .shapes import one_line


@dataclass(frozen=True)
class Halves:
    """A failure's location, its two halves, and the fix (OPS for the operation) or None."""

    location: str
    expected: str
    actual: str
    fix: str | None


#: For every check: what it expects, in words, for a failure no handler shapes.
CHECK_SENTENCES: dict[str, str] = {check.id: check.rule for check in CHECKS.values()}


#: The failure kinds sentences.toml gives halves for, by name.
_KINDS: dict[str, type[Failure]] = {
    kind.__name__: kind
    for kind in (
        UndefinedContentType, MissingContentType, MalformedMediaType, MalformedJson,
        ContentDeserializationError, DiscriminatorMismatch, MissingHeaders,
        UnsupportedMethodResponse, AllowHeaderMismatch, UseAfterFree,
        EnsureResourceAvailability, ContentTypeServerError, ResponseTimeExceeded, CustomFailure,
    )
}  # fmt: skip


class _Sentence(string.Formatter):
    """str.format with the specs of sentences.toml: `types`, `join`, `lineN`, `lineNr`,
    `reason`."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in ("types", "join"):
            return ", ".join(value) if value or format_spec == "join" else "none"
        if format_spec == "reason":
            return reason_phrase(value)
        if line := re.fullmatch(r"line(\d+)(r?)", format_spec):
            flat = one_line(str(value), int(line.group(1)))
            return repr(flat) if line.group(2) else flat
        return str(super().format_field(value, format_spec))


def _table() -> list[tuple[type[Failure], str, dict[str, str]]]:
    """The rows of sentences.toml, in order: (kind, failure_reason or "", the four fields)."""
    text = resources.files(__package__).joinpath("sentences.toml").read_text("utf-8")
    rows = []
    for key, fields in tomllib.loads(text).items():
        kind, _, reason = key.partition(".")
        rows.append((_KINDS[kind], reason, fields))
    return rows


_ROWS = _table()


def halves(failure: Failure, status: int | None) -> Halves | None:
    """The halves of a failure kind that describe.py leaves to this module, or None."""
    code = f"{status} {reason_phrase(status)}" if status is not None else "no answer"
    for kind, reason, fields in _ROWS:
        if isinstance(failure, kind) and reason in ("", getattr(failure, "failure_reason", "")):
            say = functools.partial(_Sentence().format, f=failure, status=status, code=code)
            fix = fields.get("fix")
            return Halves(
                say(fields["location"]),
                say(fields["expected"]),
                say(fields["actual"]),
                say(fix).replace("@OPS@", OPS) if fix is not None else None,
            )
    return None


def fallback(check: str, failure: Failure, status: int | None) -> Halves:
    """Halves for a failure no handler knows: the check's row (its rule and its fix), and the
    answer's status."""
    row = CHECKS.get(check)
    expected = row.rule if row else f"what the {check.replace('_', ' ')} check requires"
    code = f"{status} {reason_phrase(status)}" if status is not None else "no answer"
    return Halves(
        failure._unique_key or "-", expected, f"{code}, which does not", row.fix if row else None
    )
