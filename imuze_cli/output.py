"""What the `imuze` commands print: tables and fields on stdout, progress on stderr, or JSON.

Server text is escaped before rich sees it: a "[" in a title prints as is, never as markup.
No URL is printed with its credentials: a presigned signature or user info is the marker
of imuze_ext.redaction, in JSON and in fields alike.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import mutagen.mp3
import rich.progress
import typer
from imuze_client.models import Arrangement, ArrangementList, Song, SongCreated, SongList
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from imuze_ext.redaction import redact_url, redact_urls

out: Console = Console(highlight=False)
err: Console = Console(stderr=True, highlight=False)


def emit_json(data: Any) -> None:
    """Print `data` as indented JSON on stdout, its URLs without credentials."""
    typer.echo(json.dumps(redact_urls(data), indent=2, sort_keys=True))


def _table(*columns: str) -> Table:
    table = Table(show_edge=False, header_style="bold")
    for column in columns:
        table.add_column(column)
    return table


@contextlib.contextmanager
def spinner(message: str, *, enabled: bool) -> Iterator[None]:
    """A spinner on stderr while the block runs, then `message: ready`."""
    if not enabled:
        yield
        return
    with err.status(message, spinner="dots"):
        yield
    err.print(f"{message}: ready", markup=False)


@contextlib.contextmanager
def progress_bar(*, enabled: bool) -> Iterator[Any]:
    """A download bar on stderr; yields the callback for `download(progress=...)`.

    The bar is drawn on the first bytes only: a song that cannot be downloaded (missing,
    not ready) gets its error line alone.
    """
    if not enabled:
        yield None
        return
    columns = (
        rich.progress.TextColumn("Downloading"),
        rich.progress.BarColumn(),
        rich.progress.DownloadColumn(),
        rich.progress.TransferSpeedColumn(),
    )
    bar = rich.progress.Progress(*columns, console=err, transient=False)
    task: rich.progress.TaskID | None = None

    def advance(received: int, total: int | None) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("download", total=total)
        bar.update(task, completed=received, total=total)

    try:
        yield advance
    finally:
        if task is not None:
            bar.stop()


def mp3_duration(path: Path) -> float | None:
    """The mp3's duration in seconds (mutagen), or None if it cannot be read."""
    try:
        audio: Any = mutagen.mp3.MP3(path)  # type: ignore[no-untyped-call]
        length = audio.info.length
    except Exception:
        return None
    return float(length)


def print_saved(path: Path, song: Song | None, as_json: bool) -> None:
    """`Saved out/1.mp3 (30.1 s, 123,456 bytes)`, or the same as JSON."""
    duration = mp3_duration(path)
    size = path.stat().st_size
    if as_json:
        data: dict[str, Any] = {"path": str(path), "bytes": size, "duration": duration}
        if song is not None:
            data["song"] = song.to_dict()
        emit_json(data)
        return
    length = f"{duration:.1f} s" if duration is not None else "unknown duration"
    # One unwrapped line, markup off: a script may parse the path, and a path may hold "[".
    out.print(f"Saved {path} ({length}, {size:,} bytes)", soft_wrap=True, markup=False)


def _print_table(
    listed: ArrangementList | SongList, empty: str, rows: Table, as_json: bool
) -> None:
    """A listed page as JSON, or its table, or `empty` when it lists nothing."""
    if as_json:
        emit_json(listed.to_dict())
    elif not listed.response:
        out.print(empty)
    else:
        out.print(rows)


def print_arrangements(listed: ArrangementList, as_json: bool) -> None:
    """The arrangements as a table."""
    table = _table("id", "name")
    for item in listed.response:
        table.add_row(str(item.id), escape(item.name))
    _print_table(listed, "No arrangements.", table, as_json)


def print_arrangement(item: Arrangement, as_json: bool) -> None:
    """One arrangement's fields."""
    if as_json:
        emit_json(item.to_dict())
        return
    out.print(f"[bold]Arrangement {item.id}[/bold]: {escape(item.description)}", soft_wrap=True)
    out.print(f"  genres: {', '.join(item.genre_list) or '-'}", soft_wrap=True, markup=False)
    out.print(f"  image:  {redact_url(item.image_url or '-')}", soft_wrap=True, markup=False)


def print_songs(listed: SongList, as_json: bool) -> None:
    """The songs as a table."""
    table = _table("id", "title", "status", "arrangement")
    for song in listed.response:
        row = (song.title, str(song.status), song.arrangement_name)
        table.add_row(str(song.id), *map(escape, row))
    _print_table(listed, "No songs yet: create one with `imuze compose`.", table, as_json)


def print_song(song: Song, as_json: bool) -> None:
    """One song's fields."""
    if as_json:
        emit_json(song.to_dict())
        return
    _print_song_fields(
        song.id,
        song.title,
        str(song.status),
        song.arrangement_name,
        song.mp3_url,
        song.timeline_url,
    )


def print_created(song: SongCreated, arrangement: str, as_json: bool) -> None:
    """A created song's fields, as `songs show` prints them (it is processing).

    `arrangement` is the arrangement's name (or `arrangement N` when it could not be read).
    """
    if as_json:
        emit_json(song.to_dict())
        return
    _print_song_fields(song.id, song.title, "processing", arrangement, song.mp3, song.timeline_url)


def _print_song_fields(
    song_id: int, title: str, status: str, arrangement: str, mp3: str | None, timeline: str
) -> None:
    """`songs create`, `show` and `wait`: the same fields, the same way. The media answer 404
    until the song is ready, so their URLs are printed only then."""
    ready = status == "ready"
    pending = f"- (served once ready: 'imuze songs wait {song_id}')"
    _print_fields(
        f"Song {song_id}: {title}",
        [
            ("status", status),
            ("arrangement", arrangement),
            ("mp3", (mp3 or "-") if ready else pending),
            ("timeline", timeline if ready else pending),
        ],
    )


def _print_fields(heading: str, fields: Sequence[tuple[str, str]]) -> None:
    out.print(f"[bold]{escape(heading)}[/bold]", soft_wrap=True)
    for name, value in fields:
        out.print(f"  {name + ':':<13}{redact_url(value)}", soft_wrap=True, markup=False)
