"""`imuze`: the command line over imuze_ext (typer + rich), its root and global options.

Credentials come from the environment (IMUZE_API_KEY, or IMUZE_EMAIL and IMUZE_PASSWORD),
or `--email` plus a password prompt; a password is never taken from the command line.
Exit codes: 0 success, 1 API error, 2 usage error. Errors print one line, no traceback
(usage errors add a hint line); with --json they are JSON on stderr (see errors.py).
Each command group has its module; this one assembles them in the order `--help` lists.
Registering a command loads nothing of the client: each command loads what it needs when it
runs (tests/cli/test_cli_launch.py checks that `imuze --help` imports no httpx nor imuze_ext).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated

import typer

from . import launch, notices
from .arrangements import arrangements_app
from .compose import compose
from .contract import contract
from .contract_replay import replay_row
from .login import login
from .options import (
    BaseUrlOption,
    DeadlineOption,
    EmailOption,
    GlobalOptions,
    with_global_options,
)
from .play import play_song
from .root import ImuzeGroup
from .songs import songs_app

app: typer.Typer = typer.Typer(
    cls=ImuzeGroup,
    name="imuze",
    help=(
        "Generate songs with the iMuze API: list arrangements, compose, wait, download, play."
        # imuze_ext._config's names, written out: `--help` loads no client module.
        "\n\nCredentials: IMUZE_API_KEY, or IMUZE_EMAIL and IMUZE_PASSWORD (or --email and "
        "a password prompt at a terminal)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(arrangements_app, name="arrangements")
app.add_typer(songs_app, name="songs")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"imuze {launch.version()}")
        raise typer.Exit()


@app.callback()
def _main_options(
    ctx: typer.Context,
    base_url: BaseUrlOption = None,
    email: EmailOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print machine-readable JSON (errors too, on stderr).")
    ] = False,
    deadline: DeadlineOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = GlobalOptions(base_url=base_url, email=email, as_json=as_json, deadline=deadline)


app.command()(with_global_options(login))
app.command()(with_global_options(compose))
app.command("play")(with_global_options(play_song))
# `imuze contract`, the live drift report (imuze_contract), and `imuze contract replay`.
contract_app = typer.Typer(add_completion=False)
contract_app.callback(invoke_without_command=True)(with_global_options(contract))
contract_app.command("replay")(with_global_options(replay_row))
app.add_typer(contract_app, name="contract")


def _forget_an_earlier_imuze_log() -> None:
    """Take off the imuze_ext logger what an earlier run in this process with IMUZE_LOG set
    put on it, before notices.shown() notes the logger's state. imuze_ext is loaded only
    when a run already used it: `imuze --help` stays light."""
    config = sys.modules.get("imuze_ext._config")
    if config is not None:
        config.configure_from_env()


def main() -> None:
    """The `imuze` console script."""
    if not os.environ.get("IMUZE_LOG"):
        _forget_an_earlier_imuze_log()
        # stamina reports scheduled retries as warnings; the CLI stays quiet unless asked.
        logging.getLogger("stamina").addHandler(logging.NullHandler())
        logging.getLogger("stamina").propagate = False
        with notices.shown():
            app()
        return
    app()
