"""What the `imuze` commands say as a new user meets them: the same song fields from `create`
and `show`, the command that resumes a wait, a hint for a base URL without /api/4, and
`imuze login` checking an API key."""

from __future__ import annotations

import json

import pytest
from cli_helpers import CLEAN_ENV, error_and_hint, logged_in_env, usage_error
from typer.testing import CliRunner

from imuze_cli import session
from imuze_cli.app import app
from imuze_mock import MockConfig, MockServer, running


def _fields(output: str) -> list[tuple[str, str]]:
    """The `  name: value` lines under a song's heading."""
    lines = [line.strip() for line in output.splitlines()[1:] if line.startswith("  ")]
    return [(name, value.strip()) for name, _, value in (line.partition(":") for line in lines)]


def test_create_and_show_print_the_same_fields_the_same_way() -> None:
    # Slow renders, so that `show` sees the song processing, as `create` does.
    with running(MockConfig(render_delay=30)) as server:
        runner = CliRunner(env=logged_in_env(server))
        created = runner.invoke(
            app, ["songs", "create", "--title", "Night Drive", "--tag", "metal"]
        )
        assert created.exit_code == 0, created.output
        song_id = created.stdout.split(":", 1)[0].removeprefix("Song ")
        shown = runner.invoke(app, ["songs", "show", song_id])
    assert shown.exit_code == 0, shown.output
    assert (
        created.stdout.splitlines()[0]
        == shown.stdout.splitlines()[0]
        == (f"Song {song_id}: Night Drive")
    )
    assert _fields(created.stdout) == _fields(shown.stdout)
    fields = dict(_fields(created.stdout))
    assert fields["status"] == "processing"
    assert fields["arrangement"] == "Heavy Metal"  # by name, never its id
    # The media answer 404 while the song renders: no URL to click yet, the way to wait.
    assert (
        fields["mp3"]
        == fields["timeline"]
        == f"- (served once ready: 'imuze songs wait {song_id}')"
    )
    assert "http" not in created.stdout


def test_a_ready_song_shows_its_media(imuze_mock_server: MockServer) -> None:
    runner = CliRunner(env=logged_in_env(imuze_mock_server))
    created = json.loads(
        runner.invoke(
            app, ["songs", "create", "--title", "Blue Hour", "--length", "1", "--json"]
        ).stdout
    )
    waited = runner.invoke(app, ["songs", "wait", str(created["id"])])
    assert waited.exit_code == 0, waited.output
    fields = dict(_fields(waited.stdout))
    assert fields["status"] == "ready"
    assert fields["mp3"].startswith("http") and fields["mp3"].endswith(".mp3")


def test_compose_that_times_out_names_the_command_that_resumes_the_wait() -> None:
    with running(MockConfig(render_delay=30)) as server:
        result = CliRunner(env=logged_in_env(server)).invoke(
            app, ["compose", "--title", "Night Drive", "--timeout", "1", "--out", "out-never"]
        )
    assert result.exit_code == 1
    error, hint = error_and_hint(result.stderr)
    assert error.startswith("error: song 1 not ready before the deadline")
    assert hint == (
        "hint: the song is still rendering: 'imuze songs wait 1' resumes the wait, "
        "then 'imuze songs download 1'"
    )


@pytest.mark.parametrize("credentials", ["password", "api_key"])
def test_a_base_url_without_api_4_gets_a_hint(
    imuze_mock_server: MockServer, credentials: str
) -> None:
    env = logged_in_env(imuze_mock_server, IMUZE_BASE_URL=imuze_mock_server.origin)
    if credentials == "api_key":
        env |= {"IMUZE_EMAIL": None, "IMUZE_PASSWORD": None}
        env["IMUZE_API_KEY"] = imuze_mock_server.demo.api_key
    result = CliRunner(env=env).invoke(app, ["songs", "list"])
    assert result.exit_code == 1
    error, hint = error_and_hint(result.stderr)
    assert error.startswith("error: 404 ")
    assert hint == (
        f"hint: the API lives under /api/4: pass --base-url {imuze_mock_server.origin}/api/4 "
        "(or set IMUZE_BASE_URL)"
    )


def test_login_checks_an_api_key(imuze_mock_server: MockServer) -> None:
    env = {
        **CLEAN_ENV,
        "IMUZE_BASE_URL": imuze_mock_server.base_url,
        "IMUZE_API_KEY": imuze_mock_server.demo.api_key,
    }
    good = CliRunner(env=env).invoke(app, ["login", "--api-key"])
    assert good.exit_code == 0, good.output
    assert good.stdout.startswith(f"API key accepted by {imuze_mock_server.base_url}: ")
    bad = CliRunner(env={**env, "IMUZE_API_KEY": "not-a-key"}).invoke(app, ["login", "--api-key"])
    assert bad.exit_code == 1
    error, hint = error_and_hint(bad.stderr)
    assert error.startswith("error: 401 ") and "not-a-key" not in bad.output
    assert hint is not None and "IMUZE_API_KEY" in hint


def test_login_asks_for_a_key_at_a_terminal_only(
    imuze_mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**CLEAN_ENV, "IMUZE_BASE_URL": imuze_mock_server.base_url}
    piped = CliRunner(env=env).invoke(app, ["login", "--api-key", "--json"], input="")
    assert piped.exit_code == 2
    assert "no API key: set IMUZE_API_KEY" in piped.stderr
    monkeypatch.setattr(session, "can_prompt", lambda: True)
    key = imuze_mock_server.demo.api_key
    asked = CliRunner(env=env).invoke(app, ["login", "--api-key", "--json"], input=f"{key}\n")
    assert asked.exit_code == 0, asked.output
    assert json.loads(asked.stdout.split("\n", 1)[1])["credentials"] == "api_key"
    assert key is not None and key not in asked.output


def test_no_credentials_for_contract_names_the_variables_as_songs_list_does() -> None:
    runner = CliRunner(env={**CLEAN_ENV, "IMUZE_BASE_URL": "http://127.0.0.1:9/api/4"})
    songs = usage_error(runner.invoke(app, ["songs", "list"], input="").stderr)[0]
    contract = usage_error(runner.invoke(app, ["contract"]).stderr)[0]
    assert songs.startswith(contract)  # and contract, which never prompts, has no "--email"
    assert contract == "error: no credentials: set IMUZE_API_KEY, or IMUZE_EMAIL and IMUZE_PASSWORD"
    assert "api_key=" not in contract
