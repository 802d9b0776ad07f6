"""`imuze-spec diff` and `imuze-spec check`: formats, exit codes, GITREF, the acknowledgements.

These run the wire verdict alone (`--no-python`): the generation is covered by
test_spec_scenarios.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from spec_edits import ROOT, SPEC, apply, real_spec
from typer.testing import CliRunner

from imuze_cli.spec import app

runner = CliRunner()
BREAKING = [
    {
        "op": "add",
        "path": "/components/schemas/SongCreate/properties/genre",
        "value": {"type": "string"},
    },
    {"op": "add", "path": "/components/schemas/SongCreate/required/-", "value": "genre"},
]
COMPATIBLE = [
    {
        "op": "add",
        "path": "/components/schemas/SongCreate/properties/mood",
        "value": {"type": "string"},
    },
]


def write(path: Path, edits: list[dict[str, object]]) -> Path:
    path.write_text(yaml.safe_dump(apply(real_spec(), edits), sort_keys=False), encoding="utf-8")
    return path


def diff(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["diff", *args, "--no-python"])
    return result.exit_code, result.stdout, result.stderr


def test_no_change_is_no_finding(tmp_path: Path) -> None:
    code, out, _ = diff(str(SPEC), str(SPEC))
    assert code == 0
    assert "no changes" in out
    # Layout and comments are no change either, on both sides (no generation needed).
    relaid = tmp_path / "relaid.yaml"
    relaid.write_text("# a comment\n" + yaml.safe_dump(real_spec(), indent=4), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(SPEC), str(relaid)])
    assert (result.exit_code, result.stdout.count("no changes")) == (0, 1)


def test_fail_on_sets_the_exit_code(tmp_path: Path) -> None:
    new = str(write(tmp_path / "new.yaml", BREAKING))
    assert diff(str(SPEC), new)[0] == 0
    assert diff(str(SPEC), new, "--fail-on", "ERR")[0] == 1
    compatible = str(write(tmp_path / "ok.yaml", COMPATIBLE))
    assert diff(str(SPEC), compatible, "--fail-on", "WARN")[0] == 0
    assert diff(str(SPEC), compatible, "--fail-on", "INFO")[0] == 1


def test_json_is_a_list_of_findings(tmp_path: Path) -> None:
    code, out, _ = diff(str(SPEC), str(write(tmp_path / "new.yaml", BREAKING)), "--format", "json")
    assert code == 0
    (finding,) = json.loads(out)
    assert {"id", "level", "side", "operation", "location", "message", "fingerprint"} <= set(
        finding
    )
    assert (finding["id"], finding["level"], finding["side"]) == (
        "request-property-added-required",
        "ERR",
        "wire",
    )
    assert finding["operations"] == ["createSong"]
    assert finding["location"] == "#/components/schemas/SongCreate/properties/genre"


def test_text_groups_by_operation_and_markdown_is_a_changelog_section(tmp_path: Path) -> None:
    new = str(write(tmp_path / "new.yaml", BREAKING + COMPATIBLE))
    _, text, _ = diff(str(SPEC), new)
    assert "\ncreateSong\n" in text
    assert text.count("request-property-added-required") == 1
    _, markdown, _ = diff(str(SPEC), new, "--format", "markdown")
    assert markdown.startswith("### API")
    assert markdown.index("#### Breaking") < markdown.index("#### Compatible")
    assert "SongCreate.genre" in markdown


@pytest.mark.parametrize(
    ("old", "message", "says"),
    [
        ("does/not/exist.yaml", "cannot read does/not/exist.yaml", "check the path"),
        ("HEAD:spec/nope.yaml", "cannot read HEAD:spec/nope.yaml from git", "holds spec/nope"),
        (
            "no-such-ref-xyz:spec/openapi.yaml",
            "cannot read no-such-ref-xyz:spec/openapi.yaml",
            "check that no-such-ref-xyz exists",
        ),
    ],
)
def test_an_unloadable_spec_exits_2_with_one_line(old: str, message: str, says: str) -> None:
    code, out, err = diff(old, str(SPEC))
    assert code == 2
    assert out == ""
    error, hint = err.splitlines()  # as every imuze command line reports an error
    assert error.startswith(f"error: {message}")
    assert hint.startswith("hint: ") and says in hint  # what to do about this one


def test_broken_yaml_and_non_openapi_exit_2(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("openapi: 3.1.0\npaths: {\n", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- 1\n", encoding="utf-8")
    (tmp_path / "dangling.yaml").write_text(
        "openapi: 3.1.0\npaths:\n  /x:\n    get:\n      parameters:\n"
        "        - $ref: '#/components/parameters/Nope'\n      responses: {}\n",
        encoding="utf-8",
    )
    for name, message in [
        ("broken.yaml", "line"),
        ("list.yaml", "not an OpenAPI document"),
        ("dangling.yaml", "names nothing"),
    ]:
        code, _, err = diff(str(SPEC), str(tmp_path / name))
        assert code == 2, name
        assert message in err and "Traceback" not in err


def test_a_structurally_invalid_spec_exits_2_and_says_where(tmp_path: Path) -> None:
    bad = [{"op": "replace", "path": "/components/schemas/Song/properties", "value": [1, "a"]}]
    code, out, err = diff(str(SPEC), str(write(tmp_path / "bad.yaml", bad)))
    assert code == 2
    assert out == ""
    assert "not a valid OpenAPI document near #/components/schemas/Song" in err
    assert err.count("\n") == 2 and err.splitlines()[1].startswith("hint: ")  # error + hint


def test_a_git_ref_is_read_with_git_show() -> None:
    code, out, _ = diff("HEAD:spec/openapi.yaml", str(SPEC))
    assert code == 0
    assert out.startswith("imuze-spec diff HEAD:spec/openapi.yaml -> ")


# -- the gate --------------------------------------------------------------------------


def check(spec: Path, accepted: Path) -> tuple[int, str, str]:
    args = ["check", str(spec), "--baseline", str(SPEC), "--accepted", str(accepted), "--no-python"]
    result = runner.invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def test_the_gate_fails_on_a_break_passes_once_acknowledged_and_fails_on_a_stale_entry(
    tmp_path: Path,
) -> None:
    spec, accepted = write(tmp_path / "openapi.yaml", BREAKING), tmp_path / "accepted.yaml"
    accepted.write_text("accepted: []\n", encoding="utf-8")
    code, out, _ = check(spec, accepted)
    assert code == 1
    assert "1 breaking change(s) not acknowledged" in out
    entry = out[out.index("accepted:\n") :]
    accepted.write_text(
        entry.replace("WHY THIS BREAK IS ACCEPTED", "genre is needed"), encoding="utf-8"
    )
    code, out, _ = check(spec, accepted)
    assert code == 0, out
    assert "accepted request-property-added-required" in out
    # The break is reverted: the acknowledgement is stale, and reported as such.
    code, out, _ = check(SPEC, accepted)
    assert code == 1
    assert "STALE acknowledgement" in out


def test_a_compatible_edit_passes_the_gate(tmp_path: Path) -> None:
    assert check(write(tmp_path / "openapi.yaml", COMPATIBLE), tmp_path / "none.yaml")[0] == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("accepted: [{fingerprint: abc, reason: x, date: 2026-01-01}]", "16-hex-digit"),
        (
            "accepted: [{fingerprint: 0123456789abcdef, date: 2026-01-01}]",
            "needs a reason that says why, not an empty one",
        ),
        ("accepted: [{fingerprint: 0123456789abcdef, reason: x}]", "needs a date"),
        ("accepted: {}", "must be a list"),
    ],
)
def test_a_malformed_acknowledgement_exits_2(tmp_path: Path, text: str, message: str) -> None:
    accepted = tmp_path / "accepted.yaml"
    accepted.write_text(text + "\n", encoding="utf-8")
    code, _, err = check(SPEC, accepted)
    assert code == 2
    assert message in err


def test_the_repository_passes_its_own_gate() -> None:
    """The committed acknowledgements file parses and the spec passes (the wire side)."""
    result = runner.invoke(app, ["check", "--no-python"], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout


def test_the_installed_script_exits_1_on_fail_on(tmp_path: Path) -> None:
    """The console script itself (both verdicts run in test_spec_scenarios.py)."""
    new = write(tmp_path / "new.yaml", BREAKING)
    script = Path(sys.executable).parent / "imuze-spec"
    done = subprocess.run(
        [
            str(script),
            "diff",
            str(SPEC),
            str(new),
            "--format",
            "json",
            "--fail-on",
            "ERR",
            "--no-python",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert [f["id"] for f in json.loads(done.stdout)] == ["request-property-added-required"]


def test_without_the_spec_extra_the_python_verdict_is_one_readable_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    new = write(tmp_path / "new.yaml", COMPATIBLE)
    monkeypatch.delitem(sys.modules, "imuze_spec.python_api", raising=False)
    monkeypatch.setitem(sys.modules, "griffe", None)  # import griffe now raises ImportError
    result = runner.invoke(app, ["diff", str(SPEC), str(new)])
    assert result.exit_code == 2
    assert "needs the spec extra" in result.stderr
    assert "--no-python" in result.stderr
