"""`imuze_ext.__version__` comes from the package metadata and names the User-Agent."""

from __future__ import annotations

from importlib import metadata

import httpx
from ext_helpers import API, Recorder

import imuze_ext
from imuze_ext import Imuze, _version


def test_version_is_the_installed_distributions() -> None:
    assert imuze_ext.__version__ == metadata.version("imuze")
    assert "__version__" in imuze_ext.__all__


def test_a_source_tree_without_metadata_reports_a_valid_unknown_version() -> None:
    from packaging.version import Version

    version = _version.installed_version("imuze-no-such-distribution")
    assert version == _version.UNKNOWN_VERSION
    assert Version(version).local == "unknown"


def test_the_user_agent_carries_the_version() -> None:
    recorder = Recorder(lambda request: httpx.Response(200, json={"count": 0, "response": []}))
    with Imuze(api_key="k", base_url=API, transport=recorder.transport()) as api:
        api.arrangements.list()
    assert recorder.requests[0].headers["User-Agent"] == f"imuze-python/{imuze_ext.__version__}"
