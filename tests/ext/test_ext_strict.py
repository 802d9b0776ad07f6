"""Strict mode: `strict=True` or IMUZE_STRICT=1, in the client and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from deviant import Layers, layered, path_absolute, rails_error, serve
from typer.testing import CliRunner

from imuze_cli.app import app
from imuze_ext import AsyncImuze, Imuze, ImuzeError
from imuze_ext._config import resolve_strict
from imuze_mock import DEMO, MockConfig

RAILS_LIKE = Layers(
    statuses={("POST", "/tokens"): 200, ("POST", "/songs"): 200},
    media=path_absolute,
    errors=rails_error,
)


@pytest.mark.parametrize(
    ("value", "strict"),
    [("1", True), ("true", True), (" YES ", True), ("on", True), ("0", False), ("", False)],
)
def test_imuze_strict_is_read_from_the_environment(value: str, strict: bool) -> None:
    assert resolve_strict(None, {"IMUZE_STRICT": value}) is strict
    assert resolve_strict(not strict, {"IMUZE_STRICT": value}) is (not strict)  # argument wins
    assert resolve_strict(None, {}) is False


def test_a_misspelt_imuze_strict_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMUZE_STRICT", "ture")
    with pytest.raises(ImuzeError, match="IMUZE_STRICT='ture'"):
        Imuze(api_key="k", base_url="http://api.test/api/4")
    with pytest.raises(ImuzeError, match="IMUZE_STRICT"):
        AsyncImuze(api_key="k", base_url="http://api.test/api/4")


def test_the_client_says_whether_it_is_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    with Imuze(api_key="k") as api:
        assert api.strict is False
    monkeypatch.setenv("IMUZE_STRICT", "1")
    with Imuze(api_key="k") as api:
        assert api.strict is True
    assert AsyncImuze(api_key="k", strict=False).strict is False


@pytest.fixture
def rails_like() -> Iterator[str]:
    with serve(layered(MockConfig(render_delay=0.05), RAILS_LIKE)) as origin:
        yield f"{origin}/api/4"


def _cli(base_url: str, **extra: str) -> CliRunner:
    env: dict[str, str | None] = {
        "IMUZE_BASE_URL": base_url,
        "IMUZE_EMAIL": DEMO.email,
        "IMUZE_PASSWORD": DEMO.password,
        "IMUZE_API_KEY": None,
        "IMUZE_LOG": None,
        "IMUZE_STRICT": None,
    }
    return CliRunner(env={**env, **extra})


def test_the_cli_tolerates_quietly_and_fails_in_strict_mode(
    rails_like: str, tmp_path: Path
) -> None:
    args = ["compose", "--title", "Night Drive", "--length", "1", "--out", str(tmp_path)]
    tolerant = _cli(rails_like).invoke(app, args)
    assert tolerant.exit_code == 0, tolerant.output
    assert "Saved " in tolerant.stdout
    assert "deviation" not in tolerant.output  # nothing logged without IMUZE_LOG
    assert len(list(tmp_path.glob("*.mp3"))) == 1

    strict = _cli(rails_like, IMUZE_STRICT="1").invoke(app, args)
    assert strict.exit_code == 1
    lines = [line for line in strict.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in strict.output
    assert lines[0] == (
        "error: POST /api/4/tokens: createToken answered 200, the spec documents 201 (strict mode)"
    )
    assert len(list(tmp_path.glob("*.mp3"))) == 1  # nothing more was written
