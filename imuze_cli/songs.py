"""`imuze songs create|list|show|wait|download`: one step of the workflow each."""

from __future__ import annotations

from pathlib import Path

import typer

from . import output
from .options import (
    ArrangementOption,
    JsonOption,
    LengthOption,
    OutOption,
    TagOption,
    TimeoutOption,
    TitleOption,
)
from .session import client

songs_app: typer.Typer = typer.Typer(
    help="Create, list, show, wait for and download songs.", no_args_is_help=True
)


@songs_app.command("list")
def songs_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List your songs and their status."""
    with client(ctx) as api:
        output.print_songs(api.songs.list(), as_json)


@songs_app.command("show")
def songs_show(ctx: typer.Context, id: int, as_json: JsonOption = False) -> None:
    """Show one song."""
    with client(ctx) as api:
        output.print_song(api.songs.get(id), as_json)


@songs_app.command("create")
def songs_create(
    ctx: typer.Context,
    title: TitleOption,
    length: LengthOption = 30,
    arrangement_id: ArrangementOption = None,
    tag: TagOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a song; it starts processing (see `songs wait`)."""
    with client(ctx) as api:
        created = api.songs.create(
            title=title, desired_length=length, arrangement_id=arrangement_id, tags=tag or ()
        )
        output.print_created(created, as_json)


@songs_app.command("wait")
def songs_wait(
    ctx: typer.Context, id: int, timeout: TimeoutOption = 300.0, as_json: JsonOption = False
) -> None:
    """Wait until a song is ready."""
    with client(ctx) as api:
        with output.spinner(f"Waiting for song {id}", enabled=not as_json):
            song = api.songs.wait(id, timeout=timeout)
        output.print_song(song, as_json)


@songs_app.command("download")
def songs_download(
    ctx: typer.Context, id: int, out_path: OutOption = Path("out"), as_json: JsonOption = False
) -> None:
    """Download a ready song's mp3."""
    with client(ctx) as api:
        output.prepare_folder(out_path)
        with output.progress_bar(enabled=not as_json) as progress:
            path = api.songs.download(id, out_path, progress=progress)
        output.print_saved(path, None, as_json)
