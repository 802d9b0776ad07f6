"""What the README quotes, checked against what it measures where that is cheap: the mp3's
length rule against the mock, every command line it names against the command trees, the
install size and the import ratios against bench/results.json."""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path
from typing import Any

import mutagen.mp3
import pytest
import typer.core
import typer.main

import imuze
from imuze_cli.app import app
from imuze_cli.mock import _parser as mock_parser
from imuze_cli.spec import app as spec_app
from imuze_mock import InProcessTransport, MockConfig, create_app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BENCH = json.loads((ROOT / "bench" / "results.json").read_text(encoding="utf-8"))

SAMPLE_RATE, FRAME = 22_050, 576  # the mock's mp3: MPEG-2 layer III, 576 samples a frame


def mp3_seconds(desired_length: int) -> float:
    """The README's rule: whole frames, rounded up, plus two frames of delay and padding."""
    return (math.ceil(desired_length * SAMPLE_RATE / FRAME) + 2) * FRAME / SAMPLE_RATE


def test_the_mp3_length_rule_holds_on_the_mock(tmp_path: Path) -> None:
    app_ = create_app(MockConfig(render_delay=0))
    transport = InProcessTransport(app_)
    key = app_.state.demo.api_key
    with imuze.Imuze(api_key=key, base_url="http://mock.test/api/4", transport=transport) as api:
        for length in (0, 1, 10, 20, 30):
            created = api.songs.create(title="Morning Over The Bay", desired_length=length)
            path = api.songs.download(
                api.songs.wait(created, timeout=60), tmp_path / f"{length}.mp3"
            )
            info: Any = mutagen.mp3.MP3(path).info  # type: ignore[no-untyped-call]
            assert info.length == pytest.approx(mp3_seconds(length), abs=1e-3), length


def test_the_readme_quotes_the_rule_and_its_numbers() -> None:
    quoted = ", ".join(f"{mp3_seconds(n):.2f}" for n in (10, 20)) + f" and {mp3_seconds(30):.2f}"
    assert f"{quoted} s for 10, 20 and 30" in README
    assert f"{mp3_seconds(0):.2f} s for 0" in README
    assert "exactly\n  `desired_length` seconds" not in README


def test_one_install_size_quoted_from_the_bench() -> None:
    size = BENCH["client_site_packages_mb"]
    count = BENCH["client_distributions"]
    quoted = re.findall(r"([0-9]+(?:\.[0-9]+)?) MB in ([0-9]+) distributions", README)
    assert quoted, "the README quotes no install size"
    assert set(quoted) == {(f"{size:.1f}", str(count))}
    assert "168 MB" not in README and "133 MB" not in README


def test_the_start_up_ratios_quoted_are_the_benchs() -> None:
    for key in ("cli_help_over_typer_help", "cli_version_over_bare"):
        assert f"{BENCH[key]:.2f}\N{MULTIPLICATION SIGN}" in README, key


# --- every command line the README names exists, with its options -------------------------

CODE = re.compile(r"```(?:sh|yaml)\n(.*?)```", re.DOTALL)
INLINE = re.compile(r"`([^`\n]+)`")
COMMAND = re.compile(r"(?:^|[\s(|;])(imuze(?:-spec|-mock)?)((?: +[^\s#|&;)]+)*)")


def _leaves(group: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], set[str]]:
    found: dict[tuple[str, ...], set[str]] = {path: {o for p in group.params for o in p.opts}}
    if path and group.invoke_without_command:  # a group that runs too (`imuze contract`)
        found[path].add("--help")
    for name, command in group.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            found |= _leaves(command, (*path, name))
        else:
            found[(*path, name)] = {o for p in command.params for o in p.opts} | {"--help"}
    return found


def _valued(group: Any) -> set[str]:
    """Every option of the tree that takes a value (`--deadline S`), so S is not a command."""
    valued = {o for p in group.params if not getattr(p, "is_flag", True) for o in p.opts}
    for command in group.commands.values():
        if isinstance(command, typer.core.TyperGroup):
            valued |= _valued(command)
        else:
            valued |= {o for p in command.params if not getattr(p, "is_flag", True) for o in p.opts}
    return valued


TREES = {
    "imuze": _leaves(typer.main.get_command(app)),
    "imuze-spec": _leaves(typer.main.get_command(spec_app)),
}
VALUED = {
    "imuze": _valued(typer.main.get_command(app)),
    "imuze-spec": _valued(typer.main.get_command(spec_app)),
}
MOCK_OPTIONS = {o for action in mock_parser()._actions for o in action.option_strings}


def command_lines() -> list[tuple[str, list[str]]]:
    """(program, words) of every imuze, imuze-spec and imuze-mock line in code or `code`."""
    lines = [line for block in CODE.findall(README) for line in block.splitlines()]
    # A shell comment is prose (`# imuze 0.1.0` shows an output); `\` continues the line.
    spans = [line.split(" #")[0].removesuffix("\\") for line in lines]
    spans += INLINE.findall(README)
    found = []
    for span in spans:
        for program, rest in COMMAND.findall(span):
            try:
                words = shlex.split(rest.split(" -- ")[0], comments=True)
            except ValueError:
                words = rest.split()
            found.append((program, words))
    return found


def test_the_readme_names_commands() -> None:
    assert len(command_lines()) >= 30


@pytest.mark.parametrize(("program", "words"), command_lines(), ids=str)
def test_every_command_line_the_readme_names_exists(program: str, words: list[str]) -> None:
    if program == "imuze-mock":
        flags = [w.split("=")[0] for w in words if w.startswith("--") and w != "--"]
        assert set(flags) <= MOCK_OPTIONS, flags
        return
    tree = TREES[program]
    path: tuple[str, ...] = ()
    after: list[str] = []  # the words after the last command name
    value_next = False
    for word in words:
        if value_next:  # the value of the option before it
            value_next = False
        elif word.startswith("--"):
            assert word.split("=")[0] in tree[path] | tree[()], (program, path, word)
            value_next = "=" not in word and word in VALUED[program]
        elif (*path, word) in tree and not after:
            path = (*path, word)
        else:
            after.append(word)
    if path or after:  # names a command (words that are no option's value), which exists
        assert path, (program, words)
    if "--help" not in tree[path]:  # a group (or the root): what follows must be a command
        assert not after, (program, path, after)
