"""`imuze songs create|list|show|wait|download`: one step of the workflow each.

Each command loads the client and the printing when it runs (see app.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .listing import resource_app
from .options import (
    ArrangementOption,
    JsonOption,
    LengthOption,
    OutOption,
    OverwriteOption,
    TagOption,
    TimeoutOption,
    TitleOption,
    with_global_options,
)

if TYPE_CHECKING:
    from imuze_ext.client import Imuze

songs_app: typer.Typer = resource_app(
    "songs",
    help="Create, list, show, wait for and download songs.",
    list_help="List your songs and their status.",
    show_help="Show one song.",
)


@songs_app.command("create")
@with_global_options
def songs_create(
    ctx: typer.Context,
    title: TitleOption,
    length: LengthOption = 30,
    arrangement_id: ArrangementOption = None,
    tag: TagOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a song; it starts processing (see `songs wait`)."""
    from . import output
    from .session import client

    with client(ctx) as api:
        created = api.songs.create(
            title=title, desired_length=length, arrangement_id=arrangement_id, tags=tag or ()
        )
        name = "" if as_json else arrangement_name(api, created.arrangement_id)
        output.print_created(created, name, as_json)


def arrangement_name(api: Imuze, arrangement_id: int | None) -> str:
    """The arrangement's name, as `songs show` prints it. The song exists by now: a failed
    look-up prints the id rather than failing the command (a retry would duplicate it)."""
    from imuze_ext.errors import ImuzeError

    if arrangement_id is None:
        return "-"
    try:  # only the list names them (getArrangement answers a description)
        listed = api.arrangements.list().response
    except ImuzeError:
        listed = []
    names = {item.id: item.name for item in listed}
    return names.get(arrangement_id, f"arrangement {arrangement_id}")


@songs_app.command("wait")
@with_global_options
def songs_wait(
    ctx: typer.Context,
    id: int,
    timeout: TimeoutOption = 300.0,
    as_json: JsonOption = False,
) -> None:
    """Wait until a song is ready."""
    from . import output
    from .session import client

    with client(ctx) as api:
        with output.spinner(f"Waiting for song {id}", enabled=not as_json):
            song = api.songs.wait(id, timeout=timeout)
        output.print_song(song, as_json)


@songs_app.command("download")
@with_global_options
def songs_download(
    ctx: typer.Context,
    id: int,
    out_path: OutOption = Path("out"),
    overwrite: OverwriteOption = False,
    as_json: JsonOption = False,
) -> None:
    """Download a ready song's mp3."""
    from . import output
    from .session import client

    with client(ctx) as api:
        with output.progress_bar(enabled=not as_json) as progress:
            path = api.songs.download(id, out_path, progress=progress, overwrite=overwrite)
        output.print_saved(path, None, as_json)
