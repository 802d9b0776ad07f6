"""``imuze-mock`` as a user runs it: serve mode, exec mode, bad flags."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys

import httpx
import pytest

from imuze_mock import running

MOCK = [sys.executable, "-m", "imuze_cli.mock"]


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
    error, hint = result.stderr.splitlines()[-2:]  # under the banner
    assert error.startswith("error: cannot run 'no-such-command-imuze'")
    assert hint.startswith("hint: ")
    assert "Traceback" not in result.stderr


def test_bad_flags_give_one_line_and_exit_2():
    result = subprocess.run(
        [*MOCK, "--faults", "oops:1"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    error, hint = result.stderr.splitlines()
    assert error.startswith("error: bad fault 'oops:1'")
    assert hint == "hint: see 'imuze-mock --help'"
    unknown = subprocess.run([*MOCK, "--no-such-flag"], capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines() == [
        "error: unrecognized arguments: --no-such-flag",
        "hint: see 'imuze-mock --help'",
    ]


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
    error, hint = busy.stderr.splitlines()
    assert error.startswith(f"error: cannot listen on 127.0.0.1:{port}")
    assert hint.startswith("hint: is another server on that port?")
    negative = subprocess.run(
        [*MOCK, "--rate-limit", "-1"], capture_output=True, text=True, timeout=60
    )
    assert negative.returncode == 2
    assert negative.stderr.splitlines() == [
        "error: rate_limit must be > 0 requests per second, not -1.0",
        "hint: see 'imuze-mock --help'",
    ]


def _raw(base_url: str, data: bytes) -> bytes:
    """Send `data` as is on a fresh connection; the first bytes of the answer."""
    host, port = base_url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(data)
        return conn.recv(64)


def test_access_log_and_why_a_request_was_invalid():
    process = subprocess.Popen(
        [*MOCK, "--port", "0", "--access-log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().rsplit(" ", 1)[1].strip()
        assert httpx.get(base_url + "/arrangements").status_code == 401
        # What schemathesis sends at start: a NUL byte in a header.
        nul = b"GET /api/4 HTTP/1.1\r\nHost: x\r\nX-Schemathesis-Probe-Null: \x00\r\n\r\n"
        assert _raw(base_url, nul).startswith(b"HTTP/1.1 400")
        # An https:// client on this http:// server: a TLS client hello.
        assert _raw(base_url, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03").startswith(
            b"HTTP/1.1 400"
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.stderr is not None
    log = process.stderr.read().splitlines()
    assert any(
        line.endswith('"GET /api/4/arrangements HTTP/1.1" 401 Unauthorized') for line in log
    ), log
    invalid = [line for line in log if "Invalid HTTP request received" in line]
    assert len(invalid) == 2, log
    assert "a header with a byte HTTP forbids" in invalid[0]
    assert "a TLS client hello on plain HTTP" in invalid[1]


def test_without_access_log_a_request_logs_nothing():
    with running() as server:
        assert httpx.get(server.base_url + "/arrangements").status_code == 401
    assert not logging.getLogger("uvicorn.access").isEnabledFor(logging.INFO)


# Exec mode supervises its command: signals, grace, environment.

CHILD = r"""
import json, os, signal, sys, httpx
got = []
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(sig, lambda n, f: got.append(n))
creds = sorted(k for k in os.environ if k.startswith("IMUZE_"))
print("ready " + json.dumps(creds), flush=True)
while not got:
    signal.pause()
# Cleaning up after the signal: the mock is still there to answer.
login = {"token": {"email": os.environ["IMUZE_EMAIL"], "password": os.environ["IMUZE_PASSWORD"]}}
status = httpx.post(os.environ["IMUZE_BASE_URL"] + "/tokens", json=login).status_code
print(f"got {got} cleanup {status}", flush=True)
sys.exit(42)
"""

STUBBORN = r"""
import signal
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
while True:
    signal.pause()
"""


def _exec_mode(
    child: str, *options: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """The mock in exec mode, once its command printed its readiness line."""
    process = subprocess.Popen(
        [*MOCK, "--port", "0", *options, "--", sys.executable, "-c", child],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**(env or os.environ), "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    ready = process.stdout.readline()
    assert ready.startswith("ready"), ready + process.stderr.read()  # type: ignore[union-attr]
    process.ready = ready  # type: ignore[attr-defined]
    return process


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_exec_mode_forwards_a_signal_and_serves_until_the_command_exits(sig):
    process = _exec_mode(CHILD)
    process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 42, err
    assert out.strip() == f"got [{int(sig)}] cleanup 201"  # once, and the mock still served
    assert "Traceback" not in err


def test_exec_mode_kills_a_command_that_outlives_the_grace_period():
    process = _exec_mode(STUBBORN, "--grace", "0.5")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGKILL, err


def test_exec_mode_gives_the_command_only_the_mocks_credentials():
    inherited = {
        **os.environ,
        "IMUZE_API_KEY": "a-production-key",
        "IMUZE_TOKEN": "a-production-token",
        "IMUZE_EMAIL": "me@example.com",
        "IMUZE_BASE_URL": "https://api.imuze.io/api/4",
        "IMUZE_OTHER_API_KEY": "another-key",
        "IMUZE_LOG": "debug",
    }
    process = _exec_mode(CHILD, env=inherited)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 42
    assert json.loads(process.ready.split(" ", 1)[1]) == [  # type: ignore[attr-defined]
        "IMUZE_BASE_URL",
        "IMUZE_EMAIL",
        "IMUZE_LOG",
        "IMUZE_OTHER_EMAIL",
        "IMUZE_OTHER_PASSWORD",
        "IMUZE_PASSWORD",
    ]
    removed = [line for line in err.splitlines() if "environment" in line]
    assert removed == [
        "  environment    removed the inherited IMUZE_API_KEY, IMUZE_BASE_URL, IMUZE_EMAIL, "
        "IMUZE_OTHER_API_KEY, IMUZE_TOKEN: the command gets the mock's credentials only"
    ]
    assert "a-production-key" not in err


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--"], "error: exec mode needs a command after --"),
        (["--port", "0", "--"], "error: exec mode needs a command after --"),
        (
            ["--port", "99999"],
            "error: argument --port: must be an integer from 0 to 65535, not '99999'",
        ),
        (["--port", "-1"], "error: argument --port: must be an integer from 0 to 65535, not '-1'"),
        (["--token-ttl", "nan"], "error: token_ttl must be >= 0, not nan"),
        (
            ["--grace", "-1", "--", "true"],
            "error: argument --grace: must be a number of seconds >= 0, not '-1'",
        ),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(argv, error):
    result = subprocess.run([*MOCK, *argv], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [error, "hint: see 'imuze-mock --help'"]
