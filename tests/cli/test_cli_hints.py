"""Each `hint:` line against the situation it names, and no hint where it would mislead.

Every situation runs the real CLI against the mock over loopback. The hints are the
branches of `imuze_cli.hints`; `test_every_hint_has_its_situation` fails when a branch has
no situation here that shows it.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from cli_helpers import error_and_hint, logged_in_env
from typer.testing import CliRunner

from imuze_cli import hints
from imuze_cli.app import app
from imuze_mock import MockConfig, MockServer, running


@dataclass(frozen=True)
class Situation:
    args: Callable[[MockServer], list[str]]
    hint: Callable[[MockServer], str | None]


def _base(path: str) -> Callable[[MockServer], list[str]]:
    return lambda s: ["--base-url", f"{s.origin}{path}", "songs", "list"]


def _lives_under(path: str) -> Callable[[MockServer], str]:
    return lambda s: (
        f"hint: the API lives under /api/4: pass --base-url {s.origin}{path} "
        "(or set IMUZE_BASE_URL)"
    )


SITUATIONS: dict[str, Situation] = {
    "base URL of another API version": Situation(_base("/api/3"), _lives_under("/api/4")),
    "base URL with a v-prefixed version": Situation(_base("/api/v2"), _lives_under("/api/4")),
    "base URL without the API's path": Situation(_base(""), _lives_under("/api/4")),
    "base URL under a gateway prefix": Situation(_base("/gw"), _lives_under("/gw/api/4")),
    "base URL with /api/4 on a server that has no songs path": Situation(
        _base("/elsewhere/api/4"),
        lambda s: (
            f"hint: is {s.origin}/elsewhere/api/4 the iMuze API? check --base-url "
            "(or IMUZE_BASE_URL)"
        ),
    ),
    "an unknown arrangement": Situation(lambda s: ["arrangements", "show", "999"], lambda s: None),
    "an unknown song": Situation(lambda s: ["songs", "show", "999"], lambda s: None),
    "a deadline too short for any call": Situation(
        lambda s: ["--deadline", "0.001", "songs", "list"],
        lambda s: (
            "hint: the call ran out of the time it was given, not the API: give it more "
            "with --deadline S (compose: --timeout S)"
        ),
    ),
    "nothing listening at the address": Situation(
        lambda s: ["--base-url", "http://127.0.0.1:9/api/4", "songs", "list"],
        lambda s: "hint: is the API up at that address? pass --base-url or set IMUZE_BASE_URL",
    ),
    "a wrong password": Situation(
        lambda s: ["songs", "list"],
        lambda s: (
            "hint: check IMUZE_API_KEY, or IMUZE_EMAIL and IMUZE_PASSWORD: "
            "'imuze login' (or 'imuze login --api-key') checks them"
        ),
    ),
}


@pytest.fixture(scope="module")
def server() -> MockServer:
    with running(MockConfig()) as mock:
        yield mock  # type: ignore[misc]


@pytest.mark.parametrize("name", sorted(SITUATIONS))
def test_the_hint_fits_the_situation(name: str, server: MockServer) -> None:
    situation = SITUATIONS[name]
    extra = {"IMUZE_PASSWORD": "not-the-password"} if name == "a wrong password" else {}
    result = CliRunner(env=logged_in_env(server, **extra)).invoke(app, situation.args(server))
    assert result.exit_code == 1, result.output
    _, hint = error_and_hint(result.stderr)
    assert hint == situation.hint(server)


def test_a_song_still_rendering_names_the_wait(server: MockServer) -> None:
    with running(MockConfig(render_delay=30)) as slow:
        runner = CliRunner(env=logged_in_env(slow))
        created = runner.invoke(app, ["songs", "create", "--title", "Night Drive", "--json"])
        song_id = created.stdout.split('"id": ', 1)[1].split(",", 1)[0]
        result = runner.invoke(app, ["songs", "download", song_id, "--out", "never"])
    assert result.exit_code == 1, result.output
    _, hint = error_and_hint(result.stderr)
    assert hint == f"hint: 'imuze songs wait {song_id}' waits until it is ready"


def test_every_hint_has_its_situation() -> None:
    # Each hint is one `return` of a string in imuze_cli.hints; each has its phrase here.
    tree = ast.parse(inspect.getsource(hints))
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Return)
        and isinstance(node.value, (ast.JoinedStr, ast.Constant))
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
    ]
    phrases = [
        "lives under",
        "the iMuze API? check",
        "ran out of the time",
        "is the API up",
        "'imuze login'",
        "waits until it is ready",
        "resumes the wait",  # tests/cli/test_cli_voice.py, a compose that times out
    ]
    assert len(texts) == len(phrases)
    source = ast.unparse(tree)
    assert all(phrase in source for phrase in phrases)
    shown = " ".join(str(s.hint(_Origin())) for s in SITUATIONS.values())  # type: ignore[arg-type]
    shown += " waits until it is ready resumes the wait"  # the two tests above this table's
    assert all(phrase in shown for phrase in phrases)


class _Origin:
    origin = "http://127.0.0.1:1"
