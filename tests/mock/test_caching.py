"""Every answer of the mock forbids caches to keep it (Cache-Control: no-store): each operation
of the spec answered, authenticated or not, its media, and the routing's own 404 and 405, on
both dialects. Enumerated from the spec, so an operation added later is covered."""

from __future__ import annotations

import httpx
import pytest

from imuze_ext._responses import packaged_spec
from imuze_mock import DEMO, MockConfig, create_app

OPERATIONS = [
    (method.upper(), path) for path, item in packaged_spec()["paths"].items() for method in item
]
# Runs again after the spec changed (tests/test_loop_green.py): the operations are the spec's.
pytestmark = pytest.mark.loop
EXTRA = [("GET", "/songs/{id}/audio.mp3"), ("GET", "/songs/{id}/timeline.json"),
         ("GET", "/no/such/route"), ("DELETE", "/songs"), ("OPTIONS", "/songs")]  # fmt: skip


@pytest.mark.parametrize("dialect", ["spec", "rails"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS + EXTRA)
@pytest.mark.parametrize("authorized", [True, False])
async def test_every_answer_says_no_store(
    dialect: str, method: str, path: str, authorized: bool
) -> None:
    app = create_app(MockConfig(render_delay=0.0, dialect=dialect))
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": DEMO.api_key} if authorized else {}
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test/api/4") as client:
        answer = await client.request(method, path.replace("{id}", "1"), headers=headers, json={})
    assert answer.headers.get("cache-control") == "no-store", (answer.status_code, answer.text)
