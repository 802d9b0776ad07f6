"""Every command of every face (`imuze`, `imuze-spec`, `imuze-mock`), enumerated from the
command trees themselves, fails in one voice: an `error:` line and a `hint:` line, or the
JSON object on stderr with --json; and every `imuze` command takes the global options
(`--json`, `--base-url`, `--email`, `--deadline`) before or after its name.

A new command joins these tests by being added to its app: its required parameters get
placeholder values from their declarations (see `placeholder_args`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import miniaudio
import pytest
import typer
import typer.core
import typer.main
from cli_helpers import CLEAN_ENV, error_and_hint, json_error, logged_in_env, usage_error
from typer.testing import CliRunner

from imuze_cli import playback
from imuze_cli.app import app
from imuze_cli.spec import app as spec_app
from imuze_mock import MockServer, running

Path_ = tuple[str, ...]


def leaves(group: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every runnable command under `group`, with the names that reach it."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, typer.core.TyperGroup):
            if command.invoke_without_command:  # `imuze contract` runs, and has subcommands
                yield (*path, name), command
            yield from leaves(command, (*path, name))
        else:
            yield (*path, name), command


REPORT = Path(tempfile.mkdtemp(prefix="imuze-tree-")) / "report.json"
"""A report of one row (a GET of the songs as the demo user), for the commands that read one."""
REPORT.write_text(
    json.dumps({
        "base_url": "http://127.0.0.1:9/api/4", "seed": 1, "users": 1,
        "deviations": [{
            "operation": "GET /songs", "operation_id": "listSongs",
            "check": "status_code_conformance",
            "status": 500, "location": "status", "expected": "a documented status",
            "actual": "500", "curl": "", "code": "", "title": "",
            "steps": [{"method": "GET", "url": "http://127.0.0.1:9/api/4/songs",
                       "headers": {"Authorization": "${IMUZE_TOKEN}"}}],
        }],
    }),
    encoding="utf-8",
)  # fmt: skip


def placeholder_args(command: Any) -> list[str]:
    """Values for the required parameters: "1" for an argument (an id, a spec path), a
    title-like text for a required option."""
    args: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        if isinstance(param, typer.core.TyperArgument):
            args.append("1")
        elif param.opts[0] == "--report":
            args += [param.opts[0], str(REPORT)]
        else:
            args += [param.opts[0], "Night Drive"]
    return args


IMUZE = {path: placeholder_args(command) for path, command in leaves(typer.main.get_command(app))}
SPEC = {
    path: placeholder_args(command) for path, command in leaves(typer.main.get_command(spec_app))
}
SPEC_ARGUMENTS = {
    path: sum(isinstance(param, typer.core.TyperArgument) for param in command.params)
    for path, command in leaves(typer.main.get_command(spec_app))
}
"""How many spec paths each imuze-spec command takes."""


def test_the_trees_hold_every_command_the_readme_documents() -> None:
    assert {" ".join(path) for path in IMUZE} >= {
        "arrangements list", "arrangements show", "songs list", "songs show", "songs create",
        "songs wait", "songs download", "compose", "play", "login", "contract",
    }  # fmt: skip
    assert {" ".join(path) for path in SPEC} >= {"diff", "check"}


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with running() as server:
        yield server


@pytest.fixture(autouse=True)
def _a_null_audio_device(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`imuze play` gets past its device check on any machine, and caches under tmp_path."""
    monkeypatch.setattr(playback, "default_backends", lambda: [miniaudio.Backend.NULL])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def imuze(args: list[str], env: dict[str, str | None]) -> Any:
    return CliRunner(env=env).invoke(app, args, input="")


@pytest.mark.parametrize("path", IMUZE, ids=" ".join)
def test_global_options_before_or_after_the_command(path: Path_) -> None:
    """The same command line with the global options before and after the command's name:
    both parse and both take effect (the base URL is used, the error is JSON)."""
    env = {**CLEAN_ENV, "IMUZE_API_KEY": "k"}
    globals_ = ["--json", "--email", "a@example.com", "--deadline", "5", "--base-url", "not-a-url"]
    before = imuze([*globals_, *path, *IMUZE[path]], env)
    after = imuze([*path, *IMUZE[path], *globals_], env)
    assert before.exit_code == after.exit_code == 2, (before.output, after.output)
    assert before.stdout == after.stdout == ""
    assert before.stderr == after.stderr
    error = json_error(before.stderr)
    assert "invalid base URL 'not-a-url'" in error["message"]


@pytest.mark.parametrize("args", [["songs", "list"], ["arrangements", "list"], ["login"]])
def test_json_before_or_after_prints_the_same_json(mock: MockServer, args: list[str]) -> None:
    env = logged_in_env(mock)
    before, after = imuze(["--json", *args], env), imuze([*args, "--json"], env)
    assert before.exit_code == after.exit_code == 0, before.output
    assert json.loads(before.stdout) == json.loads(after.stdout)


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_email_and_deadline_take_effect_in_either_place(mock: MockServer, before: bool) -> None:
    def run(*options: str) -> Any:
        args = [*options, "songs", "list"] if before else ["songs", "list", *options]
        return imuze(args, logged_in_env(mock))

    wrong = run("--email", "nobody@example.com")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: 401 "), wrong.output
    spent = run("--deadline", "0.001")
    assert spent.exit_code == 1, spent.output
    assert "hint: the call ran out of the time it was given" in spent.stderr


def test_base_url_after_the_command_wins_over_the_environment(mock: MockServer) -> None:
    env = logged_in_env(mock, IMUZE_BASE_URL="http://127.0.0.1:9/api/4")  # nothing listens
    result = imuze(["songs", "list", "--json", "--base-url", mock.base_url], env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["count"] >= 0


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("path", IMUZE, ids=" ".join)
def test_a_usage_error_in_one_voice(path: Path_, as_json: bool) -> None:
    flags = ["--json"] if as_json else []
    result = imuze([*path, *IMUZE[path], "--no-such-option", *flags], CLEAN_ENV)
    assert result.exit_code == 2
    assert result.stdout == ""
    if as_json:
        assert json_error(result.stderr) == {
            "type": "UsageError", "status": None, "message": "No such option: --no-such-option",
        }  # fmt: skip
    else:
        assert usage_error(result.stderr) == (
            "error: No such option: --no-such-option",
            f"hint: see 'imuze {' '.join(path)} --help'",
        )


@pytest.mark.parametrize("path", IMUZE, ids=" ".join)
def test_refused_credentials_in_one_voice(mock: MockServer, path: Path_) -> None:
    """A wrong password: the status line as every command words it, and what to check."""
    env = logged_in_env(mock, IMUZE_PASSWORD="not-the-password")
    result = imuze([*path, *IMUZE[path]], env)
    if path == ("play",) and result.exit_code == 0:
        pytest.fail("play 1 with a wrong password played something")
    error, hint = error_and_hint(result.stderr)
    assert "401 unauthorized: wrong email or password (POST /api/4/tokens)" in error
    assert hint is not None and hint.startswith("hint: check IMUZE_API_KEY, or IMUZE_EMAIL")
    assert result.exit_code == (2 if path[0] == "contract" else 1)  # a setup error there
    assert "not-the-password" not in result.output
    as_json = imuze([*path, *IMUZE[path], "--json"], env)
    assert json_error(as_json.stderr)["message"] == error.removeprefix("error: ")


@pytest.mark.parametrize("path", SPEC, ids=" ".join)
def test_imuze_spec_speaks_in_the_same_voice(path: Path_, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(spec_app, [*path, *SPEC[path], "--no-such-option"])
    assert bad.exit_code == 2
    error, hint = usage_error(bad.stderr)  # click may add "(Possible options: ...)"
    assert error.startswith("error: No such option: --no-such-option")
    assert hint == f"hint: see 'imuze-spec {' '.join(path)} --help'"
    if not SPEC_ARGUMENTS[path]:
        return
    missing = [str(tmp_path / "missing.yaml")] * SPEC_ARGUMENTS[path]
    unloadable = runner.invoke(spec_app, [*path, *missing])
    assert unloadable.exit_code == 2
    error, hint = usage_error(unloadable.stderr)
    assert error.startswith("error: cannot read ")
    assert hint == "hint: check the path"  # the cause's own hint: the file is not there
    if "--format" in {opt for param in spec_command(path).params for opt in param.opts}:
        as_json = runner.invoke(spec_app, [*path, *missing, "--format", "json"])
        assert json_error(as_json.stderr)["type"] == "SpecLoadError"


def spec_command(path: Path_) -> Any:
    return dict(leaves(typer.main.get_command(spec_app)))[path]


def test_imuze_mock_speaks_in_the_same_voice() -> None:
    mock_cli = [sys.executable, "-m", "imuze_cli.mock"]
    for args, error in [
        (["--no-such-option"], "error: unrecognized arguments: --no-such-option"),
        (["--port", "x"], "error: argument --port: must be an integer from 0 to 65535, not 'x'"),
        (["--faults", "oops:1"], "error: bad fault 'oops:1'"),
    ]:
        done = subprocess.run(
            [*mock_cli, *args], capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 2
        line, hint = usage_error(done.stderr)
        assert line.startswith(error) and hint == "hint: see 'imuze-mock --help'"
        assert done.stdout == ""
