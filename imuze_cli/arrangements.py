"""`imuze arrangements list|show`."""

from __future__ import annotations

import typer

from . import output
from .options import BaseUrlOption, JsonOption
from .session import client

arrangements_app: typer.Typer = typer.Typer(
    help="List and show arrangements.", no_args_is_help=True
)


@arrangements_app.command("list")
def arrangements_list(
    ctx: typer.Context, as_json: JsonOption = False, base_url: BaseUrlOption = None
) -> None:
    """List the arrangements."""
    with client(ctx) as api:
        output.print_arrangements(api.arrangements.list(), as_json)


@arrangements_app.command("show")
def arrangements_show(
    ctx: typer.Context, id: int, as_json: JsonOption = False, base_url: BaseUrlOption = None
) -> None:
    """Show one arrangement."""
    with client(ctx) as api:
        output.print_arrangement(api.arrangements.get(id), as_json)
