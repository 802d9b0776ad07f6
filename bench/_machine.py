"""The machine a run happened on, for the report: CPU, cores, memory, Python, date, load."""

from __future__ import annotations

import datetime
import os
import platform
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else platform.processor() or "unknown"


def _memory_gib() -> float:
    text = Path("/proc/meminfo").read_text(encoding="ascii")
    found = re.search(r"^MemTotal:\s+(\d+) kB", text, re.MULTILINE)
    return round(int(found.group(1)) / 1024**2, 1) if found else 0.0


def _wrk_version() -> str:
    binary = shutil.which("wrk")
    if binary is None:
        return "not installed"
    done = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10, check=False)
    first = (done.stdout or done.stderr or "?").splitlines()[0]
    return first.split(" [", 1)[0].strip()


def describe() -> dict[str, Any]:
    """Everything the report's machine table shows."""
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "wrk": _wrk_version(),
    }
