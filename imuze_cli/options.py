"""Command-line options that more than one `imuze` command takes, defined once.

The global options (`--json`, `--base-url`, `--email`, `--deadline`) are accepted before the
subcommand (`imuze --json songs list`) and after it (`imuze songs list --json`): the root
command records them in its `GlobalOptions` (ctx.obj), and every command declares its own
copies (`JsonOption`, `BaseUrlOption`, `EmailOption`, `DeadlineOption` in its signature:
typer's public API), which fall back to, or record into, that record.
tests/cli/test_cli_tree.py checks that every command of the tree has them all.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

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


_V = TypeVar("_V")


def _root_options(ctx: typer.Context) -> Any:
    return ctx.find_root().obj


def _here_or_global(ctx: typer.Context, name: str, value: _V | None) -> _V | None:
    """A command's option `name` wins and is recorded on the root's options; without it, the
    root's applies."""
    options = _root_options(ctx)
    if value is not None and options is not None:
        setattr(options, name, value)
    given: _V | None = value if value is not None else getattr(options, name, None)
    return given


def _base_url_here_or_global(
    ctx: typer.Context, _param: typer.CallbackParam, value: str | None
) -> str | None:
    """`--base-url`, here or before the subcommand."""
    return _here_or_global(ctx, "base_url", value)


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

_EMAIL_HELP = "Log in as this account (default: $IMUZE_EMAIL)."
_DEADLINE_HELP = (
    "Seconds each API call may take in all, retries included (default: from the timeout and "
    "retries; a download: no limit but a 30 s stall)."
)


def _not_blank(value: str | None) -> str | None:
    """A given option is never empty: `--email ""` is a mistake, not "use the default"."""
    if value is not None and not value.strip():
        raise typer.BadParameter("empty: give a value, or leave the option out")
    return value


def _finite(value: float | None) -> float | None:
    """`--deadline nan` or `inf` is no deadline a call can keep."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds")
    return value


def _email_here_or_global(
    ctx: typer.Context, _param: typer.CallbackParam, value: str | None
) -> str | None:
    """`--email`, here or before the subcommand; a blank one is refused."""
    return _here_or_global(ctx, "email", _not_blank(value))


def _deadline_here_or_global(
    ctx: typer.Context, _param: typer.CallbackParam, value: float | None
) -> float | None:
    """`--deadline`, here or before the subcommand; a finite number of seconds."""
    return _here_or_global(ctx, "deadline", _finite(value))


EmailOption = Annotated[
    str | None,
    typer.Option("--email", help=_EMAIL_HELP, show_default=False, callback=_email_here_or_global),
]
"""`--email`, here or before the subcommand; never empty."""

DeadlineOption = Annotated[
    float | None,
    typer.Option(
        "--deadline",
        min=0.001,
        help=_DEADLINE_HELP,
        show_default=False,
        callback=_deadline_here_or_global,
    ),
]
"""`--deadline`, here or before the subcommand; a finite number of seconds."""

GLOBAL_OPTIONS = ("--json", "--base-url", "--email", "--deadline")
_KEYWORD = inspect.Parameter.KEYWORD_ONLY
_GLOBAL_PARAMETERS = (
    inspect.Parameter("as_json", _KEYWORD, default=False, annotation=JsonOption),
    inspect.Parameter("base_url", _KEYWORD, default=None, annotation=BaseUrlOption),
    inspect.Parameter("email", _KEYWORD, default=None, annotation=EmailOption),
    inspect.Parameter("deadline", _KEYWORD, default=None, annotation=DeadlineOption),
)
_R = TypeVar("_R")


def with_global_options(command: Callable[..., _R]) -> Callable[..., _R]:
    """`command`, taking the global options after its name too: the copies it does not
    declare itself are added to the signature typer reads, and dropped before it runs
    (their callbacks have recorded them in the root's GlobalOptions)."""
    signature = inspect.signature(command, eval_str=True)
    added = [p for p in _GLOBAL_PARAMETERS if p.name not in signature.parameters]

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> _R:
        for parameter in added:
            kwargs.pop(parameter.name, None)
        return command(*args, **kwargs)

    parameters = [*signature.parameters.values(), *added]
    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return run


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
