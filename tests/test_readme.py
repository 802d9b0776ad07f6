"""Every Python block of README.md runs, found and run by pytest-examples, and passes
`mypy --strict` as a reader's own project would check it.

A block that defines test functions is a test module a reader copies into a project: each is
a module of a fresh project with no pytest configuration at all (no pytest.ini,
pyproject.toml or conftest.py), run by pytest in a subprocess, so that a missing marker fails
here as it would there. Every other block is a script: it runs as ``__main__`` in a temporary
folder, against a live mock standing in for the URL the README shows (where ``make mock``
serves).
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

from imuze_mock import MockServer

README = Path(__file__).resolve().parents[1] / "README.md"
README_URL = "http://127.0.0.1:8000/api/4"
TEST_FUNCTION = re.compile(r"^(?:async )?def test_", re.MULTILINE)

EXAMPLES = list(find_examples(README))
TEST_MODULES = [example for example in EXAMPLES if TEST_FUNCTION.search(example.source)]
SCRIPTS = [example for example in EXAMPLES if not TEST_FUNCTION.search(example.source)]


def _lint(eval_example: EvalExample, example: CodeExample) -> None:
    """ruff over the block, at the project's line length; the demo password is no secret."""
    eval_example.set_config(line_length=100, target_version="py311", ruff_ignore=["S106"])
    eval_example.lint_ruff(example)


def test_the_readme_has_both_kinds_of_examples() -> None:
    assert len(TEST_MODULES) >= 3
    assert len(SCRIPTS) >= 2


@pytest.mark.parametrize("example", SCRIPTS, ids=str)
def test_script(
    example: CodeExample,
    eval_example: EvalExample,
    imuze_mock_server: MockServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _lint(eval_example, example)
    monkeypatch.chdir(tmp_path)  # scripts write files, e.g. out/
    for name in ("IMUZE_BASE_URL", "IMUZE_API_KEY", "IMUZE_EMAIL", "IMUZE_PASSWORD", "IMUZE_LOG"):
        monkeypatch.delenv(name, raising=False)
    source = example.source.replace(README_URL, imuze_mock_server.base_url)
    try:
        eval_example.run(dataclasses.replace(example, source=source))
    except Exception as exc:
        failure = f"README.md:{_last_line(exc)}: {type(exc).__name__}: {exc}"
    else:
        return
    # Outside the except block, so pytest never formats the example's traceback: the frames
    # pytest-examples rewrites to point into README.md crash CPython 3.11's traceback code
    # (python/cpython#116033), which turns a failing example into an INTERNALERROR.
    pytest.fail(failure, pytrace=False)


def _last_line(exc: BaseException) -> int | None:
    """The README line the example failed on (its innermost rewritten frame)."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        line, tb = tb.tb_lineno, tb.tb_next
    return line


def _module_name(example: CodeExample) -> str:
    return f"test_readme_line_{example.start_line}"


@pytest.fixture(scope="module")
def unconfigured_project_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each test block as a module of one fresh project, run by one pytest: per module, the
    outcome of each test ("passed", or the failure's message)."""
    project = tmp_path_factory.mktemp("project")
    for example in TEST_MODULES:
        module = project / f"{_module_name(example)}.py"
        module.write_text(example.source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "IMUZE_"))}
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--junitxml=report.xml"],
        cwd=project,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,  # the outcomes are read from the report
    )
    outcomes: dict[str, list[str]] = {}
    for case in ElementTree.parse(project / "report.xml").iter("testcase"):
        problem = next(iter(case), None)  # failure, error or skipped
        text = "passed" if problem is None else f"{problem.tag}: {problem.get('message')}"
        outcomes.setdefault(case.get("classname", ""), []).append(text)
    return outcomes


@pytest.mark.parametrize("example", TEST_MODULES, ids=str)
def test_pytest_module_in_an_unconfigured_project(
    example: CodeExample,
    eval_example: EvalExample,
    unconfigured_project_run: dict[str, list[str]],
) -> None:
    _lint(eval_example, example)
    expected = len(TEST_FUNCTION.findall(example.source))
    assert unconfigured_project_run.get(_module_name(example)) == ["passed"] * expected


def test_every_block_passes_mypy_strict(tmp_path: Path) -> None:
    """Every block, scripts and test modules alike, as modules of a project whose only mypy
    setting is --strict (no configuration file: not this repository's)."""
    names = {}
    for example in EXAMPLES:
        module = tmp_path / f"readme_line_{example.start_line}.py"
        module.write_text(example.source, encoding="utf-8")
        names[module.name] = example.start_line
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".cache"), "."],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("MYPY")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    problems = []
    for line in done.stdout.splitlines():
        where, _, what = line.partition(": ")
        file, _, number = where.partition(":")
        if file in names and number.isdigit():  # README.md's line: the block's, plus its own
            problems.append(f"README.md:{names[file] + int(number)}: {what}")
    assert done.returncode == 0 and not problems, "\n".join(problems) or done.stdout + done.stderr
