"""Generate `imuze_client` from a spec with the pinned generator, as `make generate` does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

# Shipped as package data (a symlink to spec/generator-config.yaml in the repo), so that a
# wheel install generates exactly what `make generate` does.
GENERATOR_CONFIG = Path(__file__).with_name("generator-config.yaml")
PACKAGE = "imuze_client"


class GenerationError(Exception):
    """The generator failed on a spec; the message is one readable line."""


def _command(spec: Path, out: Path) -> list[str]:
    # The same arguments as the Makefile's GENERATE.
    return [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec),
        "--config",
        str(GENERATOR_CONFIG),
        "--meta",
        "none",
        "--fail-on-warning",
        "--overwrite",
        "--output-path",
        str(out),
    ]


def _environment() -> dict[str, str]:
    # The post-hooks call `ruff`: take the one installed beside this interpreter.
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _reason(spec: Path, output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith("Generating ")]
    detail = "; ".join(useful[-3:]) if useful else "no output"
    return f"cannot generate the client from {spec}: {detail}"


def generate_clients(specs: Sequence[Path], roots: Sequence[Path]) -> list[Path]:
    """Generate one `imuze_client` per spec under the matching root, all in parallel.

    Returns the package folders (root/imuze_client). Raises GenerationError naming the first
    spec that failed.
    """
    if not GENERATOR_CONFIG.is_file():
        raise GenerationError(f"the generator config is missing: {GENERATOR_CONFIG}")
    env = _environment()
    outs = [root / PACKAGE for root in roots]
    processes = [
        subprocess.Popen(  # noqa: S603 - a fixed argv, this interpreter, no shell
            _command(spec.resolve(), out),
            cwd=out.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for spec, out in zip(specs, outs, strict=True)
    ]
    outputs = [process.communicate()[0] for process in processes]
    for spec, process, output, out in zip(specs, processes, outputs, outs, strict=True):
        if process.returncode != 0 or not (out / "__init__.py").is_file():
            raise GenerationError(_reason(spec, output))
    return outs
