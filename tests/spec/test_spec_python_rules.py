"""One case per Python rule, on snapshots built by hand (no generation): each rule of the
table fires on the change it describes. griffe's rules run griffe on two tiny packages."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import griffe
import pytest

from imuze_spec._compare import compare
from imuze_spec._snapshot import Enum, Field, Function, Param, Snapshot

GET_SONG = "imuze_client.api.songs.get_song"
ROUTE = {GET_SONG: ("GET", "/songs/{id}")}
SONG = "imuze_client.models.song.Song"
TRACK = "imuze_client.models.track.Track"
STATUS = "imuze_client.models.song_status.SongStatus"
CLIENT = Param("client", "KEYWORD_ONLY", True, "Client")


def snap(**kwargs: Any) -> Snapshot:
    found = Snapshot(**kwargs)
    found.modules |= {name.rsplit(".", 1)[0] for name in found.functions} | set(found.operations)
    return found


def sync(*params: Param, returns: str = "Song | None") -> dict[str, Function]:
    return {f"{GET_SONG}.sync": Function((CLIENT, *params), returns)}


def field(name: str, type_: str = "str", required: bool = True) -> Field:
    return Field(name, name, type_, required, name)


ID = Param("id", "POSITIONAL_OR_KEYWORD", True, "int")
CASES: list[tuple[str, Snapshot, Snapshot]] = [
    ("python-operation-removed", snap(operations=ROUTE, functions=sync()), snap()),
    (
        "python-function-removed",
        snap(
            modules={"imuze_client.types"},
            functions={"imuze_client.types.helper": Function((), "")},
        ),
        snap(modules={"imuze_client.types"}),
    ),
    (
        "python-function-added",
        snap(modules={"imuze_client.types"}),
        snap(
            modules={"imuze_client.types"},
            functions={"imuze_client.types.helper": Function((), "")},
        ),
    ),
    ("python-module-removed", snap(modules={"imuze_client.extras"}), snap()),
    ("python-module-added", snap(), snap(modules={"imuze_client.extras"})),
    (
        "python-parameter-type-widened",
        snap(operations=ROUTE, functions=sync(ID)),
        snap(
            operations=ROUTE,
            functions=sync(Param("id", "POSITIONAL_OR_KEYWORD", True, "int | str")),
        ),
    ),
    (
        "python-return-retyped",
        snap(operations=ROUTE, functions=sync(returns="Song | None")),
        snap(operations=ROUTE, functions=sync(returns="bytes | None")),
    ),
    (
        "python-return-narrowed",
        snap(operations=ROUTE, functions=sync(returns="Error | Song | None")),
        snap(operations=ROUTE, functions=sync(returns="Song | None")),
    ),
    (
        "python-model-removed",
        snap(models={SONG: (field("id"),)}),
        snap(models={TRACK: (field("n"),)}),
    ),
    (
        "python-model-added",
        snap(models={SONG: (field("id"),)}),
        snap(models={SONG: (field("id"),), TRACK: ()}),
    ),
    (
        "python-model-field-became-required",
        snap(models={SONG: (field("id", "str | Unset", False),)}, sent={SONG}),
        snap(models={SONG: (field("id"),)}, sent={SONG}),
    ),
    (
        "python-model-field-added",
        snap(models={SONG: (field("id"),)}),
        snap(models={SONG: (field("id"), field("mood", "str | Unset", False))}),
    ),
    (
        "python-enum-removed",
        snap(enums={STATUS: Enum({"READY": "ready"}, closed=False)}),
        snap(),
    ),
    (
        "python-enum-added",
        snap(),
        snap(enums={STATUS: Enum({"READY": "ready"}, closed=False)}),
    ),
    (
        "python-enum-renamed",
        snap(enums={STATUS: Enum({"READY": "ready"}, closed=False)}),
        snap(enums={"imuze_client.models.state.State": Enum({"READY": "ready"}, closed=False)}),
    ),
    (
        "python-enum-member-value-changed",
        snap(enums={STATUS: Enum({"READY": "ready"}, closed=False)}),
        snap(enums={STATUS: Enum({"READY": "done"}, closed=False)}),
    ),
    ("python-class-removed", snap(classes={"imuze_client.client.Client"}), snap()),
    ("python-class-added", snap(), snap(classes={"imuze_client.client.Client"})),
]


@pytest.mark.parametrize(("rule", "old", "new"), CASES, ids=[case[0] for case in CASES])
def test_each_rule_fires_on_its_change(rule: str, old: Snapshot, new: Snapshot) -> None:
    found = [change.finding.id for change in compare(old, new, [], {}, {})]
    assert rule in found, found


GRIFFE = [
    ("python-parameter-removed", "def sync(*, client, page): ...", "def sync(*, client): ..."),
    (
        "python-parameter-became-required",
        "def sync(*, client, page=1): ...",
        "def sync(*, client, page): ...",
    ),
    ("python-parameter-moved", "def sync(a, b, *, client): ...", "def sync(b, a, *, client): ..."),
    (
        "python-parameter-changed-kind",
        "def sync(page, *, client): ...",
        "def sync(*, client, page): ...",
    ),
    (
        "python-parameter-default-changed",
        "def sync(*, client, page=1): ...",
        "def sync(*, client, page=2): ...",
    ),
]


def _package(root: Path, source: str) -> griffe.Module:
    module = root / "imuze_client" / "api" / "songs"
    module.mkdir(parents=True)
    for folder in (root / "imuze_client", root / "imuze_client" / "api", module):
        (folder / "__init__.py").write_text("", encoding="utf-8")
    (module / "get_song.py").write_text(textwrap.dedent(source) + "\n", encoding="utf-8")
    loaded = griffe.load("imuze_client", search_paths=[root], allow_inspection=False)
    assert isinstance(loaded, griffe.Module)
    return loaded


@pytest.mark.parametrize(("rule", "before", "after"), GRIFFE, ids=[case[0] for case in GRIFFE])
def test_griffe_rules_fire_on_their_change(
    tmp_path: Path, rule: str, before: str, after: str
) -> None:
    breakages = griffe.find_breaking_changes(
        _package(tmp_path / "old", before), _package(tmp_path / "new", after)
    )
    same = snap(operations=ROUTE, functions=sync())
    found = [c.finding.id for c in compare(same, same, breakages, {}, {})]
    assert rule in found, found
