"""`imuze arrangements list|show`.

Each command loads the client and the printing when it runs (see app.py).
"""

from __future__ import annotations

import typer

from .listing import resource_app

arrangements_app: typer.Typer = resource_app(
    "arrangements",
    help="List and show arrangements.",
    list_help="List the arrangements.",
    show_help="Show one arrangement.",
)
