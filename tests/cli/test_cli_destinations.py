"""One destination rule for the library and the CLI: an existing folder, the file goes
inside; a path ending in `.mp3`, the file itself; anything else, a folder to create. An
existing file is replaced (atomically) only with overwrite=True / --overwrite."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import logged_in_env
from typer.testing import CliRunner

from imuze_cli.app import app
from imuze_ext import AsyncImuze, DestinationExistsError, Imuze
from imuze_ext._download import song_filename
from imuze_mock import MockServer

OLD = b"my notes, not an mp3"
Setup = Callable[[Path], None]


def _folder(name: str) -> Setup:
    return lambda root: (root / name).mkdir()


def _file(name: str) -> Setup:
    def write(root: Path) -> None:
        (root / name).write_bytes(OLD)

    return write


def _nothing(_root: Path) -> None:
    return None


NAME = "{name}"
# (what is there, dest, overwrite) -> where the mp3 lands (NAME: the song's file name), or the
# error, and the old file untouched
CASES: list[tuple[Setup, str, bool, str]] = [
    (_folder("d"), "d", False, f"d/{NAME}"),
    (_folder("a.mp3"), "a.mp3", False, f"a.mp3/{NAME}"),
    (_nothing, "d/", False, f"d/{NAME}"),
    (_nothing, "song.mp3", False, "song.mp3"),
    (_nothing, "Song.MP3", False, "Song.MP3"),
    (_nothing, "out", False, f"out/{NAME}"),
    (_nothing, "my.song", False, f"my.song/{NAME}"),
    (_nothing, "deep/er/x.mp3", False, "deep/er/x.mp3"),
    (_file("notes"), "notes", False, "DestinationExistsError"),
    (_file("notes"), "notes", True, "DestinationExistsError"),
    (_file("notes"), "notes/x.mp3", False, "DestinationExistsError"),
    (_file("keep.mp3"), "keep.mp3", False, "DestinationExistsError"),
    (_file("keep.mp3"), "keep.mp3", True, "keep.mp3"),
]


def _library(server: MockServer, song_id: int, dest: Path, overwrite: bool) -> str:
    try:
        with Imuze(
            base_url=server.base_url, email=server.demo.email, password=server.demo.password
        ) as api:
            return str(api.songs.download(song_id, dest, overwrite=overwrite))
    except DestinationExistsError as exc:
        return type(exc).__name__


def _async_library(server: MockServer, song_id: int, dest: Path, overwrite: bool) -> str:
    async def go() -> str:
        async with AsyncImuze(
            base_url=server.base_url, email=server.demo.email, password=server.demo.password
        ) as api:
            return str(await api.songs.download(song_id, dest, overwrite=overwrite))

    try:
        return asyncio.run(go())
    except DestinationExistsError as exc:
        return type(exc).__name__


def _cli(server: MockServer, song_id: int, dest: Path, overwrite: bool) -> str:
    args = ["songs", "download", str(song_id), "--out", str(dest), "--json"]
    result = CliRunner(env=logged_in_env(server)).invoke(app, args + ["--overwrite"] * overwrite)
    if result.exit_code == 2 and "DestinationExistsError" in result.stderr:
        return "DestinationExistsError"
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["path"])


FACES = {"sync": _library, "async": _async_library, "cli": _cli}


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize(("setup", "dest", "overwrite", "lands"), CASES)
def test_one_destination_rule(
    face: str,
    setup: Setup,
    dest: str,
    overwrite: bool,
    lands: str,
    tmp_path: Path,
    imuze_mock_server: MockServer,
) -> None:
    with Imuze(
        base_url=imuze_mock_server.base_url,
        email=imuze_mock_server.demo.email,
        password=imuze_mock_server.demo.password,
    ) as api:
        song = api.songs.wait(api.songs.create(title="Abcd", desired_length=5), timeout=30)
    setup(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    got = FACES[face](imuze_mock_server, song.id, tmp_path / dest, overwrite)
    expected = lands.replace(NAME, song_filename(song.id, song.title))
    if expected == "DestinationExistsError":
        assert got == expected
        assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
        return
    assert Path(got) == tmp_path / expected
    assert Path(got).read_bytes() != OLD and Path(got).stat().st_size > 0
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".part")]
    assert not leftovers


def _song_count(server: MockServer) -> int:
    with Imuze(
        base_url=server.base_url, email=server.demo.email, password=server.demo.password
    ) as api:
        return api.songs.list().count


@pytest.mark.parametrize("dest", ["notes", "keep.mp3"])
def test_compose_refuses_a_taken_destination_before_it_makes_a_song(
    dest: str, tmp_path: Path, imuze_mock_server: MockServer
) -> None:
    (tmp_path / dest).write_bytes(OLD)
    before = _song_count(imuze_mock_server)
    with (
        Imuze(
            base_url=imuze_mock_server.base_url,
            email=imuze_mock_server.demo.email,
            password=imuze_mock_server.demo.password,
        ) as api,
        pytest.raises(DestinationExistsError),
    ):
        api.songs.compose(title="Abcd", desired_length=5, dest=tmp_path / dest)
    args = ["compose", "--title", "Abcd", "--length", "5", "--out", str(tmp_path / dest)]
    result = CliRunner(env=logged_in_env(imuze_mock_server)).invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "hint: pass " in result.output and "--out" in result.output
    assert _song_count(imuze_mock_server) == before
    assert (tmp_path / dest).read_bytes() == OLD
