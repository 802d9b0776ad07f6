"""The mock in its own process, as users run it, so that it never shares a GIL with the client.

With no overrides it is exactly `python -m imuze_cli.mock --port 0 [--render-delay S]`;
knobs the CLI does not offer (e.g. a deeper render queue) go through bench/_serve.py, which
builds the same server with another MockConfig; bench/_proposed_mock.py serves it with
proposed fixes.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ._common import stop_process

ROOT = Path(__file__).resolve().parents[1]
DEMO_KEY = "imuze-demo-key"  # the demo account's developer key (imuze_mock.DEMO)
_BANNER = re.compile(r"at (http://\S+/api/4)")
_START_TIMEOUT = 30.0


@dataclass(frozen=True)
class MockProcess:
    """A mock serving on loopback in a child process."""

    base_url: str
    pid: int

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self.base_url.removesuffix("/api/4")

    def rss_mb(self) -> float:
        """The process's resident memory (VmRSS), in MiB."""
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        kib = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))  # type: ignore[union-attr]
        return kib / 1024


def _command(
    render_delay: float | None, overrides: dict[str, Any] | None, proposed: bool
) -> list[str]:
    if proposed:
        return [sys.executable, str(ROOT / "bench" / "_proposed_mock.py")]
    if overrides:
        config = dict(overrides)
        if render_delay is not None:
            config["render_delay"] = render_delay
        return [sys.executable, str(ROOT / "bench" / "_serve.py"), json.dumps(config)]
    command = [sys.executable, "-m", "imuze_cli.mock", "--host", "127.0.0.1", "--port", "0"]
    if render_delay is not None:
        command += ["--render-delay", str(render_delay)]
    return command


def _wait_until_serving(base_url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the mock exited with code {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            httpx.get(base_url + "/arrangements", headers={"Authorization": DEMO_KEY}, timeout=2)
            return
        time.sleep(0.05)
    raise RuntimeError(f"the mock did not answer on {base_url} within {_START_TIMEOUT} s")


@contextlib.contextmanager
def mock_process(
    render_delay: float | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    proposed: bool = False,
) -> Iterator[MockProcess]:
    """Start a mock on a free loopback port; stop it (SIGTERM, then SIGKILL) on exit.
    `proposed`: the mock with the fixes RESULTS.md proposes (bench/_proposed_mock.py)."""
    process = subprocess.Popen(
        _command(render_delay, overrides, proposed),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        base_url = None
        for line in process.stdout:  # the banner comes first; a crash ends the stream
            found = _BANNER.search(line)
            if found:
                base_url = found.group(1)
                break
        if base_url is None:
            raise RuntimeError(f"the mock did not start (exit code {process.wait(5)})")
        # Keep reading, so that a chatty mock never blocks on a full pipe.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        _wait_until_serving(base_url, process)
        yield MockProcess(base_url, process.pid)
    finally:
        stop_process(process)
        if process.stdout is not None:
            process.stdout.close()
