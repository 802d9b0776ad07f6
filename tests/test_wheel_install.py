"""The built wheel, installed the way a user installs it: fresh venvs, outside the repository.

Marked `wheel` (deselect with -m "not wheel"): it builds the wheel and installs it, with its
dependencies pinned by constraints.txt, from the package index (pip's cache makes that ~10 s a
venv). Every command runs in a folder outside the repository, so only the wheel is imported.

- `pip install imuze`: `import imuze` (and imuze_ext) works with its __version__,
  `imuze --help` runs (and `imuze --version`, once the CLI has it), pytest starts with the plugin,
  site-packages holds no part of the mock and stays well under half of the 168 MB that the
  install weighed when the mock's dependencies were core ones; the mock's entry points say
  in one line which extra they need.
  `imuze contract` names its extra too.
- `pip install 'imuze[mock]'`: a three-line test with `imuze_api` composes a song.
"""

from __future__ import annotations

import importlib.util
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.wheel

CLIENT_ONLY_LIMIT_MB = 84  # half of the 168 MB `pip install imuze` weighed with the mock in it
MOCK_HINT = "pip install 'imuze[mock]'"


def _load_wheel_helpers() -> ModuleType:
    # bench/ is a folder of scripts, not an installed package: load the module by path.
    path = Path(__file__).resolve().parents[1] / "bench" / "_wheel.py"
    spec = importlib.util.spec_from_file_location("bench_wheel", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wheels = _load_wheel_helpers()


@dataclass(frozen=True)
class Venv:
    python: Path
    home: Path  # a folder outside the repository to run commands in

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        command = [str(self.python.parent / args[0]), *args[1:]]
        env = {"PATH": str(self.python.parent), "HOME": str(self.home), "LANG": "C.UTF-8"}
        return subprocess.run(
            command, cwd=cwd or self.home, env=env, capture_output=True, text=True, timeout=120
        )


def wheel_version(client_only: tuple[Venv, int, list]) -> str:
    """The version in the installed distribution's metadata."""
    site = client_only[0].python.parent.parent / "lib"
    (info,) = site.glob("python3*/site-packages/imuze-*.dist-info")
    return info.name.removeprefix("imuze-").removesuffix(".dist-info")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built: Path = wheels.build_wheel(tmp_path_factory.mktemp("dist"))
    return built


@pytest.fixture(scope="module")
def client_only(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> tuple[Venv, int, list]:
    """`pip install imuze` in a fresh venv: the venv, site-packages' bytes and distributions
    (measured before pytest joins it, to start pytest with the plugin)."""
    root = tmp_path_factory.mktemp("client-only")
    python = wheels.make_venv(root / "venv")
    wheels.pip_install(python, str(wheel))
    size = wheels.tree_bytes(wheels.site_packages(python))
    installed = wheels.distributions(python)
    wheels.pip_install(python, "pytest", compile=False)
    home = root / "home"
    home.mkdir()
    return Venv(python, home), size, installed


def test_the_client_only_install_is_lean(client_only: tuple[Venv, int, list]) -> None:
    _, size, installed = client_only
    assert "imuze" in installed
    assert not set(installed) & set(wheels.MOCK_ONLY), installed
    megabytes = size / 1e6
    print(f"client-only site-packages: {megabytes:.1f} MB, {len(installed)} distributions")
    assert megabytes < CLIENT_ONLY_LIMIT_MB, f"{megabytes:.1f} MB: {installed}"


def test_the_client_and_cli_work_without_extras(client_only: tuple[Venv, int, list]) -> None:
    venv = client_only[0]
    probe = "import imuze_ext; print(imuze_ext.Imuze.__name__, imuze_ext.__version__)"
    imported = venv.run("python", "-c", probe)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == ["Imuze", wheel_version(client_only)]
    # the reference's own lines: `import imuze`, `api = imuze.authorize("API_KEY_EXAMPLE")`
    probe = "import imuze; api = imuze.authorize('K'); print(type(api).__name__, imuze.__version__)"
    imported = venv.run("python", "-c", probe)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == ["Imuze", wheel_version(client_only)]
    helped = venv.run("imuze", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "compose" in helped.stdout
    version = venv.run("imuze", "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"imuze {wheel_version(client_only)}\n"


def test_play_names_its_extra_in_one_line(client_only: tuple[Venv, int, list]) -> None:
    played = client_only[0].run("imuze", "play", "1")
    assert played.returncode == 2  # a set-up problem, like missing credentials
    assert played.stderr.splitlines() == [
        "error: playback needs the 'play' extra (miniaudio is not installed): "
        "pip install 'imuze[play]'",
        "hint: 'imuze songs download ID' saves the mp3 for any player",
    ]


def test_the_mock_names_its_extra_in_one_line(client_only: tuple[Venv, int, list]) -> None:
    venv = client_only[0]
    served = venv.run("imuze-mock", "--port", "0")
    assert served.returncode == 2
    assert served.stdout == ""
    error, hint = served.stderr.splitlines()  # the one voice: an error and a hint line
    assert error.startswith("error: ") and MOCK_HINT in error, served.stderr
    assert hint == "hint: see 'imuze-mock --help'"
    imported = venv.run("python", "-c", "import imuze_mock; imuze_mock.create_app")
    assert imported.returncode == 1
    assert imported.stderr.strip().splitlines()[-1] == (
        "imuze_ext._extras.MissingExtraError: the imuze mock needs the 'mock' extra"
        f" (starlette is not installed): {MOCK_HINT}"
    )


def test_imuze_contract_names_its_extra_in_one_line(client_only: tuple[Venv, int, list]) -> None:
    venv = client_only[0]
    done = venv.run("imuze", "contract", "--base-url", "http://127.0.0.1:9/api/4")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "error: imuze contract needs the 'contract' extra (schemathesis is not installed): "
        "pip install 'imuze[contract]'\n"
        "hint: see 'imuze contract --help'\n"
    )


def test_pytest_starts_and_a_mock_fixture_names_the_extra(
    client_only: tuple[Venv, int, list],
) -> None:
    venv = client_only[0]
    project = venv.home / "project"
    project.mkdir()
    (project / "test_mine.py").write_text(
        "def test_plain():\n    assert True\n\n\ndef test_with_the_mock(imuze_api):\n    pass\n",
        encoding="utf-8",
    )
    done = venv.run("python", "-m", "pytest", "-p", "no:cacheprovider", cwd=project)
    assert "1 passed, 1 error" in done.stdout, done.stdout + done.stderr
    # the fixture was found (the plugin loaded) and failed with one line, no traceback
    message = "this imuze_mock fixture needs the 'mock' extra (starlette is not installed)"
    assert f"\n{message}: {MOCK_HINT}\n" in done.stdout, done.stdout
    for noise in ("Traceback", "ModuleNotFoundError", "During handling"):
        assert noise not in done.stdout, done.stdout


def test_with_the_mock_extra_a_three_line_test_composes_a_song(
    tmp_path_factory: pytest.TempPathFactory, wheel: Path
) -> None:
    root = tmp_path_factory.mktemp("with-mock")
    python = wheels.make_venv(root / "venv")
    wheels.pip_install(python, f"{wheel}[mock]", "pytest", compile=False)
    project = root / "project"
    project.mkdir()
    (project / "test_song.py").write_text(
        "def test_song(imuze_api, tmp_path):\n"
        "    song = imuze_api.songs.create(title='My Song', tags=['rock'], desired_length=2)\n"
        "    ready = imuze_api.songs.wait(song, timeout=30)\n"
        "    assert imuze_api.songs.download(ready, tmp_path).read_bytes()[:2] == b'\\xff\\xf3'\n",
        encoding="utf-8",
    )
    done = Venv(python, project).run("python", "-m", "pytest", "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
