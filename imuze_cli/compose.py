"""`imuze compose`: the whole workflow in one command (create, wait, download, play).

The command loads the client and the printing when it runs (see app.py).
"""

from __future__ import annotations

from pathlib import Path

import typer

from .options import (
    ArrangementOption,
    BaseUrlOption,
    JsonOption,
    LengthOption,
    OutOption,
    OverwriteOption,
    PlayOption,
    TagOption,
    TimeoutOption,
    TitleOption,
)


def compose(
    ctx: typer.Context,
    title: TitleOption,
    length: LengthOption = 30,
    arrangement_id: ArrangementOption = None,
    tag: TagOption = None,
    out_path: OutOption = Path("out"),
    overwrite: OverwriteOption = False,
    timeout: TimeoutOption = 300.0,
    play: PlayOption = False,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Create a song, wait until it is ready, download its mp3: the whole workflow."""
    from imuze_ext._download import check_dest
    from imuze_ext.resources.songs import compose_end, time_left

    from . import output
    from .play import check_player, play_file
    from .session import client

    if play:
        check_player()
    with client(ctx) as api:
        check_dest(out_path, overwrite=overwrite)  # a taken destination: before the song is made
        end = compose_end(timeout)  # --timeout bounds the whole command, as compose() does
        created = api.with_options(deadline=time_left(end)).songs.create(
            title=title, desired_length=length, arrangement_id=arrangement_id, tags=tag or ()
        )
        message = f"Rendering “{created.title}” (song {created.id})"
        with output.spinner(message, enabled=not as_json):
            song = api.songs.wait(created, timeout=time_left(end))
        with output.progress_bar(enabled=not as_json) as progress:
            path = api.songs.download(
                song, out_path, progress=progress, overwrite=overwrite, deadline=time_left(end)
            )
        output.print_saved(path, song, as_json)
    if play:
        play_file(path, f"“{song.title}”", console=output.err, progress=not as_json)
