"""What pyproject.toml promises users: the core and the user-facing extras take ranges, each
with a lower bound (which the install matrix's lowest venv installs); an exact pin stays only
with its reason written beside it or on the comment lines just above it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
USER_EXTRAS = ("mock", "play", "contract", "spec")


def blocks() -> dict[str, list[str]]:
    """The lines of the core's and each user-facing extra's list, comments included."""
    found = re.findall(r"^([a-z]+) = \[\n(.*?)^\]", PYPROJECT, flags=re.MULTILINE | re.DOTALL)
    wanted = ("dependencies", *USER_EXTRAS)
    return {name: body.splitlines() for name, body in found if name in wanted}


def user_requirements() -> list[str]:
    project = tomllib.loads(PYPROJECT)["project"]
    extras = project["optional-dependencies"]
    return [*project["dependencies"], *(line for name in USER_EXTRAS for line in extras[name])]


def reason_for(requirement: str) -> str:
    """The comment beside `requirement` in its list, or the comment lines above it (a pin
    right under another pin shares that one's reason)."""
    for lines in blocks().values():
        for index, line in enumerate(lines):
            if line.strip().startswith(f'"{requirement}"'):
                return " ".join([line.partition("#")[2].strip(), *_above(lines[:index])]).strip()
    raise AssertionError(f"{requirement} not found in pyproject.toml's lists")


def _above(lines: list[str]) -> list[str]:
    comments: list[str] = []
    for line in reversed(lines):
        text = line.strip()
        if text.startswith("#"):
            comments.insert(0, text.lstrip("# "))
        elif not (text.startswith('"') and "==" in text and not comments):
            break
    return comments


def test_every_user_facing_requirement_has_a_lower_bound() -> None:
    unbounded = [
        line
        for line in user_requirements()
        if not any(s.operator in (">=", "==", "~=") for s in Requirement(line).specifier)
    ]
    assert unbounded == []


def test_an_exact_pin_says_why_beside_it() -> None:
    pins = [line for line in user_requirements() if re.search(r"==", line)]
    assert pins, "the spec extra pins its generator: this test has something to check"
    unexplained = [pin for pin in pins if len(reason_for(pin)) < 20]
    assert unexplained == [], "pin with its reason beside it, or take a range"
