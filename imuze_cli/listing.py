"""`list` and `show ID` for a resource of the API: open a client, fetch, print.

The commands load the client when they run (see app.py); what they fetch and print is the
resource module's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from .options import JsonOption, with_global_options

if TYPE_CHECKING:
    from imuze_ext.client import Imuze


def add_list_and_show(
    app: typer.Typer,
    *,
    list_help: str,
    show_help: str,
    print_list: Callable[[Imuze, bool], None],
    print_one: Callable[[Imuze, int, bool], None],
) -> None:
    """Register `list` and `show ID` on `app`; each prints with the client of the global
    options, as a table or fields, or as JSON."""

    @app.command("list", help=list_help)
    @with_global_options
    def list_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
        from .session import client

        with client(ctx) as api:
            print_list(api, as_json)

    @app.command("show", help=show_help)
    @with_global_options
    def show_command(ctx: typer.Context, id: int, as_json: JsonOption = False) -> None:
        from .session import client

        with client(ctx) as api:
            print_one(api, id, as_json)
