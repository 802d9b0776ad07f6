"""The requests behind a deviation, as data: replayable (`imuze contract replay`) and pasteable.

A step is one request as it was sent, every secret in it named by the variable that stands
for it (`${IMUZE_TOKEN}`, `${IMUZE_PASSWORD}`, ...; see redact.py). Its curl line runs as
pasted once the user has exported IMUZE_TOKEN (or IMUZE_API_KEY), or IMUZE_EMAIL and
IMUZE_PASSWORD: a first line logs in when no token is set.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .redact import EMAIL_VARIABLES, PASSWORD_VARIABLES, TOKEN_VARIABLES, Secrets

# Headers curl sets itself, or that only label schemathesis's own bookkeeping.
_DROPPED = frozenset(
    {"user-agent", "accept-encoding", "connection", "content-length", "host",
     "x-schemathesis-testcaseid"}
)  # fmt: skip
_VARIABLE = re.compile(r"(\$\{[A-Z_]+\})")
#: Expands the `${VARIABLE}`s of a JSON text from the environment, each value JSON-escaped (a
#: password with `"`, `\\` or a non-ASCII letter stays one JSON string). No single quote in it.
_EXPAND_JSON = (
    'import json, os, re, sys; sys.stdout.write(re.sub(r"\\$\\{([A-Z_]+)\\}", '
    "lambda m: json.dumps(os.environ[m[1]])[1:-1], sys.argv[1]))"
)


@dataclass(frozen=True)
class Step:
    """One request: method, URL, headers and body, secrets as `${VARIABLE}`s."""

    method: str
    url: str
    headers: dict[str, str]
    body: str | None = None
    # A body that is not UTF-8, base64-encoded (then `body` is None).
    body_base64: str | None = None
    # Who sends it, e.g. `as demo (owner)`: a comment line above its curl.
    note: str | None = None

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        secrets: Secrets,
    ) -> Step:
        """A step from the request as sent, its secrets replaced by their variables."""
        kept = {
            name: secrets.to_variables(value)
            for name, value in headers.items()
            if name.lower() not in _DROPPED
        }
        text: str | None = None
        binary: str | None = None
        if body:
            try:
                text = secrets.to_variables(body.decode("utf-8"))
            except UnicodeDecodeError:
                binary = base64.b64encode(body).decode("ascii")
        return cls(method.upper(), secrets.to_variables(url), kept, text, binary)

    def to_dict(self) -> dict[str, Any]:
        """The step as JSON data."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Step:
        """A step read back from a JSON report."""
        return cls(
            str(data["method"]), str(data["url"]), {str(k): str(v) for k, v in
            data.get("headers", {}).items()}, data.get("body"), data.get("body_base64"),
            data.get("note"),
        )  # fmt: skip

    @property
    def variables(self) -> set[str]:
        """The variables the step reads."""
        parts = [self.url, *self.headers.values(), self.body or ""]
        return {match[2:-1] for part in parts for match in _VARIABLE.findall(part)}

    def curl(self) -> str:
        """This request as one curl command line, secrets read from the environment."""
        comment = f"# {self.note}\n" if self.note else ""
        parts = [f"{comment}curl -sS", f"-X {self.method}", _shell(self.url)]
        parts += [f"-H {_shell(f'{name}: {value}')}" for name, value in self.headers.items()]
        if self.body is not None and _VARIABLE.search(self.body) and _is_json(self.body):
            parts.append(f"--data-binary {_json_with_variables(self.body)}")
        elif self.body is not None:
            parts.append(f"--data-binary {_shell(self.body)}")
        elif self.body_base64 is not None:
            parts.append(f"--data-binary @<(echo {self.body_base64} | base64 -d)")
        return " ".join(parts)


def _shell(text: str) -> str:
    """`text` quoted for a POSIX shell, its `${VARIABLE}`s left to expand."""
    quoted = []
    for part in _VARIABLE.split(text):
        if not part:
            continue
        if _VARIABLE.fullmatch(part):
            quoted.append(f'"{part}"')
        else:
            quoted.append("'" + part.replace("'", "'\"'\"'") + "'")
    return "".join(quoted) or "''"


def _is_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


def _literal(text: str) -> str:
    """`text` quoted for a POSIX shell, nothing in it expanded."""
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _json_with_variables(template: str) -> str:
    """A shell word: the JSON `template` with its variables expanded from the environment,
    each value JSON-escaped."""
    return f'"$(python3 -c {_literal(_EXPAND_JSON)} {_literal(template)})"'


def _login_line(user: str, login_url: str) -> str:
    """`export IMUZE_TOKEN=...`: the token as exported, else the key, else a login (its body
    built by JSON, so that any password reads as sent)."""
    token = TOKEN_VARIABLES[user]
    key = "IMUZE_API_KEY" if user == "demo" else "IMUZE_OTHER_API_KEY"
    email, password = EMAIL_VARIABLES[user], PASSWORD_VARIABLES[user]
    body = '{"token": {"email": "${' + email + '}", "password": "${' + password + '}"}}'
    login = (
        f"curl -sS -X POST {_shell(login_url)} -H 'Content-Type: application/json' "
        f"--data-binary {_json_with_variables(body)} | python3 -c "
        "'import json, sys; print(json.load(sys.stdin)[\"response\"])'"
    )
    return f'export {token}="${{{token}:-${{{key}:-$({login})}}}}"'


def reproduction(steps: list[Step], login_url: str) -> str:
    """The shell lines that replay `steps`: a login line per user whose token they need."""
    needed = set().union(*(step.variables for step in steps)) if steps else set()
    lines = [
        _login_line(user, login_url) for user, token in TOKEN_VARIABLES.items() if token in needed
    ]
    return "\n".join([*lines, *(step.curl() for step in steps)])
