"""`import imuze`: the public face, as the API reference writes it."""

from __future__ import annotations

import importlib.metadata

import pytest

import imuze
import imuze_ext
from imuze_mock import MockServer


def test_the_references_snippet_runs_on_the_mock(
    imuze_mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMUZE_BASE_URL", imuze_mock_server.base_url)
    key = imuze_mock_server.demo.api_key
    assert key is not None
    api = imuze.authorize(key)  # the reference: `api = imuze.authorize("API_KEY_EXAMPLE")`
    with api:
        listed = api.arrangements.list()
    assert listed.count == len(listed.response) > 0
    assert all(item.name for item in listed.response)


def test_imuze_hands_on_imuze_ext_s_names_and_nothing_else() -> None:
    assert imuze.__all__ == imuze_ext.__all__
    public = {name for name in vars(imuze) if not name.startswith("_")}
    assert public | {"__version__"} == set(imuze_ext.__all__)
    for name in imuze.__all__:
        assert getattr(imuze, name) is getattr(imuze_ext, name), name
    assert imuze.__version__ == importlib.metadata.version("imuze")
    assert issubclass(imuze.NotFoundError, imuze.ImuzeError)
