"""`imuze_ext.__version__` is the one version literal, which hatch builds the wheel from, and
names the User-Agent."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import httpx
from ext_helpers import API, Recorder

import imuze_ext
from imuze_ext import Imuze


def test_version_is_the_installed_distributions() -> None:
    assert imuze_ext.__version__ == metadata.version("imuze")
    assert "__version__" in imuze_ext.__all__


def test_hatch_reads_the_version_from_the_one_literal() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert "version" in pyproject["project"]["dynamic"]
    assert "version" not in {k for k in pyproject["project"] if k != "dynamic"}
    assert pyproject["tool"]["hatch"]["version"]["path"] == "imuze_ext/_version.py"
    assert metadata.version("imuze") == imuze_ext.__version__


def test_the_user_agent_carries_the_version() -> None:
    recorder = Recorder(lambda request: httpx.Response(200, json={"count": 0, "response": []}))
    with Imuze(api_key="k", base_url=API, transport=recorder.transport()) as api:
        api.arrangements.list()
    assert recorder.requests[0].headers["User-Agent"] == f"imuze-python/{imuze_ext.__version__}"
