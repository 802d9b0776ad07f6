"""`imuze login`: check the credentials against the API, with one authenticated call.

Nothing is stored: the CLI reads its credentials from the environment on every run, and
`imuze login` tells whether they work before a script relies on them.
The command loads the client when it runs (see app.py).
"""

from __future__ import annotations

from typing import Annotated

import typer

from .options import BaseUrlOption, JsonOption

ApiKeyFlag = Annotated[
    bool,
    typer.Option(
        "--api-key",
        help="Check an API key ($IMUZE_API_KEY, else asked for at a terminal) instead of an "
        "email and password.",
    ),
]


def login(
    ctx: typer.Context,
    api_key: ApiKeyFlag = False,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Check an email and password (asked for when not in the environment), or an API key."""
    from . import output
    from .session import client, key_client

    with key_client(ctx) if api_key else client(ctx, need_login=True) as api:
        songs = api.songs.list()  # the cheapest call that needs valid credentials
        if as_json:
            credentials = "api_key" if api_key else "password"
            output.emit_json(
                {
                    "base_url": api.base_url,
                    "logged_in": True,
                    "credentials": credentials,
                    "songs": songs.count,
                }
            )
        elif api_key:
            output.out.print(f"API key accepted by {api.base_url}: {songs.count} song(s).")
        else:
            output.out.print(f"Logged in to {api.base_url}: {songs.count} song(s) in your account.")
