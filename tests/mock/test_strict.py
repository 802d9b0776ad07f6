"""Strict mode: the mock refuses to send what the spec does not allow."""

from __future__ import annotations

import httpx
import pytest

from imuze_mock import DEMO, MockConfig, create_app, handlers
from imuze_mock.validation import ResponseChecker, SpecViolation

# Runs again after the spec changed (tests/test_loop_green.py): the mock's answers hold to the
# spec in force.
pytestmark = pytest.mark.loop

AUTH = {"Authorization": DEMO.api_key}


@pytest.fixture
def broken_catalog(monkeypatch):
    # A count below the spec's minimum of 0.
    monkeypatch.setattr(handlers, "_ARRANGEMENT_LIST", b'{"count": -1, "response": []}')


async def get_arrangements(config):
    transport = httpx.ASGITransport(app=create_app(config))
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as client:
        return await client.get("/arrangements", headers=AUTH)


async def test_strict_mode_fails_loudly_on_a_nonconforming_body(broken_catalog):
    with pytest.raises(SpecViolation, match="listArrangements 200"):
        await get_arrangements(MockConfig(strict=True))


async def test_without_strict_mode_the_body_goes_out(broken_catalog):
    response = await get_arrangements(MockConfig())
    assert response.json()["count"] == -1


def test_an_undocumented_status_is_a_violation():
    checker = ResponseChecker()
    with pytest.raises(SpecViolation, match="createToken may not answer 404"):
        checker.check("createToken", 404, b"{}")
    checker.check("getSong", 410, b'{"code": 410, "error": "gone", "message": "m", "field": "id"}')
    with pytest.raises(SpecViolation):
        checker.check("getSong", 410, b'{"code": 410}')
