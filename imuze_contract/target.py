"""What a contract run is pointed at: the API's base URL and the users it logs in as.

No schemathesis here: the CLI resolves a target (and reports a usage error) before the heavy
import. Credentials come from the same variables as the rest of the `imuze` CLI.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from imuze_ext import _config
from imuze_ext.errors import ImuzeError

ENV_OTHER_API_KEY = "IMUZE_OTHER_API_KEY"
ENV_OTHER_EMAIL = "IMUZE_OTHER_EMAIL"
ENV_OTHER_PASSWORD = "IMUZE_OTHER_PASSWORD"  # noqa: S105 - the variable's name, not a password


class SetupError(Exception):
    """The run cannot start: bad options, no credentials, an unreachable API, a failed login.

    The message is one readable line with no secret in it.
    """


@dataclass(frozen=True)
class User:
    """One identity: email + password (logs in via POST /tokens) or a developer key."""

    name: str
    email: str | None = None
    # Secrets stay out of reprs, so out of tracebacks and test output too.
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.api_key is None and (self.email is None or self.password is None):
            raise ValueError(f"user {self.name!r} needs an api_key, or an email and a password")

    @property
    def logs_in(self) -> bool:
        """Whether this user exchanges an email and password for a token."""
        return self.api_key is None

    @property
    def secrets(self) -> tuple[str, ...]:
        """The user's password or key: never to appear in any output."""
        return tuple(value for value in (self.password, self.api_key) if value)

    def wfc_entry(self, login_path: str) -> dict[str, Any]:
        """This user as a Web Fuzzing Commons auth entry (schemathesis' auth document)."""
        if not self.logs_in:
            return {
                "name": self.name,
                "fixedHeaders": [{"name": "Authorization", "value": self.api_key}],
            }
        payload = {"token": {"email": self.email, "password": self.password}}
        return {
            "name": self.name,
            "loginEndpointAuth": {
                "endpoint": login_path,
                "verb": "POST",
                "contentType": "application/json",
                "payloadRaw": json.dumps(payload),
                "token": {
                    "extractFrom": "body",
                    "extractSelector": "/response",
                    "sendIn": "header",
                    "sendName": "Authorization",
                },
            },
        }


@dataclass(frozen=True)
class Target:
    """An API under contract: its base URL, one or two users, and an ASGI app when in process."""

    base_url: str
    users: tuple[User, ...]
    # In process (tests): requests, logins included, go to this ASGI app, not over the network.
    app: Any = field(default=None, repr=False, compare=False)

    @property
    def login_path(self) -> str:
        """The path of POST /tokens on this target, e.g. `/api/4/tokens`."""
        return urlsplit(self.base_url).path.rstrip("/") + "/tokens"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every password and key of the target's users."""
        return tuple(secret for user in self.users for secret in user.secrets)

    def wfc_document(self) -> dict[str, Any]:
        """The auth document for this target's users, logging in at its own `/tokens`."""
        return {"auth": [user.wfc_entry(self.login_path) for user in self.users]}


def target_from_env(
    base_url: str | None = None,
    email: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Target:
    """The target named by the options and the environment, as the rest of the CLI reads them.

    Base URL: the option, else IMUZE_BASE_URL, else the public API. The first user: IMUZE_API_KEY,
    or IMUZE_EMAIL (or `email`) + IMUZE_PASSWORD. The second user, for the object-level
    authorization check: IMUZE_OTHER_API_KEY, or IMUZE_OTHER_EMAIL + IMUZE_OTHER_PASSWORD.
    """
    env = os.environ if env is None else env
    try:
        url = _config.resolve_base_url(base_url, env)
        first = _config.resolve_credentials(None, email, None, env)
    except ImuzeError as exc:  # kept as the cause: the CLI words it for its own options
        raise SetupError(str(exc)) from exc
    users = [_user("demo", first)]
    other = _other_user(env)
    if other is not None:
        users.append(other)
    return Target(url, tuple(users))


def _user(name: str, credentials: _config.Credentials) -> User:
    if isinstance(credentials, _config.ApiKey):
        return User(name, api_key=credentials.key)
    return User(name, email=credentials.email, password=credentials.password)


def _other_user(env: Mapping[str, str]) -> User | None:
    if key := env.get(ENV_OTHER_API_KEY):
        return User("other", api_key=key)
    email, password = env.get(ENV_OTHER_EMAIL), env.get(ENV_OTHER_PASSWORD)
    if email and password:
        return User("other", email=email, password=password)
    if email or password:
        raise SetupError(f"set both {ENV_OTHER_EMAIL} and {ENV_OTHER_PASSWORD} (or neither)")
    return None
