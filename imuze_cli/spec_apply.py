"""`imuze-spec apply SPEC OVERLAY [-o OUT]`: a spec with an OpenAPI Overlay 1.0 applied.

The spec keeps its comments and layout, so that adopting an overlay reads as a small diff. A
target that selects no node, or several where it names one, is an error naming the action
(exit 2), and nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

from imuze_ext.errors import MissingExtraError, requires_extra
from imuze_spec.load import SpecLoadError

from .errors import UsageProblem

# The top-level modules of the `spec` extra that overlays need (RFC 9535 JSONPath, YAML that
# keeps the spec's layout).
OVERLAY_PACKAGES = frozenset({"jsonpath", "ruamel"})


def overlay_module() -> ModuleType:
    """imuze_spec.overlay, imported when an overlay is used: a lean install without the
    `spec` extra still diffs two specs; SpecLoadError says what to install."""
    try:
        with requires_extra("spec", "imuze-spec's overlays", OVERLAY_PACKAGES):
            from imuze_spec import overlay
    except MissingExtraError as exc:
        raise SpecLoadError(str(exc)) from None
    return overlay


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
        overlays = overlay_module()
        text = overlays.apply_to(spec, overlay)
        if out is None:
            sys.stdout.write(text)
            return
        overlays.write_atomically(out, text)
    except SpecLoadError as exc:  # reported by the root command (errors.ImuzeGroup)
        raise UsageProblem(
            str(exc), hint=exc.hint or "see 'imuze-spec apply --help'", kind=type(exc).__name__
        ) from None
    print(f"imuze-spec: applied {overlay} to {spec}: wrote {out}", file=sys.stderr)
