"""One gate, one answer: `check` and `check --no-python` agree on every acknowledgement, a
reason must say something, and a shape clients already read is not "unknown"."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml
from spec_edits import SPEC, real_spec
from typer.testing import CliRunner

from imuze_cli.spec import app
from imuze_spec import accept
from imuze_spec.findings import Finding, Level
from imuze_spec.load import Spec
from imuze_spec.wire import wire_findings

runner = CliRunner()
TODAY = dt.date(2026, 1, 1)


def _python_finding() -> Finding:
    return Finding(
        Level.ERR, "python", "python-model-field-renamed", "", "imuze_client.models.song.Song.x", ""
    )


def test_an_acknowledgement_of_a_side_not_judged_is_not_judged_never_stale() -> None:
    found = _python_finding()
    ack = accept.Acknowledgement(found.fingerprint, "renamed upstream", TODAY, found.id)
    both = accept.judge([found], [ack])
    assert (both.stale, both.not_judged, both.ok) == ([], [], True)
    wire_only = accept.judge([], [ack], frozenset({"wire"}))
    assert (wire_only.stale, wire_only.not_judged, wire_only.ok) == ([], [ack], True)
    # Judged on both sides and matching nothing: that one is stale.
    assert accept.judge([], [ack]).stale == [ack]


def test_check_and_check_no_python_agree_on_a_python_acknowledgement(tmp_path: Path) -> None:
    found = _python_finding()
    accepted = tmp_path / "accepted.yaml"
    entry = accept.entry_for(found, TODAY).replace(accept.PLACEHOLDER, "renamed upstream")
    accepted.write_text("accepted:\n" + entry, encoding="utf-8")
    args = ["check", str(SPEC), "--baseline", str(SPEC), "--accepted", str(accepted)]
    result = runner.invoke(app, [*args, "--no-python"])
    assert result.exit_code == 0, result.stdout
    assert "not judged" in result.stdout and "STALE" not in result.stdout


@pytest.mark.parametrize(
    "reason", ["WHY THIS BREAK IS ACCEPTED", "say why", "TODO", "tbd.", "...", "n/a"]
)
def test_a_placeholder_reason_fails_the_gate_with_a_hint(tmp_path: Path, reason: str) -> None:
    accepted = tmp_path / "accepted.yaml"
    entry = {"fingerprint": "0123456789abcdef", "reason": reason, "date": "2026-01-01"}
    accepted.write_text(yaml.safe_dump({"accepted": [entry]}), encoding="utf-8")
    args = ["check", str(SPEC), "--baseline", str(SPEC), "--accepted", str(accepted)]
    result = runner.invoke(app, [*args, "--no-python"])
    assert result.exit_code == 2
    assert "needs a reason that says why, not a placeholder" in result.stderr
    assert "hint: write why this break is accepted" in result.stderr


def _get_song_answer(doc: dict[str, object], schema: object) -> dict[str, object]:
    content = doc["paths"]["/songs/{id}"]["get"]["responses"]["200"]["content"]  # type: ignore[index]
    content["application/json"]["schema"] = schema
    return doc


def test_a_new_branch_of_a_shape_the_operation_already_answers_with_is_info() -> None:
    old = real_spec()
    song, error = {"$ref": "#/components/schemas/Song"}, {"$ref": "#/components/schemas/Error"}
    new = _get_song_answer(copy.deepcopy(old), {"anyOf": [song, error]})
    found = wire_findings(Spec("old", old), Spec("new", new))
    assert [(f.level, f.id) for f in found] == [(Level.INFO, "response-branch-added")], found
    assert "already answers with" in found[0].message
    # A shape the operation never answered with is still unknown to its clients.
    new["components"]["schemas"]["Other"] = {"type": "object"}
    new = _get_song_answer(new, {"anyOf": [song, {"$ref": "#/components/schemas/Other"}]})
    found = wire_findings(Spec("old", old), Spec("new", new))
    assert [(f.level, f.id) for f in found] == [(Level.ERR, "response-branch-added")], found


def test_the_findings_of_one_change_are_one_row_the_change_then_its_consequences() -> None:
    from imuze_spec.diff import order
    from imuze_spec.report import body

    ops = ("getSong", "listSongs")
    wire = Finding(
        Level.ERR,
        "wire",
        "response-property-renamed",
        "",
        "#/components/schemas/Song/properties/arrangement_name",
        "Song.arrangement_name: renamed to 'voice'",
        ops,
    )
    field = Finding(
        Level.ERR,
        "python",
        "python-model-field-renamed",
        "",
        "imuze_client.models.song.Song.arrangement_name",
        "Song.arrangement_name is now Song.voice",
        ops,
    )
    other = Finding(
        Level.INFO,
        "wire",
        "response-property-added",
        "",
        "#/components/schemas/Song/properties/voice",
        "new",
        ops,
    )
    text = body(order([field, other, wire]))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = lines.index(next(line for line in lines if "response-property-renamed" in line))
    assert lines[start + 2].startswith("-> ERR  python python-model-field-renamed")
    assert sum("arrangement_name" in line and "ERR" in line for line in lines) == 2
    assert not any(line.startswith("-> INFO") for line in lines)  # another subject: its own row
