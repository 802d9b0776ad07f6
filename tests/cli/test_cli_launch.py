"""`imuze --version` answers before typer, rich or the client load, and says what the app
(and importlib.metadata) says."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from imuze_cli.app import app

IMUZE = str(Path(sys.executable).parent / "imuze")


def test_the_fast_version_is_the_apps_and_the_metadatas() -> None:
    done = subprocess.run([IMUZE, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    expected = f"imuze {importlib.metadata.version('imuze')}\n"
    assert done.stdout == expected
    assert CliRunner().invoke(app, ["--version"]).stdout == expected


def test_the_fast_version_imports_nothing_heavy() -> None:
    probe = (
        "import sys; sys.argv = ['imuze', '--version']; from imuze_cli.launch import main; "
        "main(); heavy = {'typer', 'rich', 'httpx', 'imuze_ext', 'importlib.metadata'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr


def test_every_other_command_line_runs_the_app() -> None:
    done = subprocess.run([IMUZE, "--no-such-option"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("error: No such option: --no-such-option")


HEAVY = (
    "httpx",
    "imuze_ext",
    "imuze_client",
    "imuze_mock",
    "mutagen",
    "schemathesis",
    "hypothesis",
)
"""What registering the commands must not load: the client and each command's own needs
load when a command runs, so that `imuze --help` costs what typer's own `--help` does."""


def test_help_loads_neither_the_client_nor_a_commands_needs() -> None:
    """The whole tree's help, each group's, from one process per line: a sys.modules check."""
    for args in (["--help"], ["songs", "--help"], ["contract", "--help"], ["compose", "--help"]):
        probe = (
            f"import sys; sys.argv = ['imuze', *{args!r}]\n"
            "from imuze_cli.launch import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
        )
        assert done.stdout.splitlines()[-1] == "[]", (args, done.stdout[-2000:], done.stderr)


def test_the_help_names_the_clients_variables() -> None:
    """The root help's variable names are the client's (written out, so that no client
    module loads for `--help`)."""
    from imuze_ext import _config

    text = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout
    for name in (_config.ENV_API_KEY, _config.ENV_EMAIL, _config.ENV_PASSWORD):
        assert name in text
