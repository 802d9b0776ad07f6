"""imuze_spec.overlay: Overlay 1.0 applied with RFC 9535 targets, the same way as an independent
implementation (oas-patch) applies it; a target that lands nowhere, or on several nodes where it
names one, is an error naming the action; the spec keeps its comments and layout."""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from oas_patch.overlay import apply_overlay
from typer.testing import CliRunner

from imuze_cli.spec import app
from imuze_spec.overlay import OverlayError, apply, apply_text, parse_actions, read_actions

SPEC_TEXT = Path("spec/openapi.yaml").read_text(encoding="utf-8")
SPEC = yaml.safe_load(SPEC_TEXT)


def overlay(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


# Every kind of edit a proposal makes, and the other two the Overlay text defines.
EDITS = overlay(
    {"target": "$['paths']['/songs']['post']['responses']",
     "update": {"200": {"$ref": "#/components/responses/NotFound", "description": "new"}}},
    {"target": "$['components']['schemas']['Song']['properties']['title']",
     "update": {"type": ["string", "null"], "maxLength": 40}},
    {"target": "$['components']['schemas']['MusicalMode']['enum']", "update": "Aeolian2"},
    {"target": "$['components']['responses']['NotFound']['content']['application/json']['schema']",
     "update": {"$ref": "#/components/schemas/Id"}},
    {"target": "$['paths'][*][*]['responses']['503']", "remove": True},
    {"target": "$['paths'][?@.get.operationId == 'getSong']['get']['responses']['410']",
     "update": {"description": "removed"}},
)  # fmt: skip


def test_each_kind_of_edit_applies_as_the_independent_implementation_applies_it() -> None:
    ours = copy.deepcopy(SPEC)
    apply(ours, parse_actions(EDITS, "edits"))
    theirs = apply_overlay(copy.deepcopy(SPEC), copy.deepcopy(EDITS))
    assert ours == theirs
    assert ours["components"]["schemas"]["MusicalMode"]["enum"][-1] == "Aeolian2"
    assert all(
        "503" not in op["responses"] for item in ours["paths"].values() for op in item.values()
    )
    assert ours["paths"]["/songs/{id}"]["get"]["responses"]["410"]["description"] == "removed"


def _a_property_with_a_format() -> tuple[str, str, str]:
    """The first schema property of the spec in force that has a format (not today's by name)."""
    for name, schema in SPEC["components"]["schemas"].items():
        for prop, sub in (schema.get("properties") or {}).items():
            if isinstance(sub, dict) and isinstance(sub.get("format"), str):
                return name, prop, sub["format"]
    raise AssertionError("the spec in force has no schema property with a format")


def test_the_spec_keeps_its_comments_and_layout() -> None:
    title = SPEC["info"]["title"]
    text = "# the spec\n" + SPEC_TEXT.replace(f"  title: {title}\n", f"  title: {title}  # ours\n")
    schema, prop, was = _a_property_with_a_format()
    now = f"{was}-reference"
    edit = overlay({"target": f"$['components']['schemas']['{schema}']['properties']['{prop}']",
                    "update": {"format": now}})  # fmt: skip
    new = apply_text(text, parse_actions(edit, "edit"))
    changed = [
        line for line in difflib.unified_diff(text.splitlines(), new.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]  # fmt: skip
    assert [line[0] + line[1:].strip() for line in changed] == [
        f"-format: {was}",
        f"+format: {now}",
    ]
    assert len(changed[0]) - len(was) == len(changed[1]) - len(now)  # the same indentation


def test_a_new_status_is_quoted_and_block_text_stays_block_text() -> None:
    edit = overlay({"target": "$['paths']['/tokens']['post']['responses']",
                    "update": {"200": {"description": "line one\nline two\n"}}})  # fmt: skip
    new = apply_text(SPEC_TEXT, parse_actions(edit, "edit"))
    assert '        "200":\n          description: |\n            line one\n' in new


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ({"target": "$['paths']['/nope']", "update": {}},
         "action 1 (what) : target $['paths']['/nope'] selects no node"),
        ({"target": "$['paths'][?@.get]['get']", "update": {}},
         "action 1 (what) : target $['paths'][?@.get]['get'] selects 4 nodes where it names one"),
        ({"target": "$.paths[", "update": {}}, "is not RFC 9535 JSONPath"),
        ({"target": "$['openapi']", "update": {}}, "selects a value, not an object or array"),
        ({"target": "$['info']", "update": "text"}, "its target is an object: update must be one"),
    ],
)  # fmt: skip
def test_a_target_that_misses_is_an_error_naming_the_action(
    action: dict[str, Any], message: str
) -> None:
    actions = parse_actions(overlay({**action, "description": "what "}), "o.yaml")
    with pytest.raises(OverlayError) as caught:
        apply(copy.deepcopy(SPEC), actions)
    assert message.replace("(what) ", "(what)") in str(caught.value)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"openapi": "3.1.0"}, "not an Overlay 1.0 document"),
        ({"overlay": "1.1.0", "info": {}, "actions": []}, "not an Overlay 1.0 document"),
        ({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{}]}, "title and a version"),
        ({**overlay(), "actions": []}, "non-empty list"),
        (overlay({"target": "paths"}), "action 1 needs a JSONPath target"),
        (overlay({"target": "$", "remove": "yes"}), "remove must be true or false"),
    ],
)
def test_a_malformed_overlay_is_one_clear_line(document: dict[str, Any], message: str) -> None:
    with pytest.raises(OverlayError, match=message):
        parse_actions(document, "o.yaml")


def test_an_unreadable_overlay_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(OverlayError, match="cannot read"):
        read_actions(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("overlay: [1.0\n")
    with pytest.raises(OverlayError, match="not YAML"):
        read_actions(tmp_path / "bad.yaml")


def _cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_imuze_spec_apply_writes_the_spec_or_names_the_action_that_missed(tmp_path: Path) -> None:
    good, bad, out = tmp_path / "good.yaml", tmp_path / "bad.yaml", tmp_path / "new.yaml"
    good.write_text(yaml.safe_dump(EDITS), encoding="utf-8")
    missing = {"target": "$['paths']['/nope']", "description": "add nope", "update": {}}
    bad.write_text(yaml.safe_dump(overlay(EDITS["actions"][0], missing)), encoding="utf-8")
    done = _cli("apply", "spec/openapi.yaml", str(good), "-o", str(out))
    assert done.exit_code == 0, done.output
    assert (
        yaml.safe_load(out.read_text(encoding="utf-8"))["paths"]["/songs"]["post"]["responses"][
            "200"
        ]["description"]
        == "new"
    )
    before = out.read_text(encoding="utf-8")
    failed = _cli("apply", "spec/openapi.yaml", str(bad), "-o", str(out))
    assert failed.exit_code == 2
    assert failed.stderr == (
        "error: action 2 (add nope): target $['paths']['/nope'] selects no node\n"
        "hint: see 'imuze-spec apply --help'\n"
    )
    assert out.read_text(encoding="utf-8") == before  # nothing written


def test_imuze_spec_diff_with_an_overlay_judges_adopting_it(tmp_path: Path) -> None:
    edit = tmp_path / "edit.yaml"
    edit.write_text(yaml.safe_dump(overlay(EDITS["actions"][1])), encoding="utf-8")
    done = _cli(
        "diff", "spec/openapi.yaml", "--overlay", str(edit), "--no-python", "--format", "json"
    )
    assert done.exit_code == 0, done.output
    findings = {(f["id"], f["level"], f["location"]) for f in json.loads(done.stdout)}
    # A song's title may now be null: a client that reads it breaks (ERR), as it would after
    # the same edit by hand.
    title = "#/components/schemas/Song/properties/title"
    assert ("response-became-nullable", "ERR", title) in findings
    both = _cli("diff", "spec/openapi.yaml", "spec/openapi.yaml", "--overlay", str(edit))
    assert both.exit_code == 2 and "give the NEW spec, or --overlay FILE" in both.stderr


def test_remove_deletes_exactly_the_items_selected_past_index_ten() -> None:
    # Indices sorted as text put "2" after "10": t11 went and t10 stayed.
    doc: dict[str, Any] = {"tags": [f"t{n}" for n in range(12)]}
    actions = parse_actions(
        overlay({"target": "$..[?@ == 't2' || @ == 't10']", "remove": True}), "o"
    )
    apply(doc, actions)
    assert doc["tags"] == [f"t{n}" for n in range(12) if n not in (2, 10)]


def test_an_unquoted_status_key_merges_into_the_quoted_one(tmp_path: Path) -> None:
    # Hand-written YAML: `201:` is an integer to the loader; the spec's key is "201".
    path = tmp_path / "o.yaml"
    path.write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: $['paths']['/songs']['post']['responses']\n"
        "    update:\n      201:\n        description: Created, now said so\n",
        encoding="utf-8",
    )
    before = SPEC["paths"]["/songs"]["post"]["responses"]["201"]
    doc = copy.deepcopy(SPEC)
    apply(doc, read_actions(path))
    after = doc["paths"]["/songs"]["post"]["responses"]
    assert set(after) == set(SPEC["paths"]["/songs"]["post"]["responses"])
    assert after["201"] == {**before, "description": "Created, now said so"}


def test_an_update_naming_a_key_twice_is_refused_by_name(tmp_path: Path) -> None:
    # `200:` and `'200':` are two keys to the YAML loader and one name in JSON: merging both
    # would let one replace the other, silently, whichever came last.
    path, out = tmp_path / "o.yaml", tmp_path / "new.yaml"
    path.write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: $['paths']['/songs']['post']\n    description: two 201s\n"
        "    update:\n      responses:\n"
        "        201:\n          description: one\n"
        "        '201':\n          description: other\n",
        encoding="utf-8",
    )
    doc = copy.deepcopy(SPEC)
    with pytest.raises(OverlayError) as refused:
        apply(doc, read_actions(path))
    assert str(refused.value).startswith(
        "action 1 (two 201s): update['responses'] has the key 201 twice (201 and '201')"
    )
    assert doc == SPEC  # refused before anything changed
    failed = _cli("apply", "spec/openapi.yaml", str(path), "-o", str(out))
    assert failed.exit_code == 2
    assert "has the key 201 twice (201 and '201')" in failed.stderr
    assert not out.exists()
