"""`imuze arrangements list|show`.

Each command loads the client and the printing when it runs (see app.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .listing import add_list_and_show

if TYPE_CHECKING:
    from imuze_ext.client import Imuze

arrangements_app: typer.Typer = typer.Typer(
    help="List and show arrangements.", no_args_is_help=True
)


def _print_list(api: Imuze, as_json: bool) -> None:
    from . import output

    output.print_arrangements(api.arrangements.list(), as_json)


def _print_one(api: Imuze, id: int, as_json: bool) -> None:
    from . import output

    output.print_arrangement(api.arrangements.get(id), as_json)


add_list_and_show(
    arrangements_app,
    list_help="List the arrangements.",
    show_help="Show one arrangement.",
    print_list=_print_list,
    print_one=_print_one,
)
