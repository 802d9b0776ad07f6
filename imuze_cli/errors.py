"""How the `imuze` CLI reports a failure: one line (plus a hint for usage errors), the
documented exit code, no traceback; with --json, a JSON object on stderr instead.

The root command (root.py) runs typer's click core in non-standalone mode, so every
failure, from parsing the command line to the API call, reaches `report_exception` as an
exception rather than being printed by typer (whose usage errors are a multi-line box).
Only typer's public API is used: `TyperException`, `Abort`, `Context`.

JSON errors: `{"error": {"type": ..., "status": ..., "message": ...}}`, where `type` is
the imuze exception's class name (`NotFoundError`, `APIConnectionError`, ...) or one of
`CLI_ERROR_TYPES` (README.md lists both), and `status` the HTTP status, else null.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import rich.markup
import typer
from rich.console import Console

from imuze_ext._extras import MissingExtraError
from imuze_ext._logging import logger
from imuze_ext.errors import (
    APIStatusError,
    ConfigurationError,
    DestinationExistsError,
    ImuzeError,
    InvalidCredentialsError,
    MissingCredentialsError,
)

from .hints import hint_for
from .root import EXIT_INTERRUPTED as EXIT_INTERRUPTED

EXIT_API_ERROR = 1
"""The API, the network, a file or the audio device failed: trying again may work."""
EXIT_USAGE = 2
"""The command line or the set-up is wrong (bad option, no credentials, missing extra):
nothing was attempted, and trying again as is will fail again."""

_EXTRA_HINTS = {
    "play": "'imuze songs download ID' saves the mp3 for any player",
    "contract": "see 'imuze contract --help'",
    "mock": "see 'imuze-mock --help'",
}
"""What works without an extra, said under its error."""

CLI_ERROR_TYPES: dict[str, str] = {
    "UsageError": "the command line is wrong (exit 2)",
    "SetupError": "imuze contract's set-up is wrong: the API, a login, a file (exit 2)",
    "MissingExtraError": "the command needs an extra that is not installed (exit 2)",
    "SpecLoadError": "imuze-spec cannot read a spec or an overlay (exit 2)",
    "GenerationError": "imuze-spec cannot generate a client from the spec (exit 2)",
    "BumpError": "imuze-spec bump cannot bump the version (exit 2)",
    "PlaybackError": "imuze play cannot play the file (exit 1)",
    "NoAudioDeviceError": "imuze play finds no audio device (exit 1)",
    "OSError": "a file, a folder or a program could not be used (exit 1, 127 or 2)",
    "Interrupted": "Ctrl-C or SIGTERM stopped the command (exit 130)",
    "UnexpectedError": "a failure the CLI does not know: a bug to report (exit 1)",
}
"""The JSON error types of the command lines beside the imuze exceptions' names, and what
each means (README.md lists them; tests/cli/test_cli_contract.py holds every failure to
this set)."""

err: Console = Console(stderr=True, highlight=False)


class UsageProblem(ImuzeError):
    """A usage error found after parsing (an invalid base URL, a missing extra, ...)."""

    def __init__(self, message: str, *, hint: str | None = None, kind: str = "UsageError") -> None:
        super().__init__(message)
        self.hint: str = hint or help_hint(None)
        self.kind: str = kind


class SetupProblem(UsageProblem):
    """A set-up error (no credentials, an unreachable API, a refused login): exit 2, with the
    hint its cause calls for, else where to read the command's usage."""

    def __init__(self, message: str, *, cause: BaseException | None, help_of: str) -> None:
        super().__init__(message, hint=hint_for(cause) or help_of, kind="SetupError")


class Interrupted(Exception):
    """Ctrl-C during a command, with what it stopped (typer alone exits 130 silently)."""

    def __init__(self, message: str = "interrupted") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Failure:
    """What the user is told: a kind, an HTTP status (or None), a message, a hint."""

    kind: str
    status: int | None
    message: str
    exit_code: int
    hint: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The `--json` form: `{"error": {"type", "status", "message"}}`."""
        return {"error": {"type": self.kind, "status": self.status, "message": self.message}}


class Failed(Exception):
    """A failure already described (kind, message, exit code, hint), to be reported."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure: Failure = failure


def failure_of(exc: BaseException) -> Failure:
    """The report for an exception, with its exit code."""
    if isinstance(exc, Failed):
        return exc.failure
    if isinstance(exc, typer.TyperException):  # click's errors, as vendored by typer
        code = getattr(exc, "exit_code", EXIT_API_ERROR)
        kind = "UsageError"  # a click error: the command line could not be carried out
        hint = help_hint(getattr(exc, "ctx", None)) if code == EXIT_USAGE else None
        return Failure(kind, None, _click_message(exc), code, hint)
    if isinstance(exc, UsageProblem):
        return Failure(exc.kind, None, str(exc), EXIT_USAGE, exc.hint)
    if isinstance(exc, MissingExtraError):  # a set-up problem, like missing credentials
        hint = _EXTRA_HINTS.get(exc.extra, help_hint(None))
        return Failure(type(exc).__name__, None, str(exc), EXIT_USAGE, hint)
    if isinstance(exc, MissingCredentialsError | InvalidCredentialsError | ConfigurationError):
        return Failure(type(exc).__name__, None, str(exc), EXIT_USAGE, help_hint(None))
    if isinstance(exc, DestinationExistsError):  # the command line asks for what it forbids
        hint = "pass --overwrite to replace it, or another --out" * exc.replaceable
        message = str(exc).replace("pass overwrite=True to replace it", "not replaced")
        return Failure(type(exc).__name__, None, message, EXIT_USAGE, hint or "pass another --out")
    if isinstance(exc, APIStatusError):
        status = exc.status_code
        return Failure(type(exc).__name__, status, str(exc), EXIT_API_ERROR, hint_for(exc))
    if isinstance(exc, ImuzeError):
        return Failure(type(exc).__name__, None, str(exc), EXIT_API_ERROR, hint_for(exc))
    if isinstance(exc, OSError):
        text = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
        return Failure("OSError", None, text, EXIT_API_ERROR)
    if isinstance(exc, Interrupted):
        return Failure("Interrupted", None, str(exc), EXIT_INTERRUPTED)
    if isinstance(exc, typer.Abort):
        return Failure("Interrupted", None, "aborted", EXIT_INTERRUPTED)
    return Failure("UnexpectedError", None, f"unexpected {type(exc).__name__}: {exc}", 1)


def _click_message(exc: typer.TyperException) -> str:
    # click's messages are sentences ("No such option: --x."): keep the words, not the stop.
    return exc.format_message().strip().rstrip(".")


def help_hint(ctx: typer.Context | None) -> str:
    """`see 'imuze songs create --help'`: where to read the usage of the failed command."""
    return f"see '{ctx.command_path if ctx is not None else 'imuze'} --help'"


def wants_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON, `--json` (or imuze-spec's `--format json`),
    wherever it stands: looked up before parsing, which may fail."""
    options = argv[: argv.index("--")] if "--" in argv else argv
    pairs = zip(options, [*options[1:], ""][: len(options)], strict=True)
    return "--json" in options or "--format=json" in options or ("--format", "json") in pairs


def report(failure: Failure, *, as_json: bool) -> None:
    """Print the failure on stderr: one `error:` line and a `hint:` line, or JSON."""
    if as_json:
        sys.stderr.write(json.dumps(failure.as_json(), sort_keys=True) + "\n")
        return
    if failure.exit_code == EXIT_INTERRUPTED:  # the user's own doing: no "error:"
        err.print(rich.markup.escape(failure.message.capitalize()), soft_wrap=True)
        return
    err.print(f"[red]error:[/red] {rich.markup.escape(failure.message)}", soft_wrap=True)
    if failure.hint:
        err.print(f"hint: {rich.markup.escape(failure.hint)}", soft_wrap=True)


def report_exception(exc: BaseException, argv: Sequence[str]) -> int:
    """Report `exc`, raised by the command line `argv`, and return its exit code."""
    failure = failure_of(exc)
    if failure.message.startswith("unexpected "):
        logger.debug("unexpected error", exc_info=True)  # IMUZE_LOG=debug shows it
    if failure.message:  # empty: a group run with no command, its help already shown
        report(failure, as_json=wants_json(argv))
    return failure.exit_code
