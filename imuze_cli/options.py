"""Command-line options that more than one `imuze` command takes, defined once.

The global options, `--json` and `--base-url`, are accepted before the subcommand (`imuze
--json songs list`) and after it (`imuze songs list --json`): the root command records them
in its `GlobalOptions` (ctx.obj), and every command declares its own copies (`JsonOption`,
`BaseUrlOption` in its signature: typer's public API), which fall back to, or record into,
that record. tests/cli/test_cli_tree.py checks that every command of the tree has both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer


@dataclass
class GlobalOptions:
    """What the root command was given, kept in `ctx.obj` for the subcommands."""

    base_url: str | None
    email: str | None
    as_json: bool = False
    deadline: float | None = None


_BASE_URL_HELP = "API base URL (default: $IMUZE_BASE_URL, else the public API)."
_JSON_HELP = "Print machine-readable JSON (errors too, on stderr)."


def _root_options(ctx: typer.Context) -> Any:
    return ctx.find_root().obj


def _base_url_here_or_global(
    ctx: typer.Context, _param: typer.CallbackParam, value: str | None
) -> str | None:
    """A command's `--base-url` wins and is recorded; without it, the root's applies."""
    options = _root_options(ctx)
    if value is not None and options is not None:
        options.base_url = value
    return value if value is not None else getattr(options, "base_url", None)


def _json_here_or_global(ctx: typer.Context, _param: typer.CallbackParam, value: bool) -> bool:
    """`--json` after the command, or before it (and recorded for the error report)."""
    options = _root_options(ctx)
    if value and options is not None:
        options.as_json = True
    return value or bool(getattr(options, "as_json", False))


BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url", help=_BASE_URL_HELP, show_default=False, callback=_base_url_here_or_global
    ),
]
"""`--base-url`: the API to talk to; None falls back to IMUZE_BASE_URL, then the public API."""

JsonOption = Annotated[bool, typer.Option("--json", help=_JSON_HELP, callback=_json_here_or_global)]
"""`--json`, here or before the subcommand."""

GLOBAL_OPTIONS = ("--json", "--base-url")
"""The root's options that every command also declares, to take them after its name."""


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
    float,
    typer.Option(
        "--timeout", min=0.001, help="Seconds to wait at most (for compose: the whole command)."
    ),
]
OutOption = Annotated[
    Path,
    typer.Option(
        "--out",
        help="Where the mp3 goes: an existing folder, a file ending in .mp3, else a folder "
        "to create.",
    ),
]
OverwriteOption = Annotated[
    bool, typer.Option("--overwrite", help="Replace an existing file (atomically).")
]
PlayOption = Annotated[
    bool, typer.Option("--play", help="Play the song when it is ready (the play extra).")
]
