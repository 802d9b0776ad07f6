"""Generate `imuze_client` from a spec with the pinned generator, as `make generate` does."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

# Shipped as package data (a symlink to spec/generator-config.yaml in the repo), so that a
# wheel install generates exactly what `make generate` does.
GENERATOR_CONFIG = Path(__file__).with_name("generator-config.yaml")
# The generator templates we override (a symlink to spec/templates), for the same reason.
TEMPLATES = Path(__file__).with_name("templates")
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
        "--custom-template-path",
        str(TEMPLATES),
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


_BOILERPLATE = (
    "Generating ",
    "If you believe",
    "Skipping Integration",
    "Warning(s) encountered",
    "Error(s) encountered",
    "For further information",
)


def _reason(spec: Path, output: str) -> str:
    """The generator's own explanation, on one line."""
    lines = [line.strip() for line in output.splitlines()]
    lines = [line for line in lines if line and not line.startswith(_BOILERPLATE)]
    detail = ""
    for index, line in enumerate(lines):
        if line.startswith(("Unable to process", "Unable to parse", "Unable to generate")):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            detail = f"{line.rstrip(':')}: {following}" if line.endswith(":") else line
            break
    if not detail:
        detail = _warning(spec, lines)
    if not detail:  # e.g. "Failed to parse OpenAPI document; 1 validation error ...; info"
        detail = "; ".join(re.sub(r" \[type=.*\]$", "", line) for line in lines[:4]) or "no output"
    return f"cannot generate the client from {spec}: {detail}"


_UNTRUSTED = re.compile(r"<openapi_python_client\.[\w.]*UntrustedString object at 0x[0-9a-f]+>")
_PARSING = re.compile(r"^WARNING parsing (?P<method>[A-Z]+) (?P<path>\S+) within \S+$")


def _warning(spec: Path, lines: list[str]) -> str:
    """`WARNING parsing GET /songs/{id} ...`, its message and the JSON it quotes, on one line;
    the status the generator prints as an object repr is looked up in the spec."""
    for index, line in enumerate(lines):
        match = _PARSING.match(line)
        if match is None or index + 1 >= len(lines):
            continue
        message = lines[index + 1]
        quoted: list[str] = []
        for part in lines[index + 2 :]:
            if quoted and quoted[-1] == "}":
                break
            if not quoted and part != "{":
                break
            quoted.append(part)
        snippet = " ".join(quoted)
        if _UNTRUSTED.search(message):
            status = _status_quoting(spec, match["method"], match["path"], snippet) or "?"
            message = _UNTRUSTED.sub(status, message)
        where = f"{match['method']} {match['path']}"
        return f"{where}: {message}" + (f": {snippet}" if snippet else "")
    return ""


def _status_quoting(spec: Path, method: str, path: str, snippet: str) -> str:
    """The response status of METHOD path whose definition holds the quoted JSON."""
    try:
        quoted = json.loads(snippet)
        doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
        responses = doc["paths"][path][method.lower()]["responses"]
    except (ValueError, OSError, KeyError, TypeError, yaml.YAMLError):
        return ""
    found = [str(code) for code, answer in responses.items() if _holds(answer, quoted)]
    return ", ".join(found)


def _holds(node: object, part: object) -> bool:
    if node == part:
        return True
    if isinstance(node, dict):
        return any(_holds(value, part) for value in node.values())
    if isinstance(node, list):
        return any(_holds(value, part) for value in node)
    return False


TIMEOUT = 300.0  # seconds; a generation takes about one


def _wait(process: subprocess.Popen[str], spec: Path) -> str:
    try:
        return process.communicate(timeout=TIMEOUT)[0]
    except subprocess.TimeoutExpired:
        raise GenerationError(
            f"cannot generate the client from {spec}: no answer in {TIMEOUT:.0f} s"
        ) from None


def generate_clients(specs: Sequence[Path], roots: Sequence[Path]) -> list[Path]:
    """Generate one `imuze_client` per spec under the matching root, all in parallel.

    Returns the package folders (root/imuze_client). Raises GenerationError naming the first
    spec that failed.
    """
    if not GENERATOR_CONFIG.is_file():
        raise GenerationError(f"the generator config is missing: {GENERATOR_CONFIG}")
    env = _environment()
    if importlib.util.find_spec("openapi_python_client") is None or not shutil.which(
        "ruff", path=env["PATH"]
    ):
        raise GenerationError(
            "the pinned generator is not installed: pip install 'imuze[spec]' (or make setup)"
        )
    for spec in specs:
        _refuse_what_it_cannot_write(spec)
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
    try:
        outputs = [_wait(process, spec) for process, spec in zip(processes, specs, strict=True)]
    finally:
        for process in processes:  # after a failure, the others are not left running
            if process.poll() is None:
                process.kill()
                process.communicate()
    for spec, process, output, out in zip(specs, processes, outputs, outs, strict=True):
        if process.returncode != 0 or not (out / "__init__.py").is_file():
            raise GenerationError(_reason(spec, output))
    return outs


def _refuse_what_it_cannot_write(spec: Path) -> None:
    """GenerationError naming a construct the pinned generator writes invalid Python for,
    before running it: a boolean `const` (its model template writes `flag != Trueand not
    isinstance(...)`, which ruff then refuses as a syntax error in models/NAME.py)."""
    try:
        doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return  # the generator names what it cannot read
    stack: list[tuple[object, str]] = [(doc, "#")]
    seen: set[int] = set()
    while stack:
        node, pointer = stack.pop()
        if id(node) in seen:  # YAML aliases share nodes
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            if isinstance(node.get("const"), bool):
                raise GenerationError(
                    f"cannot generate the client from {spec}: a boolean const at {pointer}/const"
                    " (the pinned openapi-python-client writes invalid Python for it); write "
                    f"`type: boolean` with a description instead of `const: {node['const']}`"
                )
            stack.extend((v, f"{pointer}/{k}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
