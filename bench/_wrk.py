"""Run wrk against a loopback URL and read its report: requests/s, latency percentiles, errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

THREADS = 2
CONNECTIONS = 16
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}
_POST_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"title":"Load Test Song","arrangement_id":1,"tags":[],"desired_length":1}'
wrk.headers["Content-Type"] = "application/json"
"""


def _seconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def parse(report: str) -> dict[str, Any]:
    """The numbers of a `wrk --latency` report."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", report)
    if rps is None:
        raise RuntimeError(f"wrk printed no Requests/sec:\n{report}")
    latency = {
        f"p{q}": _seconds(value)
        for q, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", report, re.MULTILINE)
    }
    total = re.search(r"(\d+) requests in", report)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    socket_errors = re.search(r"Socket errors: (.*)", report)
    return {
        "rps": float(rps.group(1)),
        "latency_s": latency,
        "requests": int(total.group(1)) if total else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str,
    *,
    seconds: float,
    headers: dict[str, str],
    post: bool = False,
    server_pid: int | None = None,
) -> dict[str, Any]:
    """Load `url` for `seconds` with wrk (2 threads, 16 connections) and parse the report;
    with `server_pid`, also the server's CPU microseconds per request (which, unlike req/s,
    does not depend on how much CPU wrk and other processes leave the server)."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (make bench installs it with apt-get)")
    command = [binary, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
    with tempfile.TemporaryDirectory() as tmp:
        if post:
            script = Path(tmp) / "post.lua"
            script.write_text(_POST_SCRIPT, encoding="utf-8")
            command += ["-s", str(script)]
        done = subprocess.run(
            [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True
        )
    report = parse(done.stdout)
    if server_pid and report["requests"]:
        used = cpu_seconds(server_pid) - cpu_before
        report["server_cpu_us_per_request"] = used / report["requests"] * 1e6
    return report
