"""The schemathesis configuration of the contract: one source for `imuze contract` and the suite.

The phases, the checks and their two documented exceptions live in the repository's
schemathesis.toml (shipped inside this package, next to the spec). A run changes only what
differs per target: the base URL, the auth document of its users, the budget, the seed and,
for `imuze contract`, politeness (a rate limit) and going on after a failure.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import schemathesis
import yaml
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from . import checks as _checks  # noqa: F401 - registers the contract's own checks
from . import checks_behave as _checks_behave  # noqa: F401 - and the behavioural ones
from . import checks_body as _checks_body  # noqa: F401 - and those on bodies
from .target import Target

PACKAGE = importlib.resources.files("imuze_contract")
SPEC_FILE = "openapi.yaml"
CONFIG_FILE = "schemathesis.toml"


def spec_path() -> Path:
    """The packaged OpenAPI spec (a real file both in a checkout and in an installed wheel)."""
    return Path(str(PACKAGE.joinpath(SPEC_FILE)))


def settings_document() -> dict[str, Any]:
    """The packaged schemathesis.toml, parsed."""
    return tomllib.loads(PACKAGE.joinpath(CONFIG_FILE).read_text(encoding="utf-8"))


def checks_off_by_operation() -> dict[str, frozenset[str]]:
    """operationId -> the checks schemathesis.toml switches off for that operation."""
    found: dict[str, frozenset[str]] = {}
    for entry in settings_document().get("operations", []):
        operation_id = entry.get("include-operation-id")
        off = {
            name for name, conf in (entry.get("checks") or {}).items()
            if isinstance(conf, dict) and conf.get("enabled") is False
        }  # fmt: skip
        if isinstance(operation_id, str) and off:
            found[operation_id] = found.get(operation_id, frozenset()) | off
    return found


def contract_config(
    target: Target,
    wfc_path: Path,
    *,
    max_examples: int,
    scenarios: int,
    seed: int | None,
    rate_limit: int | None = None,
    keep_going: bool = False,
    disabled: Iterable[str] = (),
) -> SchemathesisConfig:
    """schemathesis.toml pointed at `target` with its users, budget and seed.

    `keep_going` records every failure of an operation instead of stopping at its first, as a
    drift report needs. `seed` also turns generation deterministic and the example database
    off, so that the same seed sends the same requests and a run leaves no files behind.
    """
    data = settings_document()
    # Reports are the caller's business (pytest's JUnit, `imuze contract`'s own).
    data.pop("reports", None)
    data["base-url"] = target.base_url
    wfc: dict[str, Any] = {"path": str(wfc_path), "user": target.users[0].name}
    if len(target.users) > 1:
        wfc["peers"] = [user.name for user in target.users]
    data["auth"] = {"wfc": wfc}
    generation: dict[str, Any] = {"max-examples": max_examples}
    if seed is not None:
        data["seed"] = seed
        generation |= {"deterministic": True, "database": "none"}
    data["generation"] = generation
    stateful = data.setdefault("phases", {}).setdefault("stateful", {})
    stateful["generation"] = {"max-examples": scenarios}
    if rate_limit is not None:
        data["rate-limit"] = f"{rate_limit}/s"
    if keep_going:
        data["continue-on-failure"] = True
    for name in disabled:  # checks this run switches off (RunOptions.behaviour)
        data.setdefault("checks", {}).setdefault(name, {})["enabled"] = False
    return SchemathesisConfig.from_dict(data)


def write_wfc_document(target: Target, path: Path) -> Path:
    """Write the target's auth document to `path`, readable by its owner only (it holds secrets)."""
    path.touch(mode=0o600)
    path.write_text(yaml.safe_dump(target.wfc_document()), encoding="utf-8")
    return path


def load_schema(
    target: Target, config: SchemathesisConfig, spec: Path | None = None
) -> OpenApiSchema:
    """`spec` (the packaged one by default) under `config`, sending to the target's ASGI app
    when it has one."""
    schema = schemathesis.openapi.from_path(spec or spec_path(), config=config)
    schema.app = target.app
    return schema
