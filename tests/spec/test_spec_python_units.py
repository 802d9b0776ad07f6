"""The Python verdict's parts, without generating: type spelling, the comparison rules, griffe's
breakages mapped to findings, and the ast scan that finds the blast radius."""

from __future__ import annotations

import textwrap
import typing
from pathlib import Path
from typing import Any

import griffe
import pytest
from imuze_client.types import Unset

from imuze_spec._compare import compare
from imuze_spec._introspect import type_repr
from imuze_spec._snapshot import Enum, Field, Function, Param, Snapshot, split_union
from imuze_spec._usage import scan
from imuze_spec.python_api import GenerationError, python_findings

MODELS = "imuze_client.models"
SONG = f"{MODELS}.song.Song"
SONG_CREATE = f"{MODELS}.song_create.SongCreate"
STATUS = f"{MODELS}.song_status.SongStatus"
GET_SONG = "imuze_client.api.songs.get_song"
LIST_SONGS = "imuze_client.api.songs.list_songs"


@pytest.mark.parametrize(
    ("annotation", "spelled"),
    [
        (typing.Union[list[str], Unset], "list[str] | Unset"),  # noqa: UP007 - the old spelling
        (None | str, "str | None"),
        (typing.Optional[int | Unset], "int | None | Unset"),  # noqa: UP045
        (dict[str, Any], "dict[str, Any]"),
        (list[int | None], "list[int | None]"),
        (type(None), "None"),
    ],
)
def test_annotations_are_spelled_the_same_whatever_their_form(
    annotation: object, spelled: str
) -> None:
    assert type_repr(annotation) == spelled


def test_split_union_keeps_nested_unions_whole() -> None:
    assert split_union("list[int | None] | Unset") == {"list[int | None]", "Unset"}


def field(name: str, type_: str, required: bool = True) -> Field:
    return Field(name, name, type_, required)


def snapshot(**kwargs: Any) -> Snapshot:
    snap = Snapshot(**kwargs)
    snap.modules |= {name.rsplit(".", 1)[0] for name in snap.functions} | set(snap.operations)
    return snap


def ids(old: Snapshot, new: Snapshot) -> list[tuple[str, str, str]]:
    return [
        (change.finding.level.name, change.finding.id, change.finding.location)
        for change in compare(old, new, [], {}, {})
    ]


def test_a_member_added_to_a_closed_enum_warns_and_a_removed_one_breaks() -> None:
    old = snapshot(enums={STATUS: Enum({"READY": "ready", "GONE": "gone"}, closed=True)})
    new = snapshot(enums={STATUS: Enum({"READY": "ready", "FAILED": "failed"}, closed=True)})

    assert ids(old, new) == [
        ("ERR", "python-enum-member-removed", f"{STATUS}.GONE"),
        ("WARN", "python-enum-member-added", f"{STATUS}.FAILED"),
    ]


def test_a_model_with_the_same_fields_under_a_new_name_is_renamed() -> None:
    fields = (field("id", "int"), field("title", "str"))
    route = {GET_SONG: ("GET", "/songs/{id}")}
    old = snapshot(
        models={SONG: fields},
        operations=route,
        functions={f"{GET_SONG}.sync": sync(returns="Error | Song | None")},
    )
    new = snapshot(
        models={f"{MODELS}.track.Track": fields},
        operations=route,
        functions={f"{GET_SONG}.sync": sync(returns="Error | Track | None")},
    )

    # reported once: the return annotation that names it is not "retyped"
    assert ids(old, new) == [("ERR", "python-model-renamed", SONG)]


def test_field_levels_follow_the_direction_the_client_uses_the_model_in() -> None:
    old = snapshot(
        models={SONG: (field("id", "int"),), SONG_CREATE: (field("title", "str"),)},
        sent={SONG_CREATE},
        received={SONG},
    )
    new = snapshot(
        models={
            SONG: (field("id", "int"), field("mood", "str")),
            SONG_CREATE: (field("title", "str"), field("mood", "str")),
        },
        sent={SONG_CREATE},
        received={SONG},
    )

    # a received model only breaks callers that build one by hand; a sent one breaks them all
    assert ids(old, new) == [
        ("WARN", "python-model-required-field-added", f"{SONG}.mood"),
        ("ERR", "python-model-required-field-added", f"{SONG_CREATE}.mood"),
    ]


def test_a_field_made_optional_breaks_readers_of_a_received_model() -> None:
    old = snapshot(models={SONG: (field("mp3_url", "str"),)}, received={SONG})
    new = snapshot(
        models={SONG: (field("mp3_url", "str | Unset", required=False),)}, received={SONG}
    )

    [change] = compare(old, new, [], {}, {})

    assert (change.finding.level.name, change.finding.id) == (
        "ERR",
        "python-model-field-became-optional",
    )
    assert "UNSET" in change.finding.message


def sync(*params: Param, returns: str = "Song | None") -> Function:
    return Function(params, returns)


def test_parameter_types_and_optionality_griffe_does_not_check() -> None:
    route = {GET_SONG: ("GET", "/songs/{id}")}
    client = Param("client", "KEYWORD_ONLY", True, "AuthenticatedClient | Client")
    old = snapshot(
        operations=route,
        functions={
            f"{GET_SONG}.sync": sync(
                Param("id", "POSITIONAL_OR_KEYWORD", True, "int"),
                client,
                Param("verbose", "KEYWORD_ONLY", True, "bool"),
            )
        },
    )
    new = snapshot(
        operations=route,
        functions={
            f"{GET_SONG}.sync": sync(
                Param("id", "POSITIONAL_OR_KEYWORD", True, "str"),
                client,
                Param("verbose", "KEYWORD_ONLY", False, "bool | Unset"),
                Param("fields", "KEYWORD_ONLY", False, "list[str] | Unset"),
            )
        },
    )

    assert ids(old, new) == [
        ("INFO", "python-parameter-added", f"{GET_SONG}.sync.fields"),
        ("INFO", "python-parameter-became-optional", f"{GET_SONG}.sync.verbose"),
        ("ERR", "python-parameter-retyped", f"{GET_SONG}.sync.id"),
    ]


def test_a_moved_operation_reports_its_other_signature_changes_once() -> None:
    funcs = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")
    client = Param("client", "KEYWORD_ONLY", True, "Client")
    limit = Param("limit", "KEYWORD_ONLY", True, "int")
    shown = "imuze_client.api.music.list_tracks"
    old = snapshot(
        operations={LIST_SONGS: ("GET", "/songs")},
        functions={f"{LIST_SONGS}.{f}": sync(client) for f in funcs},
    )
    new = snapshot(
        operations={shown: ("GET", "/songs")},
        functions={f"{shown}.{f}": sync(client, limit) for f in funcs},
    )

    # griffe cannot pair a moved module: the snapshot sees the new required parameter
    assert ids(old, new) == [
        ("ERR", "python-operation-renamed", LIST_SONGS),
        ("ERR", "python-parameter-added-required", f"{LIST_SONGS}.limit"),
    ]


def write_package(root: Path, source: str) -> None:
    module = root / "imuze_client" / "api" / "songs"
    module.mkdir(parents=True)
    for folder in (root / "imuze_client", root / "imuze_client" / "api", module):
        (folder / "__init__.py").write_text("")
    (module / "list_songs.py").write_text(textwrap.dedent(source))


def test_griffe_breakages_become_one_finding_per_operation(tmp_path: Path) -> None:
    funcs = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")
    old_src = "".join(f"def {name}(*, client: object) -> None: ...\n" for name in funcs)
    new_src = "".join(f"def {name}(*, client: object, limit: int) -> None: ...\n" for name in funcs)
    write_package(tmp_path / "old", old_src)
    write_package(tmp_path / "new", new_src)
    old_api = griffe.load("imuze_client", search_paths=[tmp_path / "old"], allow_inspection=False)
    new_api = griffe.load("imuze_client", search_paths=[tmp_path / "new"], allow_inspection=False)
    route = {LIST_SONGS: ("GET", "/songs")}
    client = Param("client", "KEYWORD_ONLY", True, "object")
    limit = Param("limit", "KEYWORD_ONLY", True, "int")
    old = snapshot(operations=route, functions={f"{LIST_SONGS}.{f}": sync(client) for f in funcs})
    new = snapshot(
        operations=route, functions={f"{LIST_SONGS}.{f}": sync(client, limit) for f in funcs}
    )

    changes = compare(
        old,
        new,
        griffe.find_breaking_changes(old_api, new_api),
        {LIST_SONGS: "listSongs"},
        {LIST_SONGS: "listSongs"},
    )

    [change] = changes
    assert (change.finding.level.name, change.finding.id, change.finding.location) == (
        "ERR",
        "python-parameter-added-required",
        f"{LIST_SONGS}.limit",
    )
    assert change.finding.operation == "listSongs"
    assert change.keys == tuple(f"{LIST_SONGS}.{f}()" for f in funcs)


USER_CODE = """
import imuze_client.api.songs.get_song as gs
from imuze_client.models import Song, SongCreate
from elsewhere import get_song

NOTE = "imuze_client.models.Song.mp3_url is only text here"
SongRef = int | Song


def url(song: SongRef) -> str | None:
    return song.mp3_url


def untyped(thing) -> None:
    thing.mp3_url
    get_song.sync(1)


def build() -> SongCreate:
    return SongCreate(
        "A title",
        tags=[],
    )


made = build()
made.tags
gs.sync_detailed(5, client=None)
"""


def test_the_scan_resolves_imports_and_declared_types_only(tmp_path: Path) -> None:
    package = tmp_path / "imuze_ext"
    package.mkdir()
    (package / "user.py").write_text(USER_CODE)
    snap = snapshot(
        models={
            SONG: (field("mp3_url", "str | None"),),
            SONG_CREATE: (field("title", "str"), field("tags", "list[str]")),
        },
        functions={
            f"{GET_SONG}.sync_detailed": sync(
                Param("id", "POSITIONAL_OR_KEYWORD", True, "int"),
                Param("client", "KEYWORD_ONLY", True, "Client"),
            )
        },
        aliases={f"{MODELS}.Song": SONG, f"{MODELS}.SongCreate": SONG_CREATE},
    )

    uses = scan(snap, [package])

    at = "imuze_ext/user.py:"
    assert uses.places == {
        GET_SONG: {at + "2"},
        f"{GET_SONG}.sync_detailed": {at + "28"},
        f"{GET_SONG}.sync_detailed()": {at + "28"},
        f"{GET_SONG}.sync_detailed(*)": {at + "28"},
        f"{GET_SONG}.sync_detailed.id": {at + "28"},
        f"{GET_SONG}.sync_detailed.client": {at + "28"},
        SONG: {at + "3", at + "7"},
        f"{SONG}.mp3_url": {at + "11"},
        SONG_CREATE: {at + "3", at + "19", at + "20"},
        f"{SONG_CREATE}()": {at + "20"},
        f"{SONG_CREATE}(*)": {at + "20"},
        f"{SONG_CREATE}.title": {at + "21"},
        f"{SONG_CREATE}.tags": {at + "22", at + "27"},
    }
    # a removed module reaches every use under it; a call key only calls
    assert uses.of([GET_SONG]) == (at + "2", at + "28")
    assert uses.of([f"{SONG_CREATE}()"]) == (at + "20",)


def test_an_unreadable_spec_is_one_readable_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(GenerationError, match=r"^cannot read .*missing\.yaml: "):
        python_findings(missing, missing)


def test_the_python_verdict_generates_exactly_what_make_generate_wrote(tmp_path: Path) -> None:
    """Same generator, config and templates as the Makefile: otherwise the Python verdict
    would diff a package we do not ship (e.g. models with item access)."""
    import filecmp

    from imuze_spec._generation import generate_clients

    root = Path(__file__).resolve().parents[2]
    [out] = generate_clients([root / "spec" / "openapi.yaml"], [tmp_path])
    shipped = root / "generated" / "imuze_client"

    def differences(cmp: filecmp.dircmp[str]) -> list[str]:
        found = [*cmp.left_only, *cmp.right_only, *cmp.diff_files]
        for sub in cmp.subdirs.values():
            found += differences(sub)
        return [name for name in found if name != "__pycache__"]

    assert differences(filecmp.dircmp(shipped, out, ignore=["__pycache__"])) == []
