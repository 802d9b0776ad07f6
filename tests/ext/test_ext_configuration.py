"""Configuration is never guessed: every IMUZE_* variable the client reads, unset, empty,
blank, invalid and valid; an empty or malformed base URL is an error, never the public API."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from imuze_ext import _config
from imuze_ext._config import DEFAULT_BASE_URL, logger, resolve_base_url
from imuze_ext.client import AsyncImuze, Imuze
from imuze_ext.errors import (
    ConfigurationError,
    ImuzeError,
    InvalidCredentialsError,
    MissingCredentialsError,
)

LOCAL = "http://127.0.0.1:9/api/4"
OK = "ok"
Expected = str | type[ImuzeError]

# variable -> (the other variables it is read with, {value or None (unset): expected})
CASES: dict[str, tuple[dict[str, str], dict[str | None, Expected]]] = {
    "IMUZE_BASE_URL": (
        {"IMUZE_API_KEY": "k"},
        {
            None: DEFAULT_BASE_URL,
            "": ConfigurationError,
            " \t": ConfigurationError,
            "http://127.0.0.1:99999/api/4": ConfigurationError,
            LOCAL + "/": LOCAL,
        },
    ),
    "IMUZE_API_KEY": (
        {"IMUZE_BASE_URL": LOCAL},
        {
            None: MissingCredentialsError,
            "": MissingCredentialsError,  # empty is unset (README)
            "  ": ConfigurationError,
            "key\n": InvalidCredentialsError,
            "key": OK,
        },
    ),
    "IMUZE_EMAIL": (
        {"IMUZE_BASE_URL": LOCAL, "IMUZE_PASSWORD": "pw"},
        {
            None: MissingCredentialsError,
            "": MissingCredentialsError,
            " ": ConfigurationError,
            "a\nb@example.com": InvalidCredentialsError,
            "a@example.com": OK,
        },
    ),
    "IMUZE_PASSWORD": (
        {"IMUZE_BASE_URL": LOCAL, "IMUZE_EMAIL": "a@example.com"},
        {
            None: MissingCredentialsError,
            "": MissingCredentialsError,
            "\t": ConfigurationError,
            "pw\r\n": InvalidCredentialsError,
            "pw": OK,
        },
    ),
    "IMUZE_STRICT": (
        {"IMUZE_BASE_URL": LOCAL, "IMUZE_API_KEY": "k"},
        {
            None: "False",
            "": "False",
            "  ": ConfigurationError,
            "ture": ConfigurationError,
            "1": "True",
        },
    ),
    "IMUZE_LOG": (
        {"IMUZE_BASE_URL": LOCAL, "IMUZE_API_KEY": "k"},
        {None: OK, "": OK, " ": ConfigurationError, "verbose": ConfigurationError, "info": OK},
    ),
}


# IMUZE_LOG=info installs a handler: every test here puts the logger back as it was.
pytestmark = pytest.mark.usefixtures("imuze_logger_kept")


def test_every_variable_the_client_reads_is_enumerated() -> None:
    """The table above covers every IMUZE_* name in imuze_ext's code, and the README's
    variable table lists each one."""
    source = "\n".join(p.read_text() for p in Path(_config.__file__).parent.rglob("*.py"))
    assert set(re.findall(r"\bIMUZE_[A-Z_]+\b", source)) == set(CASES) == set(_config.ENV_VARIABLES)
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in CASES)


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, (_, table) in CASES.items() for value in table]
)
def test_each_variable_unset_empty_blank_invalid_and_valid(
    name: str, value: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    others, table = CASES[name]
    env = {**others, **({} if value is None else {name: value})}
    expected = table[value]
    for variable in CASES:
        monkeypatch.delenv(variable, raising=False)
    for variable, setting in env.items():
        monkeypatch.setenv(variable, setting)
    if isinstance(expected, type):
        with pytest.raises(expected) as caught:
            Imuze()
        with pytest.raises(expected):
            AsyncImuze()
        assert name in str(caught.value) or expected is not ConfigurationError
        return
    with Imuze() as api:
        seen = {"IMUZE_BASE_URL": api.base_url, "IMUZE_STRICT": str(api.strict)}.get(name, OK)
    assert seen == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("http://api.test/api/4?x=1", "query"),
        ("http://api.test/api/4?", "query"),
        ("http://api.test/api/4#frag", "fragment"),
        ("http://user:hunter2@api.test/api/4", "user info"),
        ("http://api.test:99999/api/4", "port"),
        ("http://api.test:0/api/4", "port"),
        ("http://api test/api/4", "whitespace"),
        ("http://api.test/api/4\n", "whitespace"),
        ("http://", "no host"),
        ("ftp://api.test/api/4", "http(s)"),
    ],
)
def test_a_base_url_that_cannot_be_right_is_refused_and_shown_redacted(
    url: str, problem: str
) -> None:
    for given, env in ((url, {}), (None, {"IMUZE_BASE_URL": url})):
        with pytest.raises(ConfigurationError, match=re.escape(problem)) as caught:
            resolve_base_url(given, env)
        message = str(caught.value)
        assert "hunter2" not in message and "x=1" not in message
        if url.strip():
            shown = url.replace("user:hunter2", "[redacted]").replace("x=1", "x=[redacted]")
            assert repr(shown) in message


def test_an_empty_user_info_is_user_info_too() -> None:
    with pytest.raises(ConfigurationError, match="user info"):
        resolve_base_url("http://@api.test/api/4", {})


def test_http_colon_slash_slash_is_shown_as_given() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve_base_url("http://", {})
    assert "'http://'" in str(caught.value) and "'http:'" not in str(caught.value)


def test_an_empty_argument_never_falls_back_to_the_environment_or_the_default() -> None:
    with pytest.raises(ConfigurationError, match="empty"):
        resolve_base_url("", {"IMUZE_BASE_URL": LOCAL})
    with pytest.raises(ConfigurationError, match="IMUZE_BASE_URL is empty"):
        resolve_base_url(None, {"IMUZE_BASE_URL": ""})
    assert resolve_base_url(None, {}) == DEFAULT_BASE_URL


def test_configuration_error_is_public() -> None:
    import imuze
    import imuze_ext

    assert "ConfigurationError" in imuze.__all__
    assert imuze_ext.ConfigurationError is ConfigurationError
    assert issubclass(ConfigurationError, ImuzeError)
    assert logging.getLogger("imuze_ext") is logger
