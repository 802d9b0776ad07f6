"""The documented loop, end to end on the gate: an API change (a new optional query parameter
and a renamed response property) is judged with both sides, acknowledged with real reasons
from the entries the check prints, and then `check` and `check --no-python` both pass:
the two gates give one answer. The new parameter's finding says the public layer needs an
edit to expose it. (Regenerates the client twice, cached: about 6 s on a quiet machine.)"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from spec_edits import SPEC, real_spec
from typer.testing import CliRunner

from imuze_cli.spec import app
from imuze_spec import _public_layer

runner = CliRunner()
REASONS = {
    "response-property-renamed": "the server renamed it in 4.1; imuze_ext reads the new name",
    "python-model-field-renamed": "Song.arrangement_name follows the wire name; noted in 4.1",
}


def _changed_spec(path: Path) -> Path:
    doc = real_spec()
    song = doc["components"]["schemas"]["Song"]
    song["properties"]["arrangement_title"] = song["properties"].pop("arrangement_name")
    song["required"] = [
        n if n != "arrangement_name" else "arrangement_title" for n in song["required"]
    ]
    for example in _examples(doc):
        if "arrangement_name" in example:
            example["arrangement_title"] = example.pop("arrangement_name")
    list_songs = doc["paths"]["/songs"]["get"]
    genre = {"name": "genre", "in": "query", "schema": {"type": "string"}}
    list_songs["parameters"] = [*list_songs.get("parameters", []), genre]
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _examples(node: object) -> list[dict[str, object]]:
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _check(spec: Path, accepted: Path, *more: str) -> tuple[int, str]:
    args = ["check", str(spec), "--baseline", str(SPEC), "--accepted", str(accepted), *more]
    result = runner.invoke(app, args)
    return result.exit_code, result.stdout + result.stderr


def test_acknowledged_with_real_reasons_both_gates_pass(tmp_path: Path) -> None:
    spec, accepted = _changed_spec(tmp_path / "openapi.yaml"), tmp_path / "accepted.yaml"
    accepted.write_text("accepted: []\n", encoding="utf-8")
    code, out = _check(spec, accepted)
    assert code == 1, out
    entries = out[out.index("\naccepted:\n") + 1 :]
    assert "python-model-field-renamed" in entries and "response-property-renamed" in entries

    def reason(match: re.Match[str]) -> str:
        why = REASONS.get(match.group(1), "accepted in 4.1: clients were told")
        return f'rule: {match.group(1)}\n    reason: "{why}"'

    filled = re.sub(r'rule: (\S+)\n    reason: "WHY THIS BREAK IS ACCEPTED"', reason, entries)
    accepted.write_text(filled, encoding="utf-8")
    code, out = _check(spec, accepted)
    assert code == 0 and "STALE" not in out, out
    code, out = _check(spec, accepted, "--no-python")
    assert code == 0 and "STALE" not in out and "not judged" in out, out
    # The placeholder as printed does not pass either gate.
    accepted.write_text(entries, encoding="utf-8")
    assert _check(spec, accepted, "--no-python")[0] == 2


def test_a_new_parameter_says_the_public_layer_needs_an_edit(tmp_path: Path) -> None:
    spec = _changed_spec(tmp_path / "openapi.yaml")
    result = runner.invoke(app, ["diff", str(SPEC), str(spec), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    found = [f for f in yaml.safe_load(result.stdout) if f["id"] == "python-parameter-added"]
    assert found and "edit it to expose the new parameter" in found[0]["message"], found
    assert "the public layer does not take `genre`" in found[0]["message"]
    assert "imuze.Imuze.songs.list()" in found[0]["message"]
    assert "imuze.AsyncImuze.songs.list()" in found[0]["message"]
    assert any("imuze_ext/resources.py" in place for place in found[0]["used_by"])


def test_every_operation_has_public_senders_and_a_parameter_they_take_needs_no_edit() -> None:
    """By construction over the spec's operations: each is sent by a public method of
    imuze_ext, found from the resources' source; a parameter the methods take is not one the
    public layer lacks (`songs.get(id)`), one they do not take is (`songs.list()`, `genre`)."""
    doc = real_spec()
    operations = [
        op["operationId"]
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    for operation in operations:
        names = {s.name for s in _public_layer.senders(operation)}
        assert any(n.startswith("imuze.Imuze.") for n in names), (operation, names)
    assert _public_layer.missing("getSong", "id") == []
    lacking = {s.name for s in _public_layer.missing("listSongs", "genre")}
    assert {"imuze.Imuze.songs.list", "imuze.AsyncImuze.songs.list"} <= lacking
