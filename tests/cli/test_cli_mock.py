"""``imuze-mock`` as a user runs it: serve mode, exec mode, bad flags."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import httpx

from imuze_mock import running

MOCK = [sys.executable, "-m", "imuze_mock"]


def test_exec_mode_runs_the_command_against_a_live_mock():
    probe = (
        "import json, os, httpx; e = os.environ;"
        "t = httpx.post(e['IMUZE_BASE_URL'] + '/tokens', json={'token': "
        "{'email': e['IMUZE_EMAIL'], 'password': e['IMUZE_PASSWORD']}});"
        "o = httpx.post(e['IMUZE_BASE_URL'] + '/tokens', json={'token': "
        "{'email': e['IMUZE_OTHER_EMAIL'], 'password': e['IMUZE_OTHER_PASSWORD']}});"
        "print(json.dumps({'status': t.status_code, 'other': o.status_code,"
        " 'url': e['IMUZE_BASE_URL']}));"
        "raise SystemExit(7)"
    )
    result = subprocess.run(
        [*MOCK, "--port", "0", "--", sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 7, result.stderr
    seen = json.loads(result.stdout)
    assert seen["status"] == seen["other"] == 201
    assert seen["url"].startswith("http://127.0.0.1:") and seen["url"].endswith("/api/4")
    assert "imuze-demo-key" in result.stderr  # the banner goes to stderr in exec mode


def test_exec_mode_reports_a_missing_command():
    result = subprocess.run(
        [*MOCK, "--port", "0", "--", "no-such-command-imuze"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 127
    assert "cannot run 'no-such-command-imuze'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_flags_give_one_line_and_exit_2():
    result = subprocess.run(
        [*MOCK, "--faults", "oops:1"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.startswith("imuze-mock: bad fault 'oops:1'")
    assert "Traceback" not in result.stderr


def test_serve_mode_prints_credentials_and_serves_until_interrupted():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*MOCK, "--port", "0", "--strict", "--render-delay", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        base_url = first.rsplit(" ", 1)[1].strip()
        banner = first + "".join(process.stdout.readline() for _ in range(3))
        assert "demo@imuze.io / imuze-demo" in banner and "imuze-demo-key" in banner
        response = httpx.get(
            base_url + "/arrangements/1", headers={"Authorization": "imuze-demo-key"}
        )
        assert response.json()["id"] == 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in process.stderr.read()


def test_a_busy_port_and_bad_numbers_are_one_line_errors():
    with running() as server:
        port = server.base_url.split(":")[2].split("/")[0]
        busy = subprocess.run([*MOCK, "--port", port], capture_output=True, text=True, timeout=60)
    assert busy.returncode == 2
    assert busy.stderr.startswith(f"imuze-mock: cannot listen on 127.0.0.1:{port}")
    negative = subprocess.run(
        [*MOCK, "--rate-limit", "-1"], capture_output=True, text=True, timeout=60
    )
    assert negative.returncode == 2
    assert (
        negative.stderr.strip()
        == "imuze-mock: rate_limit must be > 0 requests per second, not -1.0"
    )
