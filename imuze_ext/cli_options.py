"""Command-line options that more than one `imuze` command takes, defined once."""

from __future__ import annotations

from typing import Annotated

import typer

BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="API base URL (default: $IMUZE_BASE_URL, else the public API).",
        show_default=False,
    ),
]
"""`--base-url`: the API to talk to; None falls back to IMUZE_BASE_URL, then the public API."""
