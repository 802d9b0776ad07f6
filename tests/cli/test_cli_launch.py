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
