"""`imuze contract replay`: re-send one row's requests and say whether the deviation is still there.

schemathesis's `st replay` replays the crash files its own CLI stores; a contract report has
none, and its rows are keyed differently (report.py). So this replays the row's steps as the
report recorded them, with the user's credentials from the environment in place of the
variables, then judges the last answer:

- for a check that judges one answer (status, content type, schema, the contract's body
  checks), the same schemathesis check runs on it, and the deviation is still there when it
  fails at the same (check, status, location);
- for a check that needs the run's context (authorization, negative or positive data, a
  created resource, a boundary probe), it is still there when the last request gets the same
  status again: the request is the very one that failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from imuze_ext._responses import status_error

from .redact import EMAIL_VARIABLES, PASSWORD_VARIABLES, TOKEN_VARIABLES
from .report import Deviation, Report
from .steps import Step
from .target import SetupError, Target

_VARIABLE = re.compile(r"\$\{([A-Z_]+)\}")
TIMEOUT = 30.0


class ReplayError(Exception):
    """The row cannot be replayed (unknown row, missing credentials): one readable line."""


@dataclass(frozen=True)
class Outcome:
    """What the replay saw: whether the deviation is still there, and the last answer."""

    still: bool
    status: int
    detail: str

    @property
    def exit_code(self) -> int:
        """0 when the deviation is gone, 1 when it is still there."""
        return 1 if self.still else 0


def find_row(report: Report, selector: str) -> tuple[int, Deviation]:
    """The row named by its number in the report (new rows, then accepted) or its fingerprint."""
    rows = report.all_rows()
    if selector.isdigit():
        number = int(selector)
        if 1 <= number <= len(rows):
            return number, rows[number - 1]
        raise ReplayError(f"the report has rows 1 to {len(rows)}, not {number}")
    matches = [(n, d) for n, d in enumerate(rows, 1) if d.fingerprint.startswith(selector.lower())]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ReplayError(f"no row of the report has the fingerprint {selector!r}")
    raise ReplayError(f"{len(matches)} rows start with {selector!r}: give more digits")


class Credentials:
    """The values a step's variables stand for, from the environment and the target's users."""

    def __init__(self, target: Target, client: httpx.Client, env: Mapping[str, str]) -> None:
        self._target, self._client, self._env = target, client, env
        self._values: dict[str, str] = {}

    def value(self, variable: str) -> str:
        """The value of `variable`, logging in once if a token is needed and not exported."""
        if variable in self._values:
            return self._values[variable]
        found = self._env.get(variable) or self._derive(variable)
        if not found:
            raise ReplayError(f"the row needs ${variable}: export it (or the user's credentials)")
        self._values[variable] = found
        return found

    def _derive(self, variable: str) -> str | None:
        users = {user.name: user for user in self._target.users}
        for name, token in TOKEN_VARIABLES.items():
            if variable == token and name in users:
                user = users[name]
                return user.api_key or self._login(user.email or "", user.password or "")
        for name, password in PASSWORD_VARIABLES.items():
            if variable == password and name in users:
                return users[name].password
        for name, email in EMAIL_VARIABLES.items():
            if variable == email and name in users:
                return users[name].email
        return None

    def _login(self, email: str, password: str) -> str | None:
        body = {"token": {"email": email, "password": password}}
        answer = self._client.post(f"{self._target.base_url}/tokens", json=body)
        if not answer.is_success:  # worded as the client words it; the CLI hints from it
            error = status_error(answer)
            raise SetupError(f"login as {email} failed: {error}") from error
        try:
            token = answer.json().get("response")
        except (ValueError, AttributeError):
            return None
        return token if isinstance(token, str) else None

    def expand(self, text: str, *, in_json: bool = False) -> str:
        """`text` with every `${VARIABLE}` replaced by its value (JSON-escaped `in_json`: the
        recorded body holds the variable where the escaped secret stood)."""
        if in_json:
            return _VARIABLE.sub(lambda m: json.dumps(self.value(m.group(1)))[1:-1], text)
        return _VARIABLE.sub(lambda match: self.value(match.group(1)), text)


def _rebase(url: str, base_url: str) -> str:
    """The step's URL on `base_url` (the report's API, or the one the user points at)."""
    parts, base = urlsplit(url), urlsplit(base_url)
    return parts._replace(scheme=base.scheme, netloc=base.netloc).geturl()


def send(
    client: httpx.Client, step: Step, credentials: Credentials, base_url: str
) -> httpx.Response:
    """Send one step as recorded, its variables expanded."""
    headers = {name: credentials.expand(value) for name, value in step.headers.items()}
    content: bytes | None = None
    if step.body is not None:
        in_json = step.body.lstrip().startswith(("{", "["))
        content = credentials.expand(step.body, in_json=in_json).encode("utf-8")
    elif step.body_base64 is not None:
        import base64

        content = base64.b64decode(step.body_base64)
    url = _rebase(credentials.expand(step.url), base_url)
    return client.request(step.method, url, headers=headers, content=content)


def spec_of(report: Report) -> Path | None:
    """The spec the report's run held the API to (None: the packaged one), as its context
    says; ReplayError when that file is gone or has changed since the run."""
    context = report.context
    if context is None or context.spec is None:
        return None
    path = Path(context.spec_path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ReplayError(
            f"the report was made against the spec {context.spec}, which cannot be read at "
            f"{path}: {exc.strerror or exc}"
        ) from None
    if digest != context.spec_sha256:
        raise ReplayError(
            f"the spec {context.spec} changed since the run (sha256 {digest[:12]}, the run's "
            f"{context.spec_sha256[:12]}): run imuze contract --spec {context.spec} again"
        )
    return path


def replay(
    row: Deviation,
    target: Target,
    env: Mapping[str, str] | None = None,
    app: Any = None,
    spec: Path | None = None,
) -> Outcome:
    """Re-send `row`'s steps to `target` and judge the last answer (see the module docstring)
    against `spec`, the spec its run used (spec_of; None: the packaged one)."""
    if not row.steps:
        raise ReplayError("this row has no recorded requests to replay")
    env = os.environ if env is None else env
    client = _client(app)
    try:
        with client:
            credentials = Credentials(target, client, env)
            answers = [send(client, step, credentials, target.base_url) for step in row.steps]
    except httpx.HTTPError as exc:
        raise SetupError(f"cannot reach the API at {target.base_url}: {exc}") from exc
    last = answers[-1]
    from .judge_again import same_deviation  # schemathesis: only once a replay runs

    still, detail = same_deviation(row, last, target, spec)
    return Outcome(still, last.status_code, detail)


def _client(app: Any) -> httpx.Client:
    if app is None:
        return httpx.Client(timeout=TIMEOUT)
    from starlette.testclient import TestClient  # in process (tests): the mock's own extra

    return TestClient(app)
