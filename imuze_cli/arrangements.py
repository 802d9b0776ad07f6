"""`imuze arrangements list|show`.

Each command loads the client and the printing when it runs (see app.py).
"""

from __future__ import annotations

import typer

from .options import BaseUrlOption, JsonOption

arrangements_app: typer.Typer = typer.Typer(
    help="List and show arrangements.", no_args_is_help=True
)


@arrangements_app.command("list")
def arrangements_list(
    ctx: typer.Context, as_json: JsonOption = False, base_url: BaseUrlOption = None
) -> None:
    """List the arrangements."""
    from . import output
    from .session import client

    with client(ctx) as api:
        output.print_arrangements(api.arrangements.list(), as_json)


@arrangements_app.command("show")
def arrangements_show(
    ctx: typer.Context, id: int, as_json: JsonOption = False, base_url: BaseUrlOption = None
) -> None:
    """Show one arrangement."""
    from . import output
    from .session import client

    with client(ctx) as api:
        output.print_arrangement(api.arrangements.get(id), as_json)
