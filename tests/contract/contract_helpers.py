"""Helpers for `imuze contract`'s tests: a mock (or a wrapped one) served over real sockets, a
tap on the tokens it issues, and the CLI invoked as a user would."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

import imuze_mock
from imuze_cli.app import app as cli_app
from imuze_mock.server import base_url_of, bind, uvicorn_server

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Small, seeded runs: the same requests every time, a few seconds each.
FAST = ["--max-examples", "3", "--seed", "20261124", "--rate-limit", "1000/s"]


def mock_config(dialect: str = "spec") -> imuze_mock.MockConfig:
    """Answers that depend on the mock's state, not on timing (see contract_tests/targets.py):
    a render queue that never fills, one render thread, short renders."""
    return imuze_mock.MockConfig(
        render_delay=0.05, render_workers=1, max_queue=1_000_000, dialect=dialect
    )


@dataclass
class TokenTap:
    """ASGI middleware that notes every token the API issues (answers to POST .../tokens)."""

    app: App
    tokens: set[str] = field(default_factory=set)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("/tokens"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def noting(message: Message) -> None:
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    with contextlib.suppress(ValueError, TypeError, AttributeError):
                        token = json.loads(b"".join(chunks)).get("response")
                        if isinstance(token, str):
                            self.tokens.add(token)
            await send(message)

        await self.app(scope, receive, noting)


@contextlib.contextmanager
def serving(app: App) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port, as imuze_mock.running does."""
    sock = bind("127.0.0.1", 0)
    server = uvicorn_server(app, imuze_mock.MockConfig())  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "the server failed to start"
            thread.join(0.01)
        yield base_url_of(sock)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def user_env(base_url: str, *, two_users: bool = True) -> dict[str, str | None]:
    """The environment of a user of `imuze contract`: the mock's accounts, nothing else."""
    env: dict[str, str | None] = {
        "IMUZE_BASE_URL": base_url,
        "IMUZE_API_KEY": None,
        "IMUZE_EMAIL": imuze_mock.DEMO.email,
        "IMUZE_PASSWORD": imuze_mock.DEMO.password,
        "IMUZE_OTHER_API_KEY": None,
        "IMUZE_OTHER_EMAIL": imuze_mock.OTHER.email if two_users else None,
        "IMUZE_OTHER_PASSWORD": imuze_mock.OTHER.password if two_users else None,
        "IMUZE_LOG": None,
        "CI": None,
        "SEED": None,
        "COLUMNS": "100",
    }
    return env


def contract(args: list[str], env: dict[str, str | None]) -> Result:
    """`imuze contract ARGS` in process, stdout and stderr apart."""
    return CliRunner(env=env).invoke(cli_app, ["contract", *args])


def secrets_of(tap: TokenTap | None = None) -> set[str]:
    """Every password and key of the mock's accounts, and every token the tap saw issued."""
    accounts = (imuze_mock.DEMO, imuze_mock.OTHER)
    values = {a.password for a in accounts} | {a.api_key for a in accounts if a.api_key}
    return values | (tap.tokens if tap is not None else set())


def assert_no_secret(secrets: set[str], *outputs: str) -> None:
    """No password, key or token in any output."""
    assert secrets, "no secret to look for"
    for output in outputs:
        leaked = sorted(secret for secret in secrets if secret in output)
        assert not leaked, f"{len(leaked)} secret(s) in an output"
