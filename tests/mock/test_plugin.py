"""The pytest plugin, used the way an integrator would: just ask for the fixtures."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import httpx

from imuze_mock import MockServer


def test_live_server_fixture(imuze_mock_server):
    assert isinstance(imuze_mock_server, MockServer)
    assert imuze_mock_server.base_url.startswith("http://127.0.0.1:")
    assert imuze_mock_server.base_url.endswith("/api/4")
    demo = imuze_mock_server.demo
    credentials = {"token": {"email": demo.email, "password": demo.password}}
    with httpx.Client(base_url=imuze_mock_server.base_url) as client:
        token = client.post("/tokens", json=credentials).json()["response"]
        assert client.get("/songs", headers={"Authorization": token}).json()["count"] == 0
        other = imuze_mock_server.other
        assert other.email != demo.email


async def test_in_process_app_fixture(imuze_mock_app):
    transport = httpx.ASGITransport(app=imuze_mock_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/4") as client:
        response = await client.get("/arrangements", headers={"Authorization": "imuze-demo-key"})
        assert response.json()["count"] >= 12


def test_an_integrators_suite_runs_with_no_setup(tmp_path):
    # A fresh project with nothing but a test file: the fixtures come from the entry point.
    (tmp_path / "test_my_client.py").write_text(
        textwrap.dedent(
            """
            import time
            import httpx
            import pytest
            import stamina

            def test_my_code_against_the_mock(imuze_mock_server):
                demo = imuze_mock_server.demo
                with httpx.Client(base_url=imuze_mock_server.base_url) as c:
                    body = {"token": {"email": demo.email, "password": demo.password}}
                    auth = {"Authorization": c.post("/tokens", json=body).json()["response"]}
                    song = {"title": "My Song", "arrangement_id": None, "tags": ["rock"],
                            "desired_length": 2}
                    created = c.post("/songs", json=song, headers=auth).json()
                    for _ in range(500):
                        shown = c.get(f"/songs/{created['id']}", headers=auth).json()
                        if shown["status"] == "ready":
                            break
                        time.sleep(0.02)
                    assert c.get(shown["mp3_url"], headers=auth).content[:2] == b"\\xff\\xf3"

            def test_app_fixture_exists(imuze_mock_app):
                assert imuze_mock_app.routes
                assert imuze_mock_app.state.demo.email == "demo@imuze.io"

            def test_the_ready_client(imuze_api, tmp_path):
                song = imuze_api.songs.create(title="My Song", tags=["rock"], desired_length=2)
                path = imuze_api.songs.download(imuze_api.songs.wait(song, timeout=30), tmp_path)
                assert path.read_bytes()[:2] == b"\\xff\\xf3"
                assert stamina.is_testing()

            def test_stamina_testing_mode_is_restored_after_the_fixture():
                assert not stamina.is_testing()

            @pytest.mark.asyncio  # no asyncio_mode = auto here
            async def test_the_ready_async_client(imuze_async_api):
                assert (await imuze_async_api.arrangements.list()).count >= 12
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
