"""The `imuze` CLI: exit codes 0/1/2, --json output, one readable error line, no secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import CLEAN_ENV, logged_in_env, one_error_line, usage_error
from typer.testing import CliRunner

from imuze_cli import output, session
from imuze_cli.app import app
from imuze_mock import MockServer


@pytest.fixture
def runner(imuze_mock_server: MockServer) -> CliRunner:
    return CliRunner(env=logged_in_env(imuze_mock_server))


def test_arrangements_list_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["arrangements", "list", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["count"] == len(data["response"]) > 0
    shown = runner.invoke(app, ["arrangements", "show", str(data["response"][0]["id"])])
    assert shown.exit_code == 0
    assert "genres:" in shown.stdout


def test_songs_create_wait_show_list_download(runner: CliRunner, tmp_path: Path) -> None:
    created = runner.invoke(
        app,
        ["songs", "create", "--title", "Night Drive", "--tag", "rock", "--length", "2", "--json"],
    )
    assert created.exit_code == 0, created.output
    song_id = str(json.loads(created.stdout)["id"])
    waited = runner.invoke(app, ["songs", "wait", song_id, "--timeout", "30", "--json"])
    assert waited.exit_code == 0, waited.output
    assert json.loads(waited.stdout)["status"] == "ready"
    listed = runner.invoke(app, ["songs", "list", "--json"])
    assert [s["id"] for s in json.loads(listed.stdout)["response"]] == [int(song_id)]
    shown = runner.invoke(app, ["songs", "show", song_id])
    assert shown.exit_code == 0 and "ready" in shown.stdout
    saved = runner.invoke(app, ["songs", "download", song_id, "--out", str(tmp_path), "--json"])
    assert saved.exit_code == 0, saved.output
    assert Path(json.loads(saved.stdout)["path"]).parent == tmp_path


def test_compose_json_writes_the_mp3(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "compose",
            "--title",
            "Morning Over The Bay",
            "--tag",
            "calm",
            "--length",
            "3",
            "--out",
            str(tmp_path / "out"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    path = Path(data["path"])
    assert path.parent == tmp_path / "out"
    assert path.stat().st_size == data["bytes"] > 0
    assert data["duration"] == pytest.approx(3.0, abs=0.5)
    assert data["song"]["status"] == "ready"


def test_compose_human_output(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["compose", "--title", "Blue Hour", "--length", "2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Saved " in result.stdout and " s, " in result.stdout


def test_api_errors_exit_1_with_one_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["songs", "show", "987654"])
    assert result.exit_code == 1
    assert "404" in one_error_line(result.output)
    bad = runner.invoke(app, ["songs", "create", "--title", "R2D2 and C3PO", "--length", "5"])
    assert bad.exit_code == 1
    assert "422" in one_error_line(bad.output)


def test_wrong_password_exits_1_without_echoing_it(runner: CliRunner) -> None:
    result = runner.invoke(app, ["songs", "list"], env={"IMUZE_PASSWORD": "Hunter2-wrong"})
    assert result.exit_code == 1
    line = one_error_line(result.output)
    assert "401" in line and "Hunter2-wrong" not in result.output


def test_unreachable_api_exits_1(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--base-url", "http://127.0.0.1:9/api/4", "songs", "list"])
    assert result.exit_code == 1
    assert "connection failed" in one_error_line(result.output)


@pytest.mark.parametrize(
    "args",
    [
        ["songs", "show", "not-a-number"],
        ["songs", "frobnicate"],
        ["compose", "--length", "5"],
        ["songs", "list", "--no-such-flag"],
        ["songs", "create", "--title", "Abcd", "--length", "-1"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    usage_error(result.output)


def test_missing_credentials_exit_2_naming_the_variables() -> None:
    result = CliRunner(env=CLEAN_ENV).invoke(app, ["arrangements", "list"], input="")
    assert result.exit_code == 2
    line, _ = usage_error(result.output)
    assert "IMUZE_API_KEY" in line and "IMUZE_EMAIL" in line and "IMUZE_PASSWORD" in line


def test_login_prompts_for_the_password(
    imuze_mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "can_prompt", lambda: True)  # as if stdin were a terminal
    demo = imuze_mock_server.demo
    runner = CliRunner(env={**CLEAN_ENV, "IMUZE_BASE_URL": imuze_mock_server.base_url})
    result = runner.invoke(
        app, ["--email", demo.email, "login", "--json"], input=f"{demo.password}\n"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.split("\n", 1)[1])["logged_in"] is True
    assert demo.password not in result.output
    no_input = runner.invoke(app, ["--email", demo.email, "login"], input="")
    assert no_input.exit_code == 2
    assert "IMUZE_PASSWORD" in no_input.output


def test_an_api_key_from_the_environment(imuze_mock_server: MockServer) -> None:
    runner = CliRunner(
        env={
            **CLEAN_ENV,
            "IMUZE_BASE_URL": imuze_mock_server.base_url,
            "IMUZE_API_KEY": imuze_mock_server.demo.api_key,
        }
    )
    result = runner.invoke(app, ["songs", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["count"] == 0


def test_debug_log_shows_the_calls_and_no_secret(tmp_path: Path) -> None:
    """The issue's check, as a user runs it: `IMUZE_LOG=debug imuze compose` under the mock."""
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMUZE_")}
    env["IMUZE_LOG"] = "debug"
    result = subprocess.run(
        [
            str(bin_dir / "imuze-mock"),
            "--port",
            "0",
            "--render-delay",
            "0.05",
            "--",
            str(bin_dir / "imuze"),
            "compose",
            "--title",
            "Low Tide",
            "--length",
            "2",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    log = "\n".join(line for line in result.stderr.splitlines() if " imuze_ext " in line)
    assert "POST /api/4/tokens -> 201 (attempt 1" in log
    assert "POST /api/4/songs -> 201 (attempt 1" in log
    assert "GET /api/4/songs/1/audio.mp3 -> 200" in log
    assert "'authorization': '[redacted]'" in log
    cli_output = result.stdout + "\n".join(
        line for line in result.stderr.splitlines() if not line.startswith(("imuze-mock:", "  "))
    )
    for secret in ("imuze-demo", "imuze-demo-key"):
        assert secret not in log
        assert secret not in cli_output


def test_server_text_is_printed_as_is_never_as_markup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A "[" in what the server sends (or in a path) must not be read as rich markup: an
    unbalanced "[/bold]" would otherwise raise MarkupError, and "[red]" would vanish."""
    from imuze_client.models import Arrangement, Song

    output.print_arrangement(
        Arrangement(id=7, description="Loud [/bold] and [red]raw[/red]", image_url=None,
                    genre_list=["[x]"]),
        as_json=False,
    )  # fmt: skip
    output.print_song(
        Song(id=3, title="Night Drive", status="[ready]", mp3_url="https://h/[a].mp3",
             arrangement_name="[/] Synth", timeline_url="https://h/t.json"),
        as_json=False,
    )  # fmt: skip
    shown = capsys.readouterr().out
    assert "Loud [/bold] and [red]raw[/red]" in shown
    assert "[x]" in shown and "[ready]" in shown and "[/] Synth" in shown
    assert "https://h/[a].mp3" in shown


def test_the_saved_line_is_one_unwrapped_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Not a terminal: rich must not wrap a long path, a script reads it back."""
    path = tmp_path / ("deep-folder-[name]-" * 6) / "night-drive-1.mp3"
    path.parent.mkdir()
    path.write_bytes(b"not really an mp3")
    output.print_saved(path, None, as_json=False)
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and line.startswith(f"Saved {path} (")
