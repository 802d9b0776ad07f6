"""One contract for every command line, enumerated from the command trees themselves: with
--json a command prints JSON on stdout for its result and a JSON error of a documented type
on stderr, never text, wherever the option stands; every `--help` shows every word of its
texts at 80 columns and at 200; a long Retry-After wait says how to bound it.

The trees are typer's (`imuze`, `imuze-spec`, via typer.main.get_command) and argparse's
(`imuze-mock`): a new command joins these tests by being added to its app.
"""

from __future__ import annotations

import argparse
import builtins
import inspect
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import miniaudio
import pytest
import typer
import typer.main
from cli_helpers import json_error, logged_in_env
from test_cli_tree import REPORT, leaves, placeholder_args
from typer.testing import CliRunner

import imuze_ext
from imuze_cli import errors, notices, playback
from imuze_cli.app import app
from imuze_cli.errors import CLI_ERROR_TYPES, Interrupted, failure_of
from imuze_cli.mock import _parser as mock_parser
from imuze_cli.spec import app as spec_app
from imuze_ext.errors import ImuzeError, MissingExtraError
from imuze_mock import MockServer, running

README = Path(__file__).resolve().parents[2] / "README.md"
IMUZE_TREE = typer.main.get_command(app)
SPEC_TREE = typer.main.get_command(spec_app)
IMUZE = {path: placeholder_args(command) for path, command in leaves(IMUZE_TREE)}
QUICK = {("contract",): ["--budget", "1", "--max-examples", "1"]}
"""What keeps a command short here (a contract run of a second, not of minutes)."""


def documented_types() -> set[str]:
    """The `type` values README.md documents: the imuze exceptions' names, and the CLI's."""
    exceptions = {
        name
        for name in imuze_ext.__all__
        if isinstance(getattr(imuze_ext, name), type)
        and issubclass(getattr(imuze_ext, name), BaseException)
    }
    return exceptions | set(CLI_ERROR_TYPES)


def subclasses(root: type[BaseException]) -> Iterator[type[BaseException]]:
    for sub in root.__subclasses__():
        yield sub
        yield from subclasses(sub)


# --json: results on stdout, errors on stderr, all JSON -----------------------------------------


@pytest.fixture(autouse=True)
def _a_null_audio_device(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`imuze play` gets past its device check on any machine; files land in tmp_path."""
    monkeypatch.setattr(playback, "default_backends", lambda: [miniaudio.Backend.NULL])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def mock() -> Iterator[MockServer]:
    with running() as server:
        yield server


def assert_json_only(result: Any) -> None:
    """stdout: empty or one JSON document; stderr: empty or one JSON error, documented type."""
    if result.stdout.strip():
        json.loads(result.stdout)
    if result.stderr.strip():
        assert json_error(result.stderr)["type"] in documented_types(), result.stderr
    assert result.exit_code == 0 or result.stderr.strip(), result.output


@pytest.mark.parametrize("before", [True, False], ids=["json-before", "json-after"])
@pytest.mark.parametrize("path", IMUZE, ids=" ".join)
def test_imuze_json_is_json_everywhere(
    mock: MockServer, path: tuple[str, ...], before: bool
) -> None:
    args = [*path, *IMUZE[path], *QUICK.get(path, [])]
    args = ["--json", *args] if before else [*args, "--json"]
    result = CliRunner(env=logged_in_env(mock)).invoke(app, args, input="")
    assert_json_only(result)


def test_contract_json_before_the_command_prints_the_report_not_the_summary(
    mock: MockServer,
) -> None:
    result = CliRunner(env=logged_in_env(mock)).invoke(
        app, ["--json", "contract", *QUICK[("contract",)]]
    )
    report = json.loads(result.stdout)
    assert report["base_url"] == mock.base_url
    assert "Checking the contract" not in result.stdout


def test_contract_replay_json_prints_its_verdict_as_json(mock: MockServer, tmp_path: Path) -> None:
    report = json.loads(REPORT.read_text(encoding="utf-8"))  # one row: GET /songs
    report["base_url"] = mock.base_url
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    for args in (
        ["--json", "contract", "replay", "1", "--report", "report.json"],
        ["contract", "replay", "1", "--report", "report.json", "--json"],
    ):
        result = CliRunner(env=logged_in_env(mock)).invoke(app, args)
        verdict = json.loads(result.stdout)
        assert verdict["row"] == 1 and verdict["verdict"] in {"gone", "still there"}
        assert verdict["operation_id"] == "listSongs"
        assert result.exit_code == (1 if verdict["replay"]["still"] else 0)


def test_contract_replay_without_a_password_names_what_to_set(
    mock: MockServer, tmp_path: Path
) -> None:
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    report["base_url"] = mock.base_url
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    env = {**logged_in_env(mock), "IMUZE_PASSWORD": None}
    args = ["--json", "contract", "replay", "1", "--report", str(tmp_path / "report.json")]
    result = CliRunner(env=env).invoke(app, args)
    error = json_error(result.stderr)
    assert result.exit_code == 2
    assert error["type"] == "MissingCredentialsError"
    assert error["message"] == f"no password for {mock.demo.email}: set IMUZE_PASSWORD"


@pytest.mark.parametrize("path", list(dict(leaves(SPEC_TREE))), ids=" ".join)
def test_imuze_spec_json_is_json(path: tuple[str, ...], tmp_path: Path) -> None:
    command = dict(leaves(SPEC_TREE))[path]
    if "--format" not in {opt for param in command.params for opt in param.opts}:
        return  # this command has no machine-readable form
    missing = [str(tmp_path / "missing.yaml")] * sum(
        isinstance(param, typer.core.TyperArgument) for param in command.params
    )
    result = CliRunner().invoke(spec_app, [*path, *missing, "--format", "json"])
    assert_json_only(result)


# the documented error types: every failure maps into the set ---------------------------------


def test_every_failure_has_a_documented_type() -> None:
    """Enumerated from the exception hierarchies the CLI meets: the client's (and the CLI's
    own subclasses), the OS's, click's, the extras', an interruption, an unknown one."""
    documented = documented_types()
    named = {cls.__name__ for cls in subclasses(ImuzeError)} - {"UsageProblem", "SetupProblem"}
    assert named <= documented
    assert MissingExtraError.__name__ in documented
    for cls in [OSError, *subclasses(OSError)]:
        if cls.__module__ == "builtins" and cls is not getattr(builtins, "BlockingIOError", None):
            assert failure_of(cls(2, "no such thing", "x")).kind == "OSError", cls
    for cls in [click.ClickException, *subclasses(click.ClickException)]:
        required = [
            click.Context(click.Command("x")) if param.name == "ctx" else "bad"
            for param in inspect.signature(cls).parameters.values()
            if param.default is param.empty and param.kind is param.POSITIONAL_OR_KEYWORD
        ]
        exc = cls(*required)
        assert failure_of(exc).kind in documented, cls
    assert failure_of(Interrupted()).kind == "Interrupted"
    assert failure_of(typer.Abort()).kind == "Interrupted"
    assert failure_of(ValueError("x")).kind == "UnexpectedError"


def test_readme_documents_every_cli_error_type() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    for name in CLI_ERROR_TYPES:
        assert f"`{name}`" in text, name


# --help at 80 and 200 columns: no word truncated or eaten --------------------------------------


def _words(text: str) -> list[str]:
    """The words a help text means to show: rich's `\\[` escape is a `[`."""
    return text.replace("\\[", "[").split()


def _flat(rendered: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", rendered).split())


def _typer_commands() -> Iterator[tuple[str, Any, tuple[str, ...], Any]]:
    def walk(group: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        yield path, group
        for name, command in sorted(getattr(group, "commands", {}).items()):
            yield from walk(command, (*path, name))

    for face, typer_app, tree in (("imuze", app, IMUZE_TREE), ("imuze-spec", spec_app, SPEC_TREE)):
        for path, command in walk(tree, ()):
            yield face, typer_app, path, command


HELP_CASES = [
    pytest.param(face, typer_app, path, command, id=" ".join((face, *path)))
    for face, typer_app, path, command in _typer_commands()
]


@pytest.mark.parametrize("columns", ["80", "200"])
@pytest.mark.parametrize(("face", "typer_app", "path", "command"), HELP_CASES)
def test_every_help_shows_every_word(
    face: str, typer_app: Any, path: tuple[str, ...], command: Any, columns: str
) -> None:
    result = CliRunner().invoke(typer_app, [*path, "--help"], env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout, result.stdout  # rich's mark of a cut line
    shown = _flat(result.stdout)
    texts = [command.help or "", *(getattr(param, "help", None) or "" for param in command.params)]
    eaten = [word for text in texts for word in _words(text) if word not in shown]
    assert not eaten, (face, path, eaten, result.stdout)
    for line in result.stdout.splitlines():
        assert len(line) <= int(columns), line


@pytest.mark.parametrize("columns", ["80", "200"])
def test_imuze_mock_help_shows_every_word(columns: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    parser = mock_parser()
    shown = _flat(parser.format_help())
    for action in parser._actions:  # argparse's public way to list what a parser takes
        if action.help in (None, argparse.SUPPRESS):
            continue
        text = str(action.help) % {**vars(action), "prog": parser.prog}
        assert [word for word in text.split() if word not in shown] == [], action.dest
    assert all(len(line) <= int(columns) for line in parser.format_help().splitlines())


# a long Retry-After wait says how to bound it --------------------------------------------------


def _wait_line(seconds: float, capsys: pytest.CaptureFixture[str]) -> str:
    record = logging.LogRecord(
        "imuze_ext", logging.INFO, __file__, 1, "waiting %.1f s before retrying %s (%s)",
        (seconds, "GET /api/4/songs", "Retry-After"), None,
    )  # fmt: skip
    record.imuze_retry_after = True
    record.imuze_wait_seconds = seconds
    notices.RetryAfterNotice().emit(record)
    return capsys.readouterr().err


def test_a_retry_after_wait_over_five_seconds_hints_at_deadline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    long = _wait_line(30.0, capsys)
    assert long.startswith("waiting 30.0 s, as the server asked (Retry-After)")
    assert "--deadline" in long
    assert "--deadline" not in _wait_line(notices.LONG_WAIT, capsys)
    assert "--deadline" not in _wait_line(2.0, capsys)


def test_the_maintenance_wait_of_the_cli_hints_at_deadline() -> None:
    """The line as the CLI prints it, the mock under maintenance asking for 30 s (stamina's
    test mode: not slept)."""
    from imuze_mock import MockConfig

    env = {"IMUZE_API_KEY": "imuze-demo-key", "IMUZE_LOG": None, "IMUZE_BASE_URL": None}
    with running(MockConfig(maintenance=True, retry_after=1)) as server, notices.shown():
        result = CliRunner(env=env).invoke(
            app, ["--base-url", server.base_url, "arrangements", "list"]
        )
    waits = [line for line in result.stderr.splitlines() if line.startswith("waiting ")]
    assert waits and all("--deadline" in line for line in waits), result.output
    assert errors.EXIT_API_ERROR == result.exit_code


@pytest.mark.parametrize(
    "argv",
    [["--json", "--port", "x"], ["--port", "x", "--json"], ["--json", "--faults", "oops:1"]],
    ids=["json-before", "json-after", "bad-knob"],
)
def test_imuze_mock_json_errors_are_json(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """imuze-mock's errors with --json anywhere before `--`: a JSON error of a documented type."""
    from imuze_cli.mock import main

    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert json_error(captured.err)["type"] in documented_types()
