"""The CLI without rough edges: usage errors are one line plus a hint (exit 2), --json
errors are JSON on stderr, empty lists say so, no progress bar before the download is
known to work, connection errors name the server, the login log tells the outcome."""

from __future__ import annotations

import importlib.metadata
import json
import logging
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from cli_helpers import CLEAN_ENV, json_error, logged_in_env, one_error_line, usage_error
from imuze_client.models import ArrangementList
from typer.testing import CliRunner

from imuze_cli import output
from imuze_cli.app import app, main
from imuze_ext import _responses
from imuze_mock import MockConfig, MockServer
from imuze_mock.server import running

IMUZE = str(Path(sys.executable).parent / "imuze")
UNREACHABLE = "http://127.0.0.1:9/api/4"


@pytest.fixture
def runner(imuze_mock_server: MockServer) -> CliRunner:
    return CliRunner(env=logged_in_env(imuze_mock_server))


@pytest.mark.parametrize(
    ("args", "says", "hint"),
    [
        (
            ["songs", "create", "--title", "Abcd", "--length", "-1"],
            "'--length': -1 is not in the range",
            "see 'imuze songs create --help'",
        ),
        (
            ["songs", "show", "twelve"],
            "'twelve' is not a valid int",
            "see 'imuze songs show --help'",
        ),
        (
            ["songs", "list", "--colour"],
            "No such option: --colour",
            "see 'imuze songs list --help'",
        ),
        (["songs", "frobnicate"], "No such command 'frobnicate'", "see 'imuze songs --help'"),
        (["compose", "--length", "5"], "Missing option '--title'", "see 'imuze compose --help'"),
        (
            ["--base-url", "ftp://example.com/api/4", "songs", "list"],
            "invalid base URL 'ftp://example.com/api/4'",
            "pass --base-url or set IMUZE_BASE_URL to http(s)://host/path",
        ),
    ],
)
def test_a_usage_error_is_one_line_and_a_hint(args: list[str], says: str, hint: str) -> None:
    result = CliRunner(env={**CLEAN_ENV, "IMUZE_API_KEY": "k"}).invoke(app, args)
    assert result.exit_code == 2
    error, hint_line = usage_error(result.output)
    assert says in error
    assert hint_line == f"hint: {hint}"


def test_an_invalid_base_url_from_the_environment_is_a_usage_error() -> None:
    env = {**CLEAN_ENV, "IMUZE_API_KEY": "k", "IMUZE_BASE_URL": "localhost:8000/api/4"}
    result = CliRunner(env=env).invoke(app, ["arrangements", "list"])
    assert result.exit_code == 2
    assert "invalid base URL" in usage_error(result.output)[0]


@pytest.mark.parametrize("options", [["--email", "someone@example.com"], []])
def test_no_password_and_no_terminal_never_prompts(options: list[str]) -> None:
    """A real process with piped stdin: no prompt, no GetPassWarning, nothing read."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMUZE_")}
    env["IMUZE_BASE_URL"] = UNREACHABLE
    if not options:
        env["IMUZE_EMAIL"] = "someone@example.com"
    result = subprocess.run(
        [IMUZE, *options, "login"],
        input="Hunter2-piped\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    error, hint = usage_error(result.stderr)
    assert "no password" in error and "IMUZE_PASSWORD" in error
    assert hint == "hint: see 'imuze login --help'"  # the failed command's own usage
    assert "GetPassWarning" not in result.stderr and "Password" not in result.stderr
    assert result.stdout == ""


def test_no_email_and_no_terminal_never_prompts() -> None:
    env = {**CLEAN_ENV, "IMUZE_BASE_URL": UNREACHABLE}
    result = CliRunner(env=env).invoke(app, ["login"], input="someone@example.com\n")
    assert result.exit_code == 2
    assert "no email" in usage_error(result.output)[0]
    assert "Email" not in result.output


def test_json_usage_error_is_json_on_stderr() -> None:
    result = CliRunner(env={**CLEAN_ENV, "IMUZE_API_KEY": "k"}).invoke(
        app, ["songs", "show", "twelve", "--json"]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    error = json_error(result.stderr)
    assert error["type"] == "UsageError" and error["status"] is None
    assert "'twelve' is not a valid int" in error["message"]


def test_json_missing_credentials_is_json() -> None:
    result = CliRunner(env=CLEAN_ENV).invoke(app, ["songs", "list", "--json"])
    assert result.exit_code == 2
    error = json_error(result.stderr)
    assert error["type"] == "MissingCredentialsError" and error["status"] is None


def test_json_api_error_carries_the_status(runner: CliRunner) -> None:
    result = runner.invoke(app, ["songs", "show", "987654", "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    error = json_error(result.stderr)
    assert error == {"type": "NotFoundError", "status": 404, "message": error["message"]}
    assert "987654" in error["message"]


def test_json_connection_error_has_no_status() -> None:
    env = {**CLEAN_ENV, "IMUZE_API_KEY": "k", "IMUZE_BASE_URL": UNREACHABLE}
    result = CliRunner(env=env).invoke(app, ["arrangements", "list", "--json"])
    assert result.exit_code == 1
    error = json_error(result.stderr)
    assert error["type"] == "APIConnectionError" and error["status"] is None
    assert "GET http://127.0.0.1:9/api/4/arrangements" in error["message"]


def test_connection_error_names_scheme_host_and_port() -> None:
    env = {**CLEAN_ENV, "IMUZE_EMAIL": "a@example.com", "IMUZE_PASSWORD": "pw"}
    result = CliRunner(env=env).invoke(app, ["--base-url", UNREACHABLE, "songs", "list"])
    assert result.exit_code == 1
    assert "POST http://127.0.0.1:9/api/4/tokens" in one_error_line(result.output)


def test_imuze_log_of_one_invocation_does_not_reach_the_next() -> None:
    """Two invocations in one process: the first with IMUZE_LOG=info logs, the second
    without it prints its one error line and no log line (the latest setting wins)."""
    env = {**CLEAN_ENV, "IMUZE_EMAIL": "a@example.com", "IMUZE_PASSWORD": "pw"}
    args = ["--base-url", UNREACHABLE, "songs", "list"]
    level = logging.getLogger("imuze_ext").level
    logged = CliRunner(env={**env, "IMUZE_LOG": "info"}).invoke(app, args)
    assert logged.exit_code == 1
    assert "imuze_ext INFO" in logged.output or "imuze_ext WARNING" in logged.output
    quiet = CliRunner(env=env).invoke(app, args)
    assert quiet.exit_code == 1
    assert "POST http://127.0.0.1:9/api/4/tokens" in one_error_line(quiet.output)
    assert logging.getLogger("imuze_ext").level == level  # put back as IMUZE_LOG found it


def test_the_console_script_run_twice_leaves_the_logger_as_it_found_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`main()` twice in one process, IMUZE_LOG=info then unset: the second run takes off
    the first one's handler and level before it notes the logger's state, so they do not
    outlive it."""
    logger = logging.getLogger("imuze_ext")
    level, handlers = logger.level, list(logger.handlers)
    stamina_logger = logging.getLogger("stamina")  # main() quiets it: put back afterwards
    monkeypatch.setattr(stamina_logger, "handlers", list(stamina_logger.handlers))
    monkeypatch.setattr(stamina_logger, "propagate", stamina_logger.propagate)
    for name in CLEAN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IMUZE_EMAIL", "a@example.com")
    monkeypatch.setenv("IMUZE_PASSWORD", "pw")
    monkeypatch.setattr(sys, "argv", ["imuze", "--base-url", UNREACHABLE, "songs", "list"])
    monkeypatch.setenv("IMUZE_LOG", "info")
    with pytest.raises(SystemExit):
        main()
    assert logger.level == logging.INFO
    monkeypatch.delenv("IMUZE_LOG")
    with pytest.raises(SystemExit):
        main()
    assert (logger.level, logger.handlers) == (level, handlers)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://api.imuze.io/api/4/songs?page=2", "GET https://api.imuze.io:443/api/4/songs:"),
        ("http://[::1]:8000/api/4/songs", "GET http://[::1]:8000/api/4/songs:"),
    ],
)
def test_connection_error_message_keeps_the_default_port_and_ipv6(url: str, shown: str) -> None:
    exc = httpx.ConnectError("refused", request=httpx.Request("GET", url))
    message = str(_responses.typed(exc))
    assert message == f"connection failed: {shown} ConnectError: refused"


def test_empty_song_list_says_so(runner: CliRunner) -> None:
    result = runner.invoke(app, ["songs", "list"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "No songs yet: create one with `imuze compose`."


def test_empty_arrangement_list_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_arrangements(ArrangementList(count=0, response=[]), as_json=False)
    assert capsys.readouterr().out.strip() == "No arrangements."
    output.print_arrangements(ArrangementList(count=0, response=[]), as_json=True)
    assert '"count": 0' in capsys.readouterr().out


def test_no_progress_bar_before_the_song_is_downloadable(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["songs", "download", "999", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "404" in one_error_line(result.output)
    assert list(tmp_path.iterdir()) == []


def test_the_progress_bar_shows_once_bytes_arrive(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["compose", "--title", "Blue Hour", "--length", "1", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Downloading" in result.stderr and "Saved " in result.stdout


def test_the_login_log_tells_success_from_failure(
    imuze_mock_server: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="imuze_ext")
    demo = imuze_mock_server.demo
    env = {**CLEAN_ENV, "IMUZE_EMAIL": demo.email, "IMUZE_PASSWORD": demo.password}
    runner = CliRunner(env=env)
    ok = runner.invoke(app, ["--base-url", imuze_mock_server.base_url, "songs", "list"])
    assert ok.exit_code == 0, ok.output
    assert _login_lines(caplog) == ["logged in (POST /api/4/tokens -> 201)"]
    caplog.clear()
    with running(MockConfig(maintenance=True)) as down:
        failed = runner.invoke(app, ["--base-url", down.base_url, "songs", "list"])
    assert failed.exit_code == 1
    assert "503" in one_error_line(failed.output)
    assert _login_lines(caplog) == ["login failed (POST /api/4/tokens -> 503)"]


def _login_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("log")]


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"imuze {importlib.metadata.version('imuze')}\n"


def test_ctrl_c_is_one_line_and_exit_130(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "print_songs", interrupted)
    result = runner.invoke(app, ["songs", "list"])
    assert result.exit_code == 130
    assert result.output.strip() == "Interrupted"


def test_at_a_terminal_the_password_is_asked_for(imuze_mock_server: MockServer) -> None:
    """stdin is a real pseudo-terminal: the CLI prompts, and the typed password logs in.

    A new session has no controlling terminal, so getpass reads the pty (stdin) and
    writes its part of the prompt on stderr, never on the terminal that runs the tests.
    It flushes typed-ahead input, so the password is typed once that part shows.
    """
    demo = imuze_mock_server.demo
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMUZE_")}
    env["IMUZE_BASE_URL"] = imuze_mock_server.base_url
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [IMUZE, "--email", demo.email, "login", "--json"],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        assert process.stderr is not None
        ready, _, _ = select.select([process.stderr], [], [], 30)  # getpass is reading
        assert ready, "no password prompt"
        prompt = os.read(process.stderr.fileno(), 1024)
        os.write(controller, demo.password.encode() + b"\n")
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
        os.close(controller)
        os.close(terminal)
    assert process.returncode == 0, stderr
    assert b"GetPassWarning" not in prompt + stderr
    label, answer = stdout.decode().split(":", 1)
    assert label == "Password"  # click's part of the prompt
    assert json.loads(answer)["logged_in"] is True
    assert demo.password.encode() not in stdout + stderr
