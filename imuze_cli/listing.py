"""`list` and `show ID` for a resource of the API (songs, arrangements): fetch, then print.

The commands load the client and the printing when they run (see app.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import typer

from .options import JsonOption, with_global_options

if TYPE_CHECKING:
    from imuze_ext.client import Imuze

Resource = Literal["songs", "arrangements"]


def resource_app(resource: Resource, *, help: str, list_help: str, show_help: str) -> typer.Typer:
    """The `imuze RESOURCE` group, with `list` and `show ID` registered on it; each prints
    with the client of the global options, as a table or fields, or as JSON."""
    app = typer.Typer(help=help, no_args_is_help=True)

    @app.command("list", help=list_help)
    @with_global_options
    def list_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
        _fetch_and_print(ctx, resource, None, as_json)

    @app.command("show", help=show_help)
    @with_global_options
    def show_command(ctx: typer.Context, id: int, as_json: JsonOption = False) -> None:
        _fetch_and_print(ctx, resource, id, as_json)

    return app


def _fetch_and_print(ctx: typer.Context, resource: Resource, id: int | None, as_json: bool) -> None:
    """The list of `resource` (`id` None) or its item `id`, printed."""
    from .session import client

    with client(ctx) as api:
        _print(api, resource, id, as_json)


def _print(api: Imuze, resource: Resource, id: int | None, as_json: bool) -> None:
    from . import output

    if resource == "songs":
        if id is None:
            output.print_songs(api.songs.list(), as_json)
        else:
            output.print_song(api.songs.get(id), as_json)
    elif id is None:
        output.print_arrangements(api.arrangements.list(), as_json)
    else:
        output.print_arrangement(api.arrangements.get(id), as_json)
