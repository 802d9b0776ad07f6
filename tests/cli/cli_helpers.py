"""Helpers for the CLI tests: a clean environment and the shapes of error output."""

from __future__ import annotations

import json
from typing import Any

CLEAN_ENV: dict[str, str | None] = {
    "IMUZE_BASE_URL": None,
    "IMUZE_API_KEY": None,
    "IMUZE_EMAIL": None,
    "IMUZE_PASSWORD": None,
    "IMUZE_LOG": None,
}

BOX_CHARACTERS = ("╭", "│", "╰", "─")


def logged_in_env(server: Any, **extra: str) -> dict[str, str | None]:
    """A clean CLI environment that logs in to `server` (a MockServer) as the demo user."""
    return {
        **CLEAN_ENV,
        "IMUZE_BASE_URL": server.base_url,
        "IMUZE_EMAIL": server.demo.email,
        "IMUZE_PASSWORD": server.demo.password,
        **extra,
    }


def one_error_line(output: str) -> str:
    """The single `error:` line of an API error (exit 1): nothing else printed."""
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    assert lines[0].startswith("error: ")
    return lines[0]


def usage_error(output: str) -> tuple[str, str]:
    """The `error:` line and the `hint:` line of a usage error (exit 2), and nothing else."""
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 2, output
    assert "Traceback" not in output and "Usage:" not in output
    assert not any(char in output for char in BOX_CHARACTERS), output
    error, hint = lines
    assert error.startswith("error: ") and hint.startswith("hint: "), output
    return error, hint


def json_error(stderr: str) -> dict[str, Any]:
    """The `{"error": {...}}` object a --json command prints on stderr, checked for shape."""
    data = json.loads(stderr)
    assert set(data) == {"error"}
    assert set(data["error"]) == {"type", "status", "message"}
    error: dict[str, Any] = data["error"]
    return error
