"""What the contract suite runs against, and the schemathesis configuration for each target.

The configuration and the users' auth come from imuze_contract, the runner behind
`imuze contract`: the packaged spec (spec/openapi.yaml) under the repo's schemathesis.toml.
Only the base URL, the users and the budget differ per target.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

import imuze_contract
import imuze_mock
from imuze_contract import User, config

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "spec" / "openapi.yaml"
CONFIG_PATH = ROOT / "schemathesis.toml"
WFC_PATH = ROOT / "contract_tests" / "wfc-auth.yaml"

__all__ = ["User"]

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
class Target:
    """An API under contract (in process when `app` is set), with the suite's budget for it."""

    name: str
    base_url: str
    users: tuple[User, ...]
    # Fuzzing examples per operation; the coverage and examples phases add their own cases.
    max_examples: int
    # Stateful scenarios (each a few linked calls).
    scenarios: int
    app: Any = None

    @property
    def api(self) -> imuze_contract.Target:
        """The same target as `imuze contract` sees it."""
        return imuze_contract.Target(self.base_url, self.users, app=self.app)

    def wfc_document(self) -> dict[str, Any]:
        """The auth document for this target's users, logging in at its own `/tokens`."""
        return self.api.wfc_document()


def live_target_from_env(environ: Mapping[str, str] | None = None) -> Target | None:
    """The live API named by IMUZE_BASE_URL and its credentials (as `imuze contract` reads
    them), or None when unset."""
    env = os.environ if environ is None else environ
    if not env.get("IMUZE_BASE_URL", "").strip():
        return None
    api = imuze_contract.target_from_env(env=env)
    examples = int(env.get("IMUZE_CONTRACT_EXAMPLES", "20"))
    return Target("live", api.base_url, api.users, max_examples=examples, scenarios=examples)


def seed() -> int | None:
    """The run's seed: SEED if given, a fixed one in CI, else None (a fresh one each run)."""
    if os.environ.get("SEED"):
        return int(os.environ["SEED"])
    return DEFAULT_SEED if os.environ.get("CI") else None


def contract_config(target: Target, wfc_path: Path) -> SchemathesisConfig:
    """schemathesis.toml, pointed at `target` with its users, budget and (in CI) a fixed seed."""
    return config.contract_config(
        target.api,
        wfc_path,
        max_examples=target.max_examples,
        scenarios=target.scenarios,
        seed=seed(),
    )


def load_schema(target: Target, workdir: Path) -> OpenApiSchema:
    """The packaged spec, configured for `target`."""
    wfc_path = config.write_wfc_document(target.api, workdir / f"wfc-auth-{target.name}.yaml")
    return config.load_schema(target.api, contract_config(target, wfc_path))


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
