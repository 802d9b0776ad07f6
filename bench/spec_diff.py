"""spec_diff_seconds: the wall time of `imuze-spec diff OLD NEW` for a typical spec edit.

The edit adds a required field to SongCreate and a value to the open `status` enum: one
finding per verdict and side. The installed console script runs as a maintainer runs it,
in a fresh process, with both verdicts (two generations, griffe and two snapshots) and,
interleaved with it, with the wire verdict alone (`--no-python`), so the median of each
and their difference say where the time goes. The output is checked, so a timing of a
broken run is refused.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from ._common import Result, emit
from ._stats import interleave, summarize

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "openapi.yaml"
ROUNDS = 5
EXPECTED = {
    ("wire", "request-property-added-required"),
    ("python", "python-model-required-field-added"),
}


def typical_edit(spec: Path, out: Path) -> Path:
    """The spec with a required `genre` in SongCreate and a `failed` status."""
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    schemas = doc["components"]["schemas"]
    schemas["SongCreate"]["properties"]["genre"] = {"type": "string"}
    schemas["SongCreate"]["required"].append("genre")
    schemas["SongStatus"]["enum"].append("failed")
    out.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return out


def _diff_once(new: Path, *extra: str) -> float:
    script = Path(sys.executable).parent / "imuze-spec"
    start = time.perf_counter()
    done = subprocess.run(
        [str(script), "diff", str(SPEC), str(new), "--format", "json", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seconds = time.perf_counter() - start
    found = {(f["side"], f["id"]) for f in json.loads(done.stdout)}
    wanted = {item for item in EXPECTED if "--no-python" not in extra or item[0] == "wire"}
    if not wanted <= found:
        raise RuntimeError(f"imuze-spec diff missed {sorted(wanted - found)}")
    return seconds


def run() -> Result:
    """Both verdicts and the wire verdict alone, interleaved after a warm-up; medians."""
    with tempfile.TemporaryDirectory() as tmp:
        new = typical_edit(SPEC, Path(tmp) / "openapi.yaml")
        times = interleave(
            {"both": lambda: _diff_once(new), "wire": lambda: _diff_once(new, "--no-python")},
            rounds=ROUNDS,
        )
    both, wire = summarize(times["both"]), summarize(times["wire"])
    return {
        "figures": {
            "spec_diff_seconds": both["median"],
            "spec_diff_wire_seconds": wire["median"],
        },
        "details": {
            "edit": "SongCreate gets a required genre; SongStatus gets 'failed'",
            "wall_seconds": both,
            "wire_only_wall_seconds": wire,
        },
    }


if __name__ == "__main__":
    emit(run())
