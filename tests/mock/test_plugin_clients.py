"""The plugin's ready clients (imuze_api, imuze_async_api) and its in-process transport."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest
import stamina

from imuze_ext import AsyncImuze, Imuze, ServerError
from imuze_mock import DEMO, InProcessTransport, MockConfig, create_app


def test_imuze_api_composes_a_song(imuze_api: Imuze, tmp_path: Path) -> None:
    song = imuze_api.songs.create(title="Morning Over The Bay", tags=["calm"], desired_length=2)
    ready = imuze_api.songs.wait(song, timeout=30)
    path = imuze_api.songs.download(ready, tmp_path)
    assert path.read_bytes()[:2] == b"\xff\xf3"  # an MPEG-2 layer III frame
    assert [s.id for s in imuze_api.songs.list().response] == [song.id]


async def test_imuze_async_api_composes_a_song(imuze_async_api: AsyncImuze, tmp_path: Path) -> None:
    song = await imuze_async_api.songs.create(title="Night Drive", tags=[], desired_length=2)
    ready = await imuze_async_api.songs.wait(song, timeout=30)
    path = await imuze_async_api.songs.download(ready, tmp_path)
    assert path.read_bytes()[:2] == b"\xff\xf3"


def test_the_clients_log_in_as_the_demo_account(imuze_api: Imuze, imuze_mock_app) -> None:
    assert imuze_mock_app.state.demo == DEMO
    assert f"login as {DEMO.email}" in repr(imuze_api)
    assert imuze_api.arrangements.list().count >= 12  # the first call logs in


def test_stamina_testing_mode_is_on_while_a_client_fixture_is_used(imuze_api: Imuze) -> None:
    assert stamina.is_testing()


class TestAnOverriddenConfig:
    @pytest.fixture
    def imuze_mock_config(self) -> MockConfig:
        return MockConfig(maintenance=True)  # every answer is 503 with Retry-After: 1

    def test_retries_keep_their_count_but_never_wait(
        self, imuze_api: Imuze, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        waits: list[float] = []
        monkeypatch.setattr(time, "sleep", waits.append)
        with pytest.raises(ServerError):
            imuze_api.arrangements.list()
        assert [w for w in waits if w > 0] == []


def test_the_in_process_transport_serves_a_sync_client() -> None:
    app = create_app(MockConfig(render_delay=0))
    transport = InProcessTransport(app)
    try:
        with httpx.Client(transport=transport, base_url="http://mock.test/api/4") as client:
            answer = client.get("/arrangements", headers={"Authorization": DEMO.api_key or ""})
            assert answer.status_code == 200
            assert answer.json()["count"] >= 12
            assert client.get("/songs").status_code == 401
    finally:
        app.state.mock.pool.shutdown()
    with pytest.raises(RuntimeError, match="closed"):
        transport.handle_request(httpx.Request("GET", "http://mock.test/api/4/songs"))


def test_an_injected_reset_reaches_the_sync_caller() -> None:
    app = create_app(MockConfig(faults="reset:1.0"))
    with InProcessTransport(app) as transport, httpx.Client(transport=transport) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("http://mock.test/api/4/arrangements")
    app.state.mock.pool.shutdown()


def test_importing_the_plugin_loads_nothing_but_pytest_and_the_stdlib() -> None:
    probe = textwrap.dedent(
        """
        import sys, pytest
        before = set(sys.modules)
        import imuze_mock.pytest_plugin
        loaded = {name.partition(".")[0] for name in set(sys.modules) - before}
        print(sorted(loaded - set(sys.stdlib_module_names) - {"imuze_mock"}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_importing_the_client_and_cli_loads_no_part_of_the_mock() -> None:
    probe = "import json, sys, imuze, imuze_cli.app; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = {name.partition(".")[0] for name in json.loads(done.stdout)}
    assert loaded.isdisjoint({"imuze_mock", "numpy", "starlette", "uvicorn", "lameenc"})
    assert {"imuze", "imuze_ext", "imuze_cli"} <= loaded
