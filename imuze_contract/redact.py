"""Secrets out of every output: passwords, keys and every token the run saw.

Two ways out. A reproduction (a curl line, a replayable request) names each secret by the
environment variable a user exports to run it (`$IMUZE_TOKEN`, `$IMUZE_PASSWORD`, ...), so
that it runs as pasted and every other field of the request stays as sent. Any other text
(a message, a note) gets the marker of imuze_ext.redaction, whose vocabulary this shares.
schemathesis masks whole header values and whole
`token` objects instead, which leaves nothing to paste: that is why reproductions are built
here from the recorded requests, not from schemathesis's own curl lines.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable

from imuze_ext.redaction import REDACTED as FILTERED
from imuze_ext.redaction import replace_secret

#: The variables a reproduction reads, per user: (token or key, password).
TOKEN_VARIABLES = {"demo": "IMUZE_TOKEN", "other": "IMUZE_OTHER_TOKEN"}
PASSWORD_VARIABLES = {"demo": "IMUZE_PASSWORD", "other": "IMUZE_OTHER_PASSWORD"}
EMAIL_VARIABLES = {"demo": "IMUZE_EMAIL", "other": "IMUZE_OTHER_EMAIL"}


class Secrets:
    """A growing set of secret strings, each maybe named by the variable that stands for it."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, str | None] = {}
        self.add(*values)

    def add(self, *values: str | None) -> None:
        """Remember secrets, whatever their length (None and "" are ignored): how a short
        one is replaced is imuze_ext.redaction.replace_secret's rule."""
        with self._lock:
            for value in values:
                if value:
                    self._values.setdefault(value, None)

    def name(self, value: str | None, variable: str) -> None:
        """Remember a secret that `$variable` stands for in a reproduction."""
        if value:
            with self._lock:
                self._values[value] = variable

    def variable(self, value: str) -> str | None:
        """The variable that stands for `value`, if it is a named secret."""
        return self._values.get(value)

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def __len__(self) -> int:
        return len(self._values)

    def _longest_first(self) -> list[tuple[str, str | None]]:
        """Every form a secret takes in a text (as is, and JSON-escaped as a serializer with
        or without ensure_ascii writes it), with its variable, the longest first."""
        with self._lock:
            items = list(self._values.items())
        forms = {form: variable for value, variable in items for form in _forms(value)}
        return sorted(forms.items(), key=lambda item: len(item[0]), reverse=True)

    def scrub(self, text: str) -> str:
        """`text` with every known secret (in any form) replaced by the marker."""
        for value, _ in self._longest_first():
            text = replace_secret(text, value, FILTERED)
        return text

    def to_variables(self, text: str) -> str:
        """`text` with each named secret as `${VARIABLE}` and any other one the marker.

        A JSON-escaped secret becomes its variable too: whoever expands it in a JSON text
        (replay.py, a reproduction's curl) escapes the value again."""
        for value, variable in self._longest_first():
            text = replace_secret(text, value, "${" + variable + "}" if variable else FILTERED)
        return text


def _forms(value: str) -> tuple[str, ...]:
    """`value`, and its JSON-escaped forms where they differ (`\\"`, `\\u00e4`, `\\\\`)."""
    escaped = (json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1])
    return (value, *(form for form in dict.fromkeys(escaped) if form != value))
