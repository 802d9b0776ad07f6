"""The inputs `imuze contract` sends that no fuzzer does, answered by the mock with a documented
4xx and an Error body: OPTIONS on every path of the spec (405 with Allow), HEAD where no GET
is defined (405), and latin-1 bytes said to be latin-1 (400: JSON is UTF-8)."""

from __future__ import annotations

import pytest

from imuze_ext._responses import packaged_spec
from imuze_mock import DEMO

PATHS = {path: {m.upper() for m in item} for path, item in packaged_spec()["paths"].items()}
AUTH = {"Authorization": DEMO.api_key}


def _error(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == status and body["message"]
    return body


# Runs again after the spec changed (tests/test_loop_green.py): the paths are the spec's.
@pytest.mark.loop
@pytest.mark.parametrize("path", sorted(PATHS))
async def test_options_answers_405_with_allow_naming_the_paths_methods(api, path):
    response = await api.client.options(path.replace("{id}", "1"), headers=AUTH)
    _error(response, 405)
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert PATHS[path] <= allowed


@pytest.mark.parametrize("path", sorted(p for p, methods in PATHS.items() if "GET" not in methods))
async def test_head_without_a_get_answers_405(api, path):
    response = await api.client.head(path.replace("{id}", "1"), headers=AUTH)
    assert response.status_code == 405 and "allow" in response.headers


@pytest.mark.parametrize("path", ["/songs", "/tokens"])
async def test_latin1_bytes_said_to_be_latin1_answer_400(api, path):
    body = '{"title": "Café Song", "arrangement_id": 1, "tags": [], "desired_length": 2}'
    headers = {**AUTH, "Content-Type": "application/json; charset=latin-1"}
    response = await api.client.post(path, content=body.encode("latin-1"), headers=headers)
    _error(response, 400)
