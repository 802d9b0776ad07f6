"""`imuze-spec bump`: counted from the released version, so re-runs and identical specs change
nothing; pyproject.toml edited with tomlkit (comments, odd headers and CRLF kept); a dynamic
version read by hatch from a literal is bumped in that literal."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from imuze_spec.bump import BumpError, bump, read_version, released_version
from imuze_spec.findings import Finding, Level

ERR = Finding(Level.ERR, "wire", "server-url-changed", "", "#/servers/0/url", "moved")
ADDED = Finding(Level.INFO, "wire", "operation-added", "x", "#/paths/~1x/get", "new")
PYPROJECT = '[project]  # the package\nname = "x"\nversion = "1.2.3"  # bumped by imuze-spec\n'


def _project(tmp_path: Path, text: str = PYPROJECT, newline: str = "\n") -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def test_a_rerun_changes_nothing(tmp_path: Path) -> None:
    path = _project(tmp_path)
    assert bump(path, [ERR]) == ("1.2.3", "2.0.0", "major")
    assert bump(path, [ERR], released="1.2.3") == ("2.0.0", "2.0.0", "major")
    assert read_version(path) == "2.0.0"


def test_identical_specs_change_nothing(tmp_path: Path) -> None:
    path = _project(tmp_path)
    before = path.read_bytes()
    assert bump(path, []) == ("1.2.3", "1.2.3", "none")
    assert path.read_bytes() == before


def test_a_commented_header_and_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    path = _project(tmp_path, newline="\r\n")
    bump(path, [ADDED], released="1.2.3")
    expected = PYPROJECT.replace("1.2.3", "1.3.0").replace("\n", "\r\n")
    assert path.read_bytes() == expected.encode()


def test_the_released_version_is_the_tag_else_the_committed_pyproject(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    path = _project(tmp_path)
    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "0")
    assert released_version(path) == "1.2.3"  # nothing committed: the file's own
    git("add", "pyproject.toml")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "1")
    bump(path, [ERR])
    assert read_version(path) == "2.0.0" and released_version(path) == "1.2.3"
    bump(path, [ERR])  # the re-run: still counted from the committed 1.2.3
    assert read_version(path) == "2.0.0"
    git("tag", "v1.5.0")
    assert released_version(path) == "1.5.0"


def test_a_dynamic_version_in_a_hatch_literal_is_bumped_there(tmp_path: Path) -> None:
    text = (
        '[project]\nname = "x"\ndynamic = ["version"]\n\n'
        '[tool.hatch.version]\npath = "pkg/_version.py"\n'
    )
    path = _project(tmp_path, text)
    (tmp_path / "pkg").mkdir()
    literal = tmp_path / "pkg" / "_version.py"
    literal.write_text('"""The version."""\n\n__version__ = "0.4.1"\n', encoding="utf-8")
    assert bump(path, [ADDED], released="0.4.1") == ("0.4.1", "0.5.0", "minor")
    assert literal.read_text(encoding="utf-8") == '"""The version."""\n\n__version__ = "0.5.0"\n'
    assert path.read_text(encoding="utf-8") == text
    path.write_text('[project]\nname = "x"\ndynamic = ["version"]\n', encoding="utf-8")
    with pytest.raises(BumpError, match="dynamic"):
        read_version(path)
