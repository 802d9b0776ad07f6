"""Helpers for the proposal's tests: the Overlay 1.0 JSON Schema, and fingerprints of reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

# The OpenAPI Initiative's own schema. (oas-patch ships a copy that also allows
# `info.description`, which only Overlay 1.1 has: too lenient to test against.)
SCHEMA = Path(__file__).parent / "data" / "overlay-1.0.schema.yaml"


def overlay_schema() -> dict[str, Any]:
    """The Overlay 1.0 JSON Schema, as the OpenAPI Initiative publishes it."""
    schema: dict[str, Any] = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    return schema


def assert_valid_overlay(document: dict[str, Any]) -> None:
    """Valid against the Overlay 1.0 JSON Schema (errors listed when not)."""
    validator = jsonschema.Draft202012Validator(overlay_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors


def rows(report: dict[str, Any]) -> dict[str, str]:
    """The rows of a `--json` report: fingerprint -> `operationId check status location`."""
    return {
        d["fingerprint"]: f"{d['operation_id']} {d['check']} "
        f"{d['status'] if d['status'] is not None else '-'} {d['location']}"
        for d in report["deviations"]
    }


def proposed(overlay: dict[str, Any]) -> set[str]:
    """The deviations the overlay's actions answer."""
    return {f for action in overlay["actions"] for f in action.get("x-imuze-deviations", [])}


def left_to_the_server(overlay: dict[str, Any]) -> set[str]:
    """The deviations the overlay lists as the server's to fix."""
    return set(overlay["info"].get("x-imuze-fix-the-server", []))
