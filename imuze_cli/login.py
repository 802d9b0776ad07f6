"""`imuze login`: check the credentials against the API."""

from __future__ import annotations

import typer

from . import output
from .options import JsonOption
from .session import client


def login(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check an email and password (prompted for when not in the environment)."""
    with client(ctx, need_login=True) as api:
        songs = api.songs.list()
        if as_json:
            output.emit_json({"base_url": api.base_url, "logged_in": True, "songs": songs.count})
        else:
            output.out.print(f"Logged in to {api.base_url}: {songs.count} song(s) in your account.")
