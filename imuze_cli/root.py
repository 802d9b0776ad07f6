"""The root command of the typer faces (`imuze`, `imuze-spec`): click without its own error
printing; a failure is handed to errors.py, which reports it.

Only typer's public API is used: `typer.core.TyperGroup` (documented for `Typer(cls=...)`).
Nothing of the client loads here: the reporting (and the client's exception classes it knows)
loads when a command line fails, so that `--help` costs what typer's own does.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer.core

EXIT_OK = 0
EXIT_INTERRUPTED = 130


class ImuzeGroup(typer.core.TyperGroup):
    """The root command: runs click without its own error printing, then reports."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(
                args,  # as given: None lets typer expand globs on Windows
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except Exception as exc:
            from .errors import report_exception

            code = report_exception(exc, argv)
        else:
            code = code if isinstance(code, int) else EXIT_OK
            if code == EXIT_INTERRUPTED:  # typer's answer to Ctrl-C, which it kept silent
                from .errors import Interrupted, report_exception

                code = report_exception(Interrupted(), argv)
        if standalone_mode:
            sys.exit(code)
        return code
