"""Command-line options that more than one `imuze` command takes, defined once."""

from __future__ import annotations

from pathlib import Path
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

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
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
    float, typer.Option("--timeout", min=0.001, help="Seconds to wait for the song at most.")
]
OutOption = Annotated[Path, typer.Option("--out", help="Folder (or file) to write the mp3 to.")]
PlayOption = Annotated[
    bool, typer.Option("--play", help="Play the song when it is ready (the play extra).")
]
