"""The install matrix: the built wheel installed as users install it, and used.

Marked `wheel` (`make test-matrix`, which `make test` runs; it needs the package index). The
sdist and the wheel are built by `uv build`; each venv is made by uv outside the repository,
from the wheel, with no constraints file (tests/install_matrix.py):

- client-3.11: `pip install imuze`, the newest versions the ranges allow, no extras;
- newest-3.11, newest-3.12, newest-3.13: the newest versions, every user extra;
- lowest-3.11: every extra, every direct dependency at the lower bound the wheel states.

In each venv: `imuze --help`; a usage error (exit 2, one error line, no traceback); a song
composed then downloaded against `imuze-mock` (the client-only venv has no mock extra, so it
talks to the mock of newest-3.11, as a user's client talks to a server it does not host);
`imuze contract` on the mock (exit 0); `imuze-spec diff` finding a breaking edit (the wire
verdict only without the spec extra); the probes of tests/private_api.py; the pytest plugin.
The venvs' commands run concurrently; each test then judges one step of one venv, and a
failure names the venv with its Python and the versions of its direct dependencies.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import install_matrix as matrix
import pytest
from install_matrix import PLANS, Plan
from install_steps import Matrix, run_matrix
from packaging.utils import canonicalize_name
from packaging.version import Version

pytestmark = pytest.mark.wheel

CLIENT_ONLY_LIMIT_MB = 84  # half of the 168 MB `pip install imuze` weighed with the mock in it
MOCK_HINT = "pip install 'imuze[mock]'"
MOCK_ONLY = ("numpy", "starlette", "uvicorn", "lameenc", "httptools", "uvloop")
"""Distributions that `imuze[mock]` adds and a plain `pip install imuze` must not have."""


@pytest.fixture(scope="session")
def built(request: pytest.FixtureRequest) -> Iterator[Matrix]:
    """The whole matrix, made and run once: later tests judge what it printed. Its own
    temporary folder, removed at the end (the venvs weigh a few hundred MB)."""
    capture = request.config.pluginmanager.getplugin("capturemanager")

    def report(line: str) -> None:
        with capture.global_and_fixture_disabled():  # where the time goes, in make's output
            print(f"\n{line}")

    with tempfile.TemporaryDirectory(prefix="imuze-matrix-") as folder:
        yield run_matrix(Path(folder), report)


NAMES = [plan.name for plan in PLANS]
EXTRAS = [plan.name for plan in PLANS if plan.extras]
CLIENT = "client-3.11"


@pytest.mark.parametrize("name", NAMES)
def test_help(built: Matrix, name: str) -> None:
    done, venv = built.step(name, "help")
    assert done.returncode == 0 and "compose" in done.stdout, f"{venv}:\n{done.stderr}"


@pytest.mark.parametrize("name", NAMES)
def test_a_usage_error_is_one_line_and_exit_2(built: Matrix, name: str) -> None:
    done, venv = built.step(name, "usage")
    assert done.returncode == 2, f"{venv}: exit {done.returncode}\n{done.stderr}"
    assert done.stdout == "" and "Traceback" not in done.stderr, f"{venv}:\n{done.stderr}"
    assert done.stderr.splitlines() == [
        "error: No such option: --no-such-option",
        "hint: see 'imuze --help'",
    ], f"{venv}:\n{done.stderr}"


@pytest.mark.parametrize("name", NAMES)
def test_a_song_composed_then_downloaded_against_the_mock(built: Matrix, name: str) -> None:
    done, venv = built.step(name, "song")
    assert done.returncode == 0, f"{venv}: exit {done.returncode}\n{done.stderr[-2000:]}"
    folder = built.venvs[name].home / "song"
    composed = json.loads((folder / "composed.json").read_text(encoding="utf-8"))
    downloaded = json.loads((folder / "downloaded.json").read_text(encoding="utf-8"))
    assert composed["song"]["status"] == "ready", f"{venv}: {composed}"
    first, second = folder / composed["path"], folder / downloaded["path"]
    assert first.read_bytes() == second.read_bytes(), venv
    assert first.read_bytes()[:2] == b"\xff\xf3", f"{venv}: not an MP3 frame"
    assert composed["bytes"] == downloaded["bytes"] == first.stat().st_size


@pytest.mark.parametrize("name", EXTRAS)
def test_the_song_decodes_and_plays_with_the_play_extra(built: Matrix, name: str) -> None:
    done, venv = built.step(name, "play")
    assert done.returncode == 0, f"{venv}:\n{done.stderr[-2000:]}"
    duration, played = map(float, done.stdout.split())
    assert 1.5 < duration < 3 and played == pytest.approx(duration, abs=0.2), venv


@pytest.mark.parametrize("name", EXTRAS)
def test_imuze_contract_on_the_mock_finds_no_deviation(built: Matrix, name: str) -> None:
    done, venv = built.step(name, "contract")
    assert done.returncode == 0, f"{venv}: exit {done.returncode}\n{done.stdout[-2000:]}"
    assert "no deviation from the spec" in done.stdout, f"{venv}:\n{done.stdout[-2000:]}"


@pytest.mark.parametrize("name", NAMES)
def test_imuze_spec_diff_finds_the_breaking_edit(built: Matrix, name: str) -> None:
    done, venv = built.step(name, "spec-diff")
    assert done.returncode == 1, f"{venv}: exit {done.returncode}\n{done.stdout}{done.stderr}"
    assert "ERR  wire   operation-removed: GET /songs" in done.stdout, f"{venv}:\n{done.stdout}"
    if name != CLIENT:  # the regenerated clients differ too: the spec extra's generator ran
        assert "python-operation-removed" in done.stdout, f"{venv}:\n{done.stdout}"


@pytest.mark.parametrize("name", NAMES)
def test_the_private_names_we_use_are_still_there(built: Matrix, name: str) -> None:
    done, venv = built.step(name, "private-api")
    assert done.returncode == 0, f"{venv}: tests/private_api.py says\n{done.stdout}{done.stderr}"


@pytest.mark.parametrize("name", EXTRAS)
def test_with_the_mock_extra_a_three_line_test_composes_a_song(built: Matrix, name: str) -> None:
    done, venv = built.step(name, "plugin")
    assert done.returncode == 0 and "1 passed" in done.stdout, f"{venv}:\n{done.stdout}"


def test_the_lowest_venv_sits_at_every_lower_bound(built: Matrix) -> None:
    """Each direct dependency at the lower bound the wheel states: a bound the resolver cannot
    reach (another requirement lifts it) is a promise nobody can test, so it is raised."""
    venv = built.venv("lowest-3.11")
    above = {}
    for requirement in matrix.direct_requirements(built.wheel, venv.plan.extras):
        bound = matrix.lower_bound(requirement)
        got = venv.versions.get(canonicalize_name(requirement.name))
        if bound is None or got is None or Version(got) != bound:
            above[str(requirement)] = got
    direct = [r.name for r in matrix.direct_requirements(built.wheel, venv.plan.extras)]
    assert above == {}, f"{venv.describe(direct)}: not at the lower bound (installed): {above}"


def test_a_missing_interpreter_is_named_with_the_venv_it_stops(tmp_path: Path) -> None:
    """No Python 3.99 here: the venv is not made, and its problem says which and why."""
    venv = matrix.make_venv(Plan("newest-3.99", "3.99", ()), tmp_path, tmp_path / "none.whl")
    assert venv.interpreter is None and venv.problem is not None
    assert venv.problem.startswith("newest-3.99: no Python 3.99 on this machine"), venv.problem
    assert "(looked in " in venv.problem and "uv python find" in venv.problem, venv.problem


def test_twine_check_passes_on_the_wheel_and_the_sdist(built: Matrix) -> None:
    twine = Path(sys.executable).parent / "twine"
    command = [str(twine), "check", "--strict", str(built.wheel), str(built.sdist)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_wheel_states_its_license_urls_and_pythons(built: Matrix) -> None:
    metadata = matrix.wheel_metadata(built.wheel)
    assert metadata["License-Expression"] == ["MIT"]
    assert metadata["License-File"] == ["LICENSE"]
    urls = dict(url.split(", ", 1) for url in metadata["Project-URL"])
    assert {"Source", "Changelog", "Issues"} <= set(urls), urls
    assert all(url.startswith("https://") for url in urls.values()), urls
    versions = {c.rpartition(" :: ")[2] for c in metadata["Classifier"] if "Python :: 3." in c}
    assert versions == set(matrix.PYTHONS), metadata["Classifier"]
    assert metadata["Requires-Python"] == [f">={matrix.PYTHONS[0]}"]


def test_the_client_only_install_is_lean(built: Matrix) -> None:
    built.venv(CLIENT)
    installed = built.client_distributions
    assert "imuze" in installed
    assert not set(installed) & set(MOCK_ONLY), installed
    megabytes = built.client_size / 1e6
    print(f"client-only site-packages: {megabytes:.1f} MB, {len(installed)} distributions")
    assert megabytes < CLIENT_ONLY_LIMIT_MB, f"{megabytes:.1f} MB: {installed}"


def test_the_client_and_cli_work_without_extras(built: Matrix) -> None:
    venv = built.venv(CLIENT)
    version = venv.versions["imuze"]
    probe = "import imuze_ext; print(imuze_ext.Imuze.__name__, imuze_ext.__version__)"
    imported = venv.run("python", "-c", probe)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == ["Imuze", version]
    # the reference's own lines: `import imuze`, `api = imuze.authorize("API_KEY_EXAMPLE")`
    probe = "import imuze; api = imuze.authorize('K'); print(type(api).__name__, imuze.__version__)"
    imported = venv.run("python", "-c", probe)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == ["Imuze", version]
    printed = venv.run("imuze", "--version")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == f"imuze {version}\n"


def test_play_names_its_extra_in_one_line(built: Matrix) -> None:
    played = built.venv(CLIENT).run("imuze", "play", "1")
    assert played.returncode == 2  # a set-up problem, like missing credentials
    assert played.stderr.splitlines() == [
        "error: playback needs the 'play' extra (miniaudio is not installed): "
        "pip install 'imuze[play]'",
        "hint: 'imuze songs download ID' saves the mp3 for any player",
    ]


def test_the_mock_names_its_extra_in_one_line(built: Matrix) -> None:
    venv = built.venv(CLIENT)
    served = venv.run("imuze-mock", "--port", "0")
    assert served.returncode == 2
    assert served.stdout == ""
    error, hint = served.stderr.splitlines()  # the one voice: an error and a hint line
    assert error.startswith("error: ") and MOCK_HINT in error, served.stderr
    assert hint == "hint: see 'imuze-mock --help'"
    imported = venv.run("python", "-c", "import imuze_mock; imuze_mock.create_app")
    assert imported.returncode == 1
    assert imported.stderr.strip().splitlines()[-1] == (
        "imuze_ext.errors.MissingExtraError: the imuze mock needs the 'mock' extra"
        f" (starlette is not installed): {MOCK_HINT}"
    )


def test_imuze_contract_names_its_extra_in_one_line(built: Matrix) -> None:
    done, venv = built.step(CLIENT, "contract")
    assert done.returncode == 2, venv
    assert done.stdout == ""
    assert done.stderr == (
        "error: imuze contract needs the 'contract' extra (schemathesis is not installed): "
        "pip install 'imuze[contract]'\n"
        "hint: see 'imuze contract --help'\n"
    )


def test_imuze_spec_diff_names_its_extra_for_the_python_verdict(built: Matrix) -> None:
    done, venv = built.step(CLIENT, "spec-python")
    assert done.returncode == 2, venv
    assert done.stderr.splitlines() == [
        "error: the Python verdict needs the spec extra (griffe is missing): "
        "pip install 'imuze[spec]', or pass --no-python",
        "hint: see 'imuze-spec diff --help'",
    ]


def test_pytest_starts_and_a_mock_fixture_names_the_extra(built: Matrix) -> None:
    done, venv = built.step(CLIENT, "plugin")
    assert "1 passed, 1 error" in done.stdout, f"{venv}:\n{done.stdout}{done.stderr}"
    # the fixture was found (the plugin loaded) and failed with one line, no traceback
    message = "this imuze_mock fixture needs the 'mock' extra (starlette is not installed)"
    assert f"\n{message}: {MOCK_HINT}\n" in done.stdout, done.stdout
    for noise in ("Traceback", "ModuleNotFoundError", "During handling"):
        assert noise not in done.stdout, done.stdout
