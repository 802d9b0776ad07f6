"""Prism (the npm package pinned in bench/package.json) mocking the same spec, on loopback."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from ._common import stop_process

ROOT = Path(__file__).resolve().parents[1]
PRISM = ROOT / "bench" / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "spec" / "openapi.yaml"
_START_TIMEOUT = 60.0


@dataclass(frozen=True)
class PrismProcess:
    """A running `prism mock`: where it serves, and its process (node itself)."""

    origin: str
    pid: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def version() -> str:
    """Prism's version, as its CLI reports it."""
    done = subprocess.run(
        [str(PRISM), "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


@contextlib.contextmanager
def prism_mock(probe_path: str, headers: dict[str, str]) -> Iterator[PrismProcess]:
    """Serve the spec with `prism mock` (static examples, logging only errors). Prism serves
    the paths without the servers' `/api/4` prefix."""
    if not PRISM.exists():
        raise RuntimeError(f"{PRISM} is missing: run `npm ci --prefix bench` (make bench does)")
    port = _free_port()
    command = [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "error", str(SPEC)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"prism exited with code {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(origin + probe_path, headers=headers, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"prism did not serve {probe_path} within {_START_TIMEOUT} s")
            time.sleep(0.1)
        yield PrismProcess(origin, process.pid)
    finally:
        stop_process(process)
