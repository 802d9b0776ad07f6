"""`imuze`: the command line over imuze_ext (typer + rich).

Credentials come from the environment (IMUZE_API_KEY, or IMUZE_EMAIL and IMUZE_PASSWORD),
or `--email` plus a password prompt; a password is never taken from the command line.
Exit codes: 0 success, 1 API error, 2 usage error. Errors print one line, no traceback
(usage errors add a hint line); with --json they are JSON on stderr (see cli_errors).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import mutagen.mp3
import rich.progress
import typer
from imuze_client.models import Arrangement, ArrangementList, Song, SongCreated, SongList
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from imuze_contract.cli import contract

from . import _config, cli_play
from ._version import __version__
from .cli_errors import ImuzeGroup, UsageProblem
from .cli_options import BaseUrlOption
from .client import Imuze
from .errors import ImuzeError, MissingCredentialsError

app: typer.Typer = typer.Typer(
    cls=ImuzeGroup,
    name="imuze",
    help=(
        "Generate songs with the iMuze API: list arrangements, compose, wait, download, play."
        f"\n\nCredentials: {_config.ENV_API_KEY}, or {_config.ENV_EMAIL} and "
        f"{_config.ENV_PASSWORD} (or --email and a password prompt at a terminal)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
arrangements_app: typer.Typer = typer.Typer(
    help="List and show arrangements.", no_args_is_help=True
)
songs_app: typer.Typer = typer.Typer(
    help="Create, list, show, wait for and download songs.", no_args_is_help=True
)
app.add_typer(arrangements_app, name="arrangements")
app.add_typer(songs_app, name="songs")

out: Console = Console(highlight=False)
err: Console = Console(stderr=True, highlight=False)

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
TitleOption = Annotated[
    str, typer.Option("--title", help="The song's title, its musical seed (letters and spaces).")
]
LengthOption = Annotated[int, typer.Option("--length", min=0, help="Desired length in seconds.")]
ArrangementOption = Annotated[
    int | None, typer.Option("--arrangement-id", min=0, help="Arrangement id (else tags choose).")
]
TagOption = Annotated[
    list[str] | None, typer.Option("--tag", help="A genre or mood; repeat for several.")
]
TimeoutOption = Annotated[
    float, typer.Option("--timeout", min=0.001, help="Seconds to wait for the song at most.")
]
OutOption = Annotated[Path, typer.Option("--out", help="Folder (or file) to write the mp3 to.")]
PlayOption = Annotated[
    bool, typer.Option("--play", help="Play the song when it is ready (the play extra).")
]


@dataclass
class _Options:
    base_url: str | None
    email: str | None


def _print_version(value: bool) -> None:
    if value:
        out.print(f"imuze {__version__}")
        raise typer.Exit()


@app.callback()
def _main_options(
    ctx: typer.Context,
    base_url: BaseUrlOption = None,
    email: Annotated[
        str | None,
        typer.Option(
            "--email", help="Log in as this account (default: $IMUZE_EMAIL).", show_default=False
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = _Options(base_url=base_url, email=email)


def _base_url(ctx: typer.Context) -> str:
    """The API base URL; an invalid one is a usage error (exit 2), checked before any call."""
    try:
        return _config.resolve_base_url(ctx.obj.base_url)
    except ImuzeError as exc:
        raise UsageProblem(
            str(exc), hint=f"pass --base-url or set {_config.ENV_BASE_URL} to http(s)://host/path"
        ) from None


def _client(ctx: typer.Context, *, need_login: bool = False) -> Imuze:
    """A client from the environment: the developer key, else email + password (prompted)."""
    options: _Options = ctx.obj
    base_url = _base_url(ctx)
    try:
        if not need_login and not options.email and os.environ.get(_config.ENV_API_KEY):
            return Imuze(base_url=base_url)
        email = options.email or os.environ.get(_config.ENV_EMAIL)
        if not email and need_login:
            email = _prompt_email()
        if not email:
            raise MissingCredentialsError(
                f"no credentials: set {_config.ENV_API_KEY}, or {_config.ENV_EMAIL} and "
                f"{_config.ENV_PASSWORD} (or pass --email and type the password when asked)"
            )
        password = os.environ.get(_config.ENV_PASSWORD) or _prompt_password()
        return Imuze(email=email, password=password, base_url=base_url)
    except MissingCredentialsError as exc:
        raise UsageProblem(str(exc), hint="see 'imuze --help'", kind=type(exc).__name__) from None


def _can_prompt() -> bool:
    """Ask only a person at a terminal: piped or closed stdin never gets a prompt."""
    return sys.stdin is not None and sys.stdin.isatty()


def _prompt_email() -> str:
    if not _can_prompt():
        raise MissingCredentialsError(f"no email: pass --email or set {_config.ENV_EMAIL}")
    try:
        email: str = typer.prompt("Email")
    except typer.Abort:
        raise MissingCredentialsError(
            f"no email: pass --email or set {_config.ENV_EMAIL}"
        ) from None
    return email


def _prompt_password() -> str:
    if not _can_prompt():
        raise MissingCredentialsError(
            f"no password: set {_config.ENV_PASSWORD} (stdin is not a terminal to ask on)"
        )
    try:
        password: str = typer.prompt("Password", hide_input=True)
    except typer.Abort:  # end of input: nobody to ask
        raise MissingCredentialsError(f"no password: set {_config.ENV_PASSWORD}") from None
    return password


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, sort_keys=True))


def _table(*columns: str) -> Table:
    table = Table(show_edge=False, header_style="bold")
    for column in columns:
        table.add_column(column)
    return table


@app.command()
def login(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check an email and password (prompted for when not in the environment)."""
    with _client(ctx, need_login=True) as api:
        songs = api.songs.list()
        if as_json:
            _emit_json({"base_url": api.base_url, "logged_in": True, "songs": songs.count})
        else:
            out.print(f"Logged in to {api.base_url}: {songs.count} song(s) in your account.")


@arrangements_app.command("list")
def arrangements_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the arrangements."""
    with _client(ctx) as api:
        _print_arrangements(api.arrangements.list(), as_json)


@arrangements_app.command("show")
def arrangements_show(ctx: typer.Context, id: int, as_json: JsonOption = False) -> None:
    """Show one arrangement."""
    with _client(ctx) as api:
        _print_arrangement(api.arrangements.get(id), as_json)


@songs_app.command("list")
def songs_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List your songs and their status."""
    with _client(ctx) as api:
        _print_songs(api.songs.list(), as_json)


@songs_app.command("show")
def songs_show(ctx: typer.Context, id: int, as_json: JsonOption = False) -> None:
    """Show one song."""
    with _client(ctx) as api:
        _print_song(api.songs.get(id), as_json)


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
    with _client(ctx) as api:
        created = api.songs.create(
            title=title, desired_length=length, arrangement_id=arrangement_id, tags=tag or ()
        )
        _print_created(created, as_json)


@songs_app.command("wait")
def songs_wait(
    ctx: typer.Context, id: int, timeout: TimeoutOption = 300.0, as_json: JsonOption = False
) -> None:
    """Wait until a song is ready."""
    with _client(ctx) as api:
        with _spinner(f"Waiting for song {id}", enabled=not as_json):
            song = api.songs.wait(id, timeout=timeout)
        _print_song(song, as_json)


@songs_app.command("download")
def songs_download(
    ctx: typer.Context, id: int, out_path: OutOption = Path("out"), as_json: JsonOption = False
) -> None:
    """Download a ready song's mp3."""
    with _client(ctx) as api:
        _prepare_folder(out_path)
        with _progress_bar(enabled=not as_json) as progress:
            path = api.songs.download(id, out_path, progress=progress)
        _print_saved(path, None, as_json)


@app.command()
def compose(
    ctx: typer.Context,
    title: TitleOption,
    length: LengthOption = 30,
    arrangement_id: ArrangementOption = None,
    tag: TagOption = None,
    out_path: OutOption = Path("out"),
    timeout: TimeoutOption = 300.0,
    play: PlayOption = False,
    as_json: JsonOption = False,
) -> None:
    """Create a song, wait until it is ready, download its mp3: the whole workflow."""
    if play:
        cli_play.check_player()
    with _client(ctx) as api:
        _prepare_folder(out_path)
        created = api.songs.create(
            title=title, desired_length=length, arrangement_id=arrangement_id, tags=tag or ()
        )
        with _spinner(f"Rendering “{created.title}” (song {created.id})", enabled=not as_json):
            song = api.songs.wait(created, timeout=timeout)
        with _progress_bar(enabled=not as_json) as progress:
            path = api.songs.download(song, out_path, progress=progress)
        _print_saved(path, song, as_json)
    if play:
        cli_play.play(path, f"“{song.title}”", console=err, progress=not as_json)


@app.command("play")
def play_song(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(metavar="ID|FILE", help="A song id, or an audio file to play.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Play a song: by id (downloaded once to your cache) or from a file (the play extra)."""
    song = cli_play.parse_target(target)
    cli_play.check_player()
    if isinstance(song, Path):
        path, label = song, song.name
    else:
        path, label = cli_play.cached_song(_base_url(ctx), song), f"song {song}"
        if not path.is_file():
            with _client(ctx) as api, _progress_bar(enabled=not as_json) as progress:
                api.songs.download(song, path, progress=progress)
    played = cli_play.play(path, label, console=err, progress=not as_json)
    if as_json:
        cli_play.emit_played(path, played)


def _prepare_folder(path: Path) -> None:
    """`out/`-style destinations are folders: create them so the file is named there."""
    if not path.suffix:
        path.mkdir(parents=True, exist_ok=True)


@contextlib.contextmanager
def _spinner(message: str, *, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    with err.status(message, spinner="dots"):
        yield
    err.print(f"{message}: ready", markup=False)


@contextlib.contextmanager
def _progress_bar(*, enabled: bool) -> Iterator[Any]:
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


def _print_saved(path: Path, song: Song | None, as_json: bool) -> None:
    duration = mp3_duration(path)
    size = path.stat().st_size
    if as_json:
        data: dict[str, Any] = {"path": str(path), "bytes": size, "duration": duration}
        if song is not None:
            data["song"] = song.to_dict()
        _emit_json(data)
        return
    length = f"{duration:.1f} s" if duration is not None else "unknown duration"
    # One unwrapped line, markup off: a script may parse the path, and a path may hold "[".
    out.print(f"Saved {path} ({length}, {size:,} bytes)", soft_wrap=True, markup=False)


def _print_arrangements(listed: ArrangementList, as_json: bool) -> None:
    if as_json:
        _emit_json(listed.to_dict())
        return
    if not listed.response:
        out.print("No arrangements.")
        return
    table = _table("id", "name")
    for item in listed.response:
        table.add_row(str(item.id), escape(item.name))
    out.print(table)


def _print_arrangement(item: Arrangement, as_json: bool) -> None:
    if as_json:
        _emit_json(item.to_dict())
        return
    # Server text is escaped: a "[" in it must print as is, never as rich markup.
    out.print(f"[bold]Arrangement {item.id}[/bold]: {escape(item.description)}", soft_wrap=True)
    out.print(f"  genres: {', '.join(item.genre_list) or '-'}", soft_wrap=True, markup=False)
    out.print(f"  image:  {item.image_url or '-'}", soft_wrap=True, markup=False)


def _print_songs(listed: SongList, as_json: bool) -> None:
    if as_json:
        _emit_json(listed.to_dict())
        return
    if not listed.response:
        out.print("No songs yet: create one with `imuze compose`.")
        return
    table = _table("id", "title", "status", "arrangement")
    for song in listed.response:
        table.add_row(
            str(song.id),
            escape(song.title),
            escape(str(song.status)),
            escape(song.arrangement_name),
        )
    out.print(table)


def _print_song(song: Song, as_json: bool) -> None:
    if as_json:
        _emit_json(song.to_dict())
        return
    _print_fields(
        f"Song {song.id}: {song.title}",
        [
            ("status", str(song.status)),
            ("arrangement", song.arrangement_name),
            ("mp3", song.mp3_url or "-"),
            ("timeline", song.timeline_url),
        ],
    )


def _print_created(song: SongCreated, as_json: bool) -> None:
    if as_json:
        _emit_json(song.to_dict())
        return
    _print_fields(
        f"Created song {song.id}: {song.title} (processing)",
        [
            ("mode", str(song.musical_mode)),
            ("arrangement", str(song.arrangement_id)),
            ("mp3", song.mp3),
        ],
    )


def _print_fields(heading: str, fields: Sequence[tuple[str, str]]) -> None:
    out.print(f"[bold]{escape(heading)}[/bold]", soft_wrap=True)
    for name, value in fields:
        out.print(f"  {name + ':':<13}{value}", soft_wrap=True, markup=False)


app.command()(contract)  # `imuze contract`, the live drift report: imuze_contract/cli.py


def main() -> None:
    """The `imuze` console script."""
    if not os.environ.get("IMUZE_LOG"):
        # stamina reports scheduled retries as warnings; the CLI stays quiet unless asked.
        logging.getLogger("stamina").addHandler(logging.NullHandler())
        logging.getLogger("stamina").propagate = False
    app()
