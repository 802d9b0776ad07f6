"""Configuration is never guessed on the command line: every IMUZE_* variable and every
global option of `imuze`, unset, empty, blank, invalid and valid; `imuze contract` needs an
explicit base URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from cli_helpers import CLEAN_ENV, logged_in_env, usage_error
from typer.testing import CliRunner

from imuze_cli.app import app
from imuze_cli.options import GLOBAL_OPTIONS
from imuze_ext import _config
from imuze_ext._config import logger
from imuze_mock import MockServer

USAGE = 2
# variable -> {value or None (unset): the exit code of `imuze songs list` against the mock}
VARIABLES: dict[str, dict[str | None, int]] = {
    "IMUZE_BASE_URL": {"": USAGE, " ": USAGE, "http://127.0.0.1:99999/api/4": USAGE},
    "IMUZE_API_KEY": {None: 0, "": 0, " ": USAGE, "k\n": USAGE},
    "IMUZE_EMAIL": {"": USAGE, " ": USAGE, "a\nb@example.com": USAGE},
    "IMUZE_PASSWORD": {"": USAGE, "  ": USAGE, "pw\n": USAGE},
    "IMUZE_STRICT": {None: 0, "": 0, " ": USAGE, "ture": USAGE, "0": 0},
    "IMUZE_LOG": {None: 0, "": 0, " ": USAGE, "verbose": USAGE, "warning": 0},
}
"""The valid values are the mock's own (logged_in_env); an unset base URL is the public
API, which a test never calls (tests/ext/test_ext_configuration.py checks the default)."""

# global option -> {value: exit code of `imuze OPTION VALUE songs list` against the mock}
OPTIONS: dict[str, dict[str, int]] = {
    "--base-url": {"": USAGE, " ": USAGE, "http://x.test/api/4?x=1": USAGE},
    "--email": {"": USAGE, "  ": USAGE, "a\nb@example.com": USAGE},
    "--deadline": {
        "": USAGE,
        " ": USAGE,
        "soon": USAGE,
        "-1": USAGE,
        "nan": USAGE,
        "inf": USAGE,
        "30": 0,
    },
}
FLAGS = ("--json", "--version")
"""Options without a value: given a value (`--json=1`), a usage error."""


@pytest.fixture(autouse=True)
def _logger_kept() -> Iterator[None]:
    """IMUZE_LOG=warning installs a handler on the library's logger: put it back."""
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers


def test_every_variable_and_global_option_is_enumerated() -> None:
    assert set(VARIABLES) == set(_config.ENV_VARIABLES)
    names = {opt for param in typer.main.get_command(app).params for opt in param.opts}
    assert names == set(OPTIONS) | set(FLAGS)
    assert set(GLOBAL_OPTIONS) <= names


@pytest.mark.parametrize(
    ("name", "value"), [(n, v) for n, table in VARIABLES.items() for v in table]
)
def test_each_variable(name: str, value: str | None, imuze_mock_server: MockServer) -> None:
    env = {**logged_in_env(imuze_mock_server), name: value}
    if name == "IMUZE_API_KEY":
        env |= {"IMUZE_EMAIL": None, "IMUZE_PASSWORD": None}
        if value is None or value == "":  # unset: the login instead
            env |= logged_in_env(imuze_mock_server, IMUZE_API_KEY=value or "")
    result = CliRunner(env=env).invoke(app, ["songs", "list"])
    assert result.exit_code == VARIABLES[name][value], result.output
    if result.exit_code == USAGE:
        usage_error(result.output)
        assert "Traceback" not in result.output


@pytest.mark.parametrize(("option", "value"), [(o, v) for o, t in OPTIONS.items() for v in t])
def test_each_global_option(option: str, value: str, imuze_mock_server: MockServer) -> None:
    assert option in GLOBAL_OPTIONS  # every option of the root is taken in both places
    for args in ([option, value, "songs", "list"], ["songs", "list", option, value]):
        result = CliRunner(env=logged_in_env(imuze_mock_server)).invoke(app, args)
        assert result.exit_code == OPTIONS[option][value], (args, result.output)
        if result.exit_code == USAGE:
            usage_error(result.output)


@pytest.mark.parametrize("flag", FLAGS)
def test_a_flag_given_a_value_is_a_usage_error(flag: str) -> None:
    result = CliRunner(env=CLEAN_ENV).invoke(app, [f"{flag}=1", "songs", "list"])
    assert result.exit_code == USAGE
    usage_error(result.output)


@pytest.mark.parametrize("args", [["--base-url", "http://"], ["--base-url", "http://u:secret@h/x"]])
def test_a_base_url_is_echoed_as_given_and_redacted(args: list[str]) -> None:
    result = CliRunner(env={**CLEAN_ENV, "IMUZE_API_KEY": "k"}).invoke(
        app, [*args, "songs", "list"]
    )
    assert result.exit_code == USAGE
    error, _hint = usage_error(result.output)
    assert "'http:'" not in error and "secret" not in error
    assert ("'http://'" in error) or ("[redacted]@h" in error)


@pytest.mark.parametrize("base_url", [None, "", " "])
def test_imuze_contract_never_checks_the_public_api_by_default(base_url: str | None) -> None:
    env = {**CLEAN_ENV, "IMUZE_API_KEY": "k", "IMUZE_BASE_URL": base_url}
    result = CliRunner(env=env).invoke(app, ["contract", "--budget", "1"])
    assert result.exit_code == USAGE, result.output
    usage_error(result.output)
    assert "api.imuze.io" not in result.output
    cli = CliRunner(env={**CLEAN_ENV, "IMUZE_API_KEY": "k"})
    result = cli.invoke(app, ["--base-url", "", "contract", "--budget", "1"])
    assert result.exit_code == USAGE, result.output
