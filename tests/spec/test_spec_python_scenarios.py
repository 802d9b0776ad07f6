"""The Python verdict end to end: real spec edits, generated with the pinned generator.

Each scenario edits a copy of spec/openapi.yaml and runs python_findings against the real
spec, whose generation is made once per session (python_findings caches it by content).
Expected `used_by` places are found here by reading imuze_ext's text, independently of the
ast scan under test.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import imuze_ext
from imuze_spec.findings import Finding, Level
from imuze_spec.python_api import GenerationError, python_findings

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "openapi.yaml"
EXT = Path(imuze_ext.__file__).parent

Spec = dict[str, Any]


@pytest.fixture(scope="session")
def baseline() -> Spec:
    """The real spec, loaded; generating it here warms python_findings' cache for the
    session. Comparing it with itself finds nothing, and leaves the caller's own
    imuze_client (the repo's generated package) alone: nothing is imported in-process."""
    before = {
        name: module for name, module in sys.modules.items() if name.startswith("imuze_client")
    }
    assert python_findings(SPEC, SPEC) == []
    after = {
        name: module for name, module in sys.modules.items() if name.startswith("imuze_client")
    }
    assert after == before
    assert Path(sys.modules["imuze_client"].__file__ or "").is_relative_to(REPO / "generated")
    loaded: Spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def edited(baseline: Spec, tmp_path: Path) -> Callable[[Callable[[Spec], None]], Path]:
    """Write a copy of the spec changed by `edit` and return its path."""
    count = 0

    def write(edit: Callable[[Spec], None]) -> Path:
        nonlocal count
        count += 1
        spec = copy.deepcopy(baseline)
        edit(spec)
        path = tmp_path / f"edited-{count}.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        return path

    return write


def places(relpath: str, needle: str) -> list[str]:
    """`imuze_ext/...:line` for each line of an imuze_ext file that contains `needle`."""
    lines = (EXT.parent / relpath).read_text(encoding="utf-8").splitlines()
    return [f"{relpath}:{number}" for number, line in enumerate(lines, 1) if needle in line]


def summary(findings: list[Finding]) -> list[tuple[str, str, str, str]]:
    return [(f.level.name, f.id, f.operation, f.location) for f in findings]


def test_an_added_operation_is_one_new_module(edited: Callable[..., Path]) -> None:
    def add_delete(spec: Spec) -> None:
        spec["paths"]["/songs/{id}"]["delete"] = {
            "operationId": "deleteSong",
            "tags": ["Songs"],
            "summary": "Delete a song",
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "responses": {
                "204": {"description": "Deleted."},
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        }

    findings = python_findings(SPEC, edited(add_delete))

    assert summary(findings) == [
        ("INFO", "python-operation-added", "deleteSong", "imuze_client.api.songs.delete_song")
    ]
    assert "DELETE /songs/{id}" in findings[0].message
    assert findings[0].used_by == ()


def test_an_operation_id_rename_moves_the_module_and_breaks_its_importers(
    edited: Callable[..., Path],
) -> None:
    def rename(spec: Spec) -> None:
        spec["paths"]["/songs/{id}"]["get"]["operationId"] = "showSong"

    [finding] = python_findings(SPEC, edited(rename))

    assert (finding.level, finding.id, finding.operation, finding.location) == (
        Level.ERR,
        "python-operation-renamed",
        "getSong",
        "imuze_client.api.songs.get_song",
    )
    assert "imuze_client.api.songs.show_song" in finding.message
    assert "getSong -> showSong" in finding.message
    # the import and every call of get_song in imuze_ext, nothing else
    expected = places("imuze_ext/resources.py", "get_song")
    assert len(expected) >= 3  # not vacuous: the import, a sync and an async call at least
    assert list(finding.used_by) == expected


def test_a_tag_rename_is_safe_on_the_wire_but_moves_every_function(
    edited: Callable[..., Path],
) -> None:
    def retag(spec: Spec) -> None:
        for item in spec["paths"].values():
            for operation in item.values():
                if operation.get("tags") == ["Songs"]:
                    operation["tags"] = ["Music"]
        for tag in spec["tags"]:
            if tag["name"] == "Songs":
                tag["name"] = "Music"

    findings = python_findings(SPEC, edited(retag))

    assert summary(findings) == [
        ("ERR", "python-operation-renamed", op, f"imuze_client.api.songs.{module}")
        for op, module in [
            ("createSong", "create_song"),
            ("getSong", "get_song"),
            ("listSongs", "list_songs"),
        ]
    ]
    assert all("api.songs -> api.music" in f.message for f in findings), findings
    assert places("imuze_ext/resources.py", "from imuze_client.api.songs import")[0] in (
        findings[0].used_by
    )


def test_a_new_value_of_the_open_status_enum_is_compatible(edited: Callable[..., Path]) -> None:
    def add_failed(spec: Spec) -> None:
        spec["components"]["schemas"]["SongStatus"]["enum"].append("failed")

    [finding] = python_findings(SPEC, edited(add_failed))

    assert summary([finding]) == [
        (
            "INFO",
            "python-enum-member-added",
            "",
            "imuze_client.models.song_status.SongStatus.FAILED",
        )
    ]
    # AnySongStatus is anyOf [SongStatus, string]: the generated parser falls back to str
    assert "open" in finding.message
    assert finding.operations == ("getSong", "listSongs")
    assert places("imuze_ext/_polling.py", "from imuze_client.models import")[0] in (
        finding.used_by
    )


def test_a_new_value_of_a_closed_enum_is_a_runtime_error_for_old_clients(
    edited: Callable[..., Path],
) -> None:
    def close_status(spec: Spec) -> None:
        schemas = spec["components"]["schemas"]
        for name in ("Song", "SongSummary"):
            schemas[name]["properties"]["status"] = {"$ref": "#/components/schemas/SongStatus"}

    def close_and_add(spec: Spec) -> None:
        close_status(spec)
        spec["components"]["schemas"]["SongStatus"]["enum"].append("failed")

    [finding] = python_findings(edited(close_status), edited(close_and_add))

    assert summary([finding]) == [
        (
            "WARN",
            "python-enum-member-added",
            "",
            "imuze_client.models.song_status.SongStatus.FAILED",
        )
    ]
    assert "ValueError" in finding.message


def test_tags_made_optional(edited: Callable[..., Path]) -> None:
    def optional_tags(spec: Spec) -> None:
        spec["components"]["schemas"]["SongCreate"]["required"].remove("tags")

    findings = python_findings(SPEC, edited(optional_tags))

    model = "imuze_client.models.song_create.SongCreate"
    assert summary(findings) == [
        ("WARN", "python-model-fields-reordered", "", model),
        ("INFO", "python-model-field-became-optional", "", f"{model}.tags"),
    ]
    reordered, optional = findings
    # SongCreate is only sent: constructors keep working, and the type says UNSET is allowed
    assert "`list[str] | Unset`" in optional.message
    assert optional.operations == ("createSong",)
    assert list(optional.used_by) == places(
        "imuze_ext/resources.py", 'tags=list_of_strings("tags", tags)'
    )
    # required fields come first in attrs: `tags` moved behind `desired_length`; imuze_ext
    # passes keywords only, so nothing it does is affected
    assert "desired_length, tags" in reordered.message
    assert reordered.used_by == ()


def test_a_new_required_field_in_song_create_breaks_every_constructor(
    edited: Callable[..., Path],
) -> None:
    def add_mood(spec: Spec) -> None:
        song_create = spec["components"]["schemas"]["SongCreate"]
        song_create["properties"]["mood"] = {"type": "string", "description": "The mood."}
        song_create["required"].append("mood")

    [finding] = python_findings(SPEC, edited(add_mood))

    assert summary([finding]) == [
        (
            "ERR",
            "python-model-required-field-added",
            "",
            "imuze_client.models.song_create.SongCreate.mood",
        )
    ]
    assert list(finding.used_by) == places("imuze_ext/resources.py", "SongCreate(")


def test_model_fields_removed_and_retyped_by_direction(edited: Callable[..., Path]) -> None:
    def change_models(spec: Spec) -> None:
        schemas = spec["components"]["schemas"]
        del schemas["Song"]["properties"]["arrangement_name"]
        schemas["Song"]["required"].remove("arrangement_name")
        schemas["Song"]["properties"]["title"] = {"type": "integer"}
        schemas["SongCreate"]["properties"]["desired_length"]["type"] = "number"

    removed, retyped, widened = python_findings(SPEC, edited(change_models))

    song = "imuze_client.models.song.Song"
    assert summary([removed, retyped, widened]) == [
        ("ERR", "python-model-field-removed", "", f"{song}.arrangement_name"),
        ("ERR", "python-model-field-retyped", "", f"{song}.title"),
        (
            "INFO",
            "python-model-field-type-compatible",
            "",
            "imuze_client.models.song_create.SongCreate.desired_length",
        ),
    ]
    # the CLI reads song.arrangement_name where `song: Song` (print_song); its read of
    # SongSummary.arrangement_name (`for song in listed.response`) is another model's field;
    # the mock writes the JSON property by name, as a dict key
    assert list(removed.used_by) == places(
        "imuze_cli/output.py", "song.arrangement_name,"
    ) + places("imuze_mock/handlers.py", '"arrangement_name":')
    assert "`str` -> `int`" in retyped.message
    # SongCreate is only sent, and a float field still accepts every int a caller passes
    assert "`int` -> `float`" in widened.message
    # the keyword in the one SongCreate(...) call, not Songs.create's own desired_length=;
    # and the mock's read of the JSON property by name
    assert list(widened.used_by) == places(
        "imuze_ext/resources.py", "        desired_length=desired_length,"
    ) + places("imuze_mock/handlers.py", 'body["desired_length"]')


def test_a_new_required_query_parameter_breaks_every_call(edited: Callable[..., Path]) -> None:
    def add_limit(spec: Spec) -> None:
        spec["paths"]["/songs"]["get"]["parameters"] = [
            {"name": "limit", "in": "query", "required": True, "schema": {"type": "integer"}}
        ]

    [finding] = python_findings(SPEC, edited(add_limit))

    assert summary([finding]) == [
        (
            "ERR",
            "python-parameter-added-required",
            "listSongs",
            "imuze_client.api.songs.list_songs.limit",
        )
    ]
    calls = places("imuze_ext/resources.py", "list_songs.sync_detailed(") + places(
        "imuze_ext/resources.py", "list_songs.asyncio_detailed("
    )
    assert sorted(finding.used_by) == sorted(calls)
    assert len(calls) >= 2  # not vacuous: a sync and an async call at least


def test_a_widened_response_constraint_is_invisible_in_python(
    edited: Callable[..., Path],
) -> None:
    """Breaking on the wire (a client validating responses may reject them), not in Python."""

    def widen(spec: Spec) -> None:
        schemas = spec["components"]["schemas"]
        del schemas["SongList"]["properties"]["count"]["minimum"]
        schemas["Error"]["properties"]["code"]["maximum"] = 999

    assert python_findings(SPEC, edited(widen)) == []


def test_a_spec_the_generator_rejects_is_one_readable_error(
    edited: Callable[..., Path],
) -> None:
    def dangling_ref(spec: Spec) -> None:
        spec["components"]["schemas"]["Song"]["properties"]["title"] = {
            "$ref": "#/components/schemas/Missing"
        }

    broken = edited(dangling_ref)

    with pytest.raises(GenerationError) as info:
        python_findings(SPEC, broken)
    # the generator's reason, on one line, without its boilerplate
    assert str(info.value) == (
        f"cannot generate the client from {broken}: "
        "Unable to process schema /components/schemas/Song: "
        "Could not find reference in parsed models or enums"
    )
