"""`imuze-spec apply SPEC OVERLAY [-o OUT]`: a spec with an OpenAPI Overlay 1.0 applied.

The spec keeps its comments and layout, so that adopting an overlay reads as a small diff. A
target that selects no node, or several where it names one, is an error naming the action
(exit 2), and nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from imuze_spec.load import SpecLoadError
from imuze_spec.overlay import apply_to, write_atomically

EXIT_LOAD = 2


def apply(
    spec: Annotated[str, typer.Argument(help="The spec: a file, or GITREF:path.")],
    overlay: Annotated[Path, typer.Argument(help="The OpenAPI Overlay 1.0 document.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="OUT",
            help="Write the new spec here (it may be SPEC itself); stdout by default.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Apply OVERLAY's actions to SPEC, in order, with RFC 9535 JSONPath targets."""
    try:
        text = apply_to(spec, overlay)
        if out is None:
            sys.stdout.write(text)
            return
        write_atomically(out, text)
    except SpecLoadError as exc:
        print(f"imuze-spec: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_LOAD) from None
    print(f"imuze-spec: applied {overlay} to {spec}: wrote {out}", file=sys.stderr)
