"""Sample a running process with py-spy and say where its time went."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RATE = 250  # samples per second


def _py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise RuntimeError("py-spy is not installed (it is in the dev extra: make setup)")
    return found


def start(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    """Begin sampling `pid` for `seconds`; collapsed stacks go to `out`."""
    command = [_py_spy(), "record", "--pid", str(pid), "--duration", str(int(seconds))]
    # --native shows the C and kernel-call frames (e.g. libc write) below the Python ones.
    command += ["--rate", str(RATE), "--format", "raw", "--native", "--output", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_stacks(path: Path) -> Counter[str]:
    """Collapsed stacks (``frame;frame;... count``) as stack -> samples."""
    stacks: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def _leaf(stack: str) -> str:
    frame = stack.rsplit(";", 1)[-1]
    return frame.split(" (", 1)[0] + _where(frame)


def _where(frame: str) -> str:
    inside = frame.partition(" (")[2].rstrip(")")
    path = inside.rsplit(":", 1)[0]
    return f" ({'/'.join(Path(path).parts[-2:])})" if path else ""


def summarize(
    stacks: Counter[str], areas: Mapping[str, tuple[str, ...]], main_marker: str
) -> dict[str, Any]:
    """Over the samples of the main thread (stacks through `main_marker`, e.g. the event loop):
    the share whose stack passes through each area (any of its substrings), and the functions
    with the most own samples. Other threads (e.g. idle workers, which py-spy's native mode
    cannot always tell are idle) are only counted."""
    main = Counter({stack: n for stack, n in stacks.items() if main_marker in stack})
    total = sum(main.values()) or 1
    shares = {
        name: round(
            sum(n for stack, n in main.items() if any(m in stack for m in marks)) / total, 3
        )
        for name, marks in areas.items()
    }
    leaves: Counter[str] = Counter()
    for stack, n in main.items():
        leaves[_leaf(stack)] += n
    top = [{"function": f, "own_share": round(n / total, 3)} for f, n in leaves.most_common(8)]
    return {
        "samples": total,
        "other_thread_samples": sum(stacks.values()) - sum(main.values()),
        "area_share": shares,
        "top_own": top,
    }


def profile_during(pid: int, seconds: float, load: Any) -> Counter[str]:
    """Sample `pid` while `load()` runs (it should last about `seconds`)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stacks.txt"
        sampler = start(pid, seconds, out)
        try:
            load()
        finally:
            sampler.wait(seconds + 30)
        if not out.exists():
            raise RuntimeError(f"py-spy wrote no profile (exit code {sampler.returncode})")
        return read_stacks(out)
