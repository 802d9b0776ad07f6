"""`imuze play` and `imuze compose --play`: listen to a song (the `play` extra).

A song id is downloaded once to the per-user cache (see song_cache), then played; a
file is played as is. The checks that need nothing from the network run first: the
extra is installed, the target makes sense, there is an audio device to play on.
What the command needs (the client, the audio backends) loads when it runs (see app.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .options import BaseUrlOption, JsonOption

if TYPE_CHECKING:
    from rich.console import Console

    from .playback import Tick

_SONG_ID = re.compile(r"[0-9]+")


def play_song(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(metavar="ID|FILE", help="A song id, or an audio file to play.")
    ],
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Play a song: by id (downloaded once to your cache) or from a file (the play extra)."""
    from . import output, session

    song = parse_target(target)
    check_player()
    if isinstance(song, Path):
        path, label = song, song.name
    else:
        path, label = cached_song(session.base_url(ctx), song), f"song {song}"
        if not path.is_file():
            with session.client(ctx) as api, output.progress_bar(enabled=not as_json) as progress:
                api.songs.download(song, path, progress=progress)
    played = play_file(path, label, console=output.err, progress=not as_json)
    if as_json:
        emit_played(path, played)


def parse_target(target: str) -> int | Path:
    """A song id (only digits) or an existing audio file; a usage error otherwise."""
    from .errors import UsageProblem

    if _SONG_ID.fullmatch(target):
        return int(target)
    path = Path(target).expanduser()
    if not path.is_file():
        raise UsageProblem(
            f"{target!r} is neither a song id nor an audio file", hint="see 'imuze play --help'"
        )
    return path


def check_player() -> None:
    """Fail before any download: the `play` extra is missing (exit 2), or no device (exit 1)."""
    from imuze_ext import _logging
    from imuze_ext._extras import requires_extra

    from . import playback

    _logging.configure_from_env()  # IMUZE_LOG=debug shows what the audio backends said
    with requires_extra("play", "playback", playback.PLAY_PACKAGES):
        playback.load()
    playback.open_device().close()


def cached_song(base_url: str, song_id: int) -> Path:
    """Where song `song_id` of this API is (or will be) cached."""
    from . import song_cache

    return song_cache.song_path(base_url, song_id)


def play_file(path: Path, label: str, *, console: Console, progress: bool) -> float:
    """Play `path`, with a progress bar on `console` when `progress`; return seconds played.

    Ctrl-C stops the sound and raises Interrupted ("stopped at 0:12 / 0:30", exit 130).
    """
    import rich.progress
    from rich.markup import escape

    from . import playback

    duration = playback.probe(path).duration
    if not progress:
        return _play_or_stop(path, duration, on_tick=None)
    columns = (
        rich.progress.TextColumn("Playing {task.description}"),
        rich.progress.BarColumn(),
        rich.progress.TextColumn("{task.fields[clock]}"),
    )
    with rich.progress.Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(escape(label), total=duration, clock=_clock(0, duration))

        def tick(position: float) -> None:
            position = min(position, duration)
            bar.update(task, completed=position, clock=_clock(position, duration))

        return _play_or_stop(path, duration, on_tick=tick)


def _play_or_stop(path: Path, duration: float, *, on_tick: Tick | None) -> float:
    from . import playback
    from .errors import Interrupted

    played = 0.0

    def tick(position: float) -> None:
        nonlocal played
        played = position
        if on_tick is not None:
            on_tick(position)

    try:
        return playback.play(path, on_tick=tick)
    except KeyboardInterrupt:
        raise Interrupted(f"stopped at {_clock(played, duration)}") from None


def emit_played(path: Path, played: float) -> None:
    """`imuze play --json`'s answer."""
    from . import playback

    duration = playback.probe(path).duration
    data = {"path": str(path), "duration": round(duration, 3), "played": round(played, 3)}
    typer.echo(json.dumps(data, indent=2, sort_keys=True))


def _clock(position: float, duration: float) -> str:
    return f"{_mmss(position)} / {_mmss(duration)}"


def _mmss(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
