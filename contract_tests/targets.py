"""What the contract suite runs against, and the schemathesis configuration for each target.

Every target loads the spec from spec/openapi.yaml and the checks and phases from the repo's
schemathesis.toml; only the base URL, the auth document and the budget differ.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import schemathesis
import yaml
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

import imuze_mock

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "spec" / "openapi.yaml"
CONFIG_PATH = ROOT / "schemathesis.toml"
WFC_PATH = ROOT / "contract_tests" / "wfc-auth.yaml"

# CI runs are reproducible: this seed unless SEED is given, and derandomized generation.
DEFAULT_SEED = 20261124

# In process is fast, so it carries most of the budget; over HTTP proves the real socket path.
MOCK_BUDGETS = {
    "asgi": {"max_examples": 100, "scenarios": 50},
    "http": {"max_examples": 10, "scenarios": 10},
}

# The mock server and scratch files of this process, released at the end of the session.
_RESOURCES = contextlib.ExitStack()


@dataclass(frozen=True)
class User:
    """One identity of a target: email + password (logs in via POST /tokens) or a developer key."""

    name: str
    email: str | None = None
    # Secrets stay out of reprs, so out of pytest's failure output too.
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)

    def wfc_entry(self, login_path: str) -> dict[str, Any]:
        """This user as a Web Fuzzing Commons auth entry."""
        if self.email is None or self.password is None:
            assert self.api_key is not None
            header = {"name": "Authorization", "value": self.api_key}
            return {"name": self.name, "fixedHeaders": [header]}
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
    """An API under contract: in-process (`app` set), a local mock over HTTP, or a live API."""

    name: str
    base_url: str
    users: tuple[User, ...]
    # Fuzzing examples per operation; the coverage and examples phases add their own cases.
    max_examples: int
    # Stateful scenarios (each a few linked calls).
    scenarios: int
    app: Any = None

    def wfc_document(self) -> dict[str, Any]:
        """The auth document for this target's users, logging in at its own `/tokens`."""
        login_path = urlsplit(self.base_url).path.rstrip("/") + "/tokens"
        return {"auth": [user.wfc_entry(login_path) for user in self.users]}


def live_target_from_env(environ: dict[str, str] | None = None) -> Target | None:
    """The live API named by IMUZE_BASE_URL and its credentials, or None when unset."""
    env = dict(os.environ if environ is None else environ)
    base_url = env.get("IMUZE_BASE_URL", "").rstrip("/")
    if not base_url:
        return None
    found = (_user_from_env(env, "demo", "IMUZE_"), _user_from_env(env, "other", "IMUZE_OTHER_"))
    users = [user for user in found if user is not None]
    if not users or users[0].name != "demo":
        raise RuntimeError(
            "IMUZE_BASE_URL is set but no credentials are: set IMUZE_EMAIL and IMUZE_PASSWORD "
            "(or IMUZE_API_KEY); IMUZE_OTHER_EMAIL/IMUZE_OTHER_PASSWORD add a second user"
        )
    examples = int(env.get("IMUZE_CONTRACT_EXAMPLES", "20"))
    return Target("live", base_url, tuple(users), max_examples=examples, scenarios=examples)


def _user_from_env(env: dict[str, str], name: str, prefix: str) -> User | None:
    email, password = env.get(prefix + "EMAIL"), env.get(prefix + "PASSWORD")
    if email and password:
        return User(name, email=email, password=password)
    api_key = env.get(prefix + "API_KEY")
    return User(name, api_key=api_key) if api_key else None


def seed() -> int | None:
    """The run's seed: SEED if given, a fixed one in CI, else None (a fresh one each run)."""
    if os.environ.get("SEED"):
        return int(os.environ["SEED"])
    return DEFAULT_SEED if os.environ.get("CI") else None


def contract_config(target: Target, wfc_path: Path) -> SchemathesisConfig:
    """schemathesis.toml, pointed at `target` with its users, budget and (in CI) a fixed seed."""
    data = tomllib.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    # pytest reports for itself (JUnit via --junitxml in CI); the file's reports are for `st run`.
    data.pop("reports", None)
    data["base-url"] = target.base_url
    wfc: dict[str, Any] = {"path": str(wfc_path), "user": target.users[0].name}
    if len(target.users) > 1:
        wfc["peers"] = [user.name for user in target.users]
    data["auth"] = {"wfc": wfc}
    generation: dict[str, Any] = {"max-examples": target.max_examples}
    run_seed = seed()
    if run_seed is not None:
        data["seed"] = run_seed
        generation |= {"deterministic": True, "database": "none"}
    data["generation"] = generation
    stateful = data.setdefault("phases", {}).setdefault("stateful", {})
    stateful["generation"] = {"max-examples": target.scenarios}
    return SchemathesisConfig.from_dict(data)


def load_schema(target: Target, workdir: Path) -> OpenApiSchema:
    """The spec, loaded from the repo, configured for `target`."""
    wfc_path = workdir / f"wfc-auth-{target.name}.yaml"
    wfc_path.touch(mode=0o600)  # it holds the target's credentials
    wfc_path.write_text(yaml.safe_dump(target.wfc_document()), encoding="utf-8")
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=contract_config(target, wfc_path))
    # In process: requests (and the logins of the auth document) go to the ASGI app itself.
    schema.app = target.app
    return schema


def mock_config() -> imuze_mock.MockConfig:
    """The mock for the suite: answers that depend on the mock's state, not on timing.

    The shipped render queue (32) fills under the fuzzer's stream of creates, and createSong
    then answers 429, which the spec allows. But whether it fills depends on how fast the
    render thread drains it, so the same scenario would get a 201 in one run and a 429 in the
    next: the stateful phase's links (createSong -> getSong) then differ between scenarios
    that share a prefix, and hypothesis stops with FlakyStrategyDefinition. A queue that
    cannot fill keeps those answers deterministic. One render thread bounds the CPU the
    backlog takes; a short render time lets songs get ready.
    """
    return imuze_mock.MockConfig(render_delay=0.05, render_workers=1, max_queue=1_000_000)


def mock_users() -> tuple[User, ...]:
    """The mock's two seeded accounts, logging in with email and password as users do."""
    return tuple(
        User(name, email=account.email, password=account.password)
        for name, account in (("demo", imuze_mock.DEMO), ("other", imuze_mock.OTHER))
    )


@functools.cache
def active_schemas() -> dict[str, OpenApiSchema]:
    """The schema per target of this run: the live API alone when IMUZE_BASE_URL is set, else
    the mock in process (ASGI) and over real HTTP (uvicorn on a free port, started once)."""
    workdir = Path(_RESOURCES.enter_context(tempfile.TemporaryDirectory(prefix="imuze-contract-")))
    live = live_target_from_env()
    if live is not None:
        return {"live": load_schema(live, workdir)}
    app = imuze_mock.create_app(mock_config())
    server = _RESOURCES.enter_context(imuze_mock.running(mock_config()))
    targets = [
        Target("asgi", "http://testserver/api/4", mock_users(), app=app, **MOCK_BUDGETS["asgi"]),
        Target("http", server.base_url, mock_users(), **MOCK_BUDGETS["http"]),
    ]
    return {target.name: load_schema(target, workdir) for target in targets}


def release() -> None:
    """Stop the mock server and remove the scratch files, if this process started them."""
    _RESOURCES.close()
