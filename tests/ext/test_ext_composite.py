"""A composite call's `timeout=` bounds the whole call, whichever of its steps is slow.

The composite calls are enumerated from the public surface: every public method of the
songs resources that takes `timeout=` and makes more than one request (`wait_all`,
`compose`), and the CLI's `imuze compose`. Each runs against the real mock over loopback,
made slow in one step at a time: the create (its answer held back), the wait (the song
renders for a minute) and the download (the mp3 stalls after its first bytes). Each must
end within its timeout, with a typed error, and leave no file.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path

import pytest
from deviant import App, Message, Receive, Scope, Send, serve
from typer.testing import CliRunner

from imuze_cli.app import app as cli_app
from imuze_ext import (
    APITimeoutError,
    AsyncImuze,
    Imuze,
    ImuzeError,
    SongTimeoutError,
)
from imuze_ext.resources import AsyncSongs, Songs
from imuze_mock import DEMO, MockConfig, create_app

TIMEOUT = 1.5
SLACK = 6.0  # a loaded 2-core machine's scheduling; the slow step would take 60 s
SLOW = 60.0
STEPS = ("create", "wait", "download")


class Held:
    """Releases every held answer when the server stops, so teardown never waits."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.event: asyncio.Event | None = None

    async def hold(self) -> None:
        if self.event is None:
            self.loop, self.event = asyncio.get_running_loop(), asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.event.wait(), SLOW)

    def release(self) -> None:
        if self.loop is not None and self.event is not None:
            self.loop.call_soon_threadsafe(self.event.set)


def slow_in(step: str, app: App, held: Held) -> App:
    """The mock, slow in one step: the create's answer or the mp3's body is held back."""

    async def layer(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if step == "create" and method == "POST" and path.endswith("/songs"):
            await held.hold()
        if step == "download" and path.endswith("/audio.mp3"):

            async def stalling(message: Message) -> None:
                if message["type"] == "http.response.body" and message.get("body"):
                    message = {**message, "body": message["body"][:64], "more_body": True}
                    await send(message)
                    await held.hold()
                    return
                await send(message)

            await app(scope, receive, stalling)
            return
        await app(scope, receive, send)

    return layer


@contextlib.contextmanager
def slow_mock(step: str) -> Iterator[str]:
    render = SLOW if step == "wait" else 0.05
    held = Held()
    app = create_app(MockConfig(render_delay=render))
    with serve(slow_in(step, app, held)) as origin:
        try:
            yield f"{origin}/api/4"
        finally:
            held.release()


def test_the_composite_calls_are_these() -> None:
    composite = {
        name
        for cls in (Songs, AsyncSongs)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
        and "timeout" in inspect.signature(member).parameters
        and name != "wait"  # one request a poll: its timeout is its only bound by nature
    }
    assert composite == {"wait_all", "compose"}


def _compose(base_url: str, dest: Path) -> None:
    with Imuze(api_key=DEMO.api_key, base_url=base_url) as api:
        api.songs.compose(title="Slow", desired_length=3, tags=["rock"], dest=dest, timeout=TIMEOUT)


async def _acompose(base_url: str, dest: Path) -> None:
    async with AsyncImuze(api_key=DEMO.api_key, base_url=base_url) as api:
        await api.songs.compose(
            title="Slow", desired_length=3, tags=["rock"], dest=dest, timeout=TIMEOUT
        )


def _timed(run: Coroutine[None, None, None]) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        asyncio.run(run)
    except ImuzeError as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


EXPECTED = {"create": APITimeoutError, "wait": SongTimeoutError, "download": APITimeoutError}


@pytest.mark.parametrize("step", STEPS)
def test_compose_ends_within_its_timeout(step: str, tmp_path: Path) -> None:
    dest = tmp_path / "song.mp3"
    with slow_mock(step) as base_url:
        started = time.monotonic()
        with pytest.raises(EXPECTED[step]):
            _compose(base_url, dest)
        elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT + SLACK
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("step", STEPS)
def test_async_compose_ends_within_its_timeout(step: str, tmp_path: Path) -> None:
    dest = tmp_path / "song.mp3"
    with slow_mock(step) as base_url:
        elapsed, raised = _timed(_acompose(base_url, dest))
    assert isinstance(raised, EXPECTED[step])
    assert elapsed < TIMEOUT + SLACK
    assert list(tmp_path.iterdir()) == []


def _created(base_url: str) -> list[int]:
    with Imuze(api_key=DEMO.api_key, base_url=base_url) as api:
        titles = ("Night Drive", "Blue Hour")
        return [api.songs.create(title=t, desired_length=3, tags=["rock"]).id for t in titles]


def test_wait_all_ends_within_its_timeout() -> None:
    with slow_mock("wait") as base_url:
        ids = _created(base_url)
        with Imuze(api_key=DEMO.api_key, base_url=base_url) as api:
            started = time.monotonic()
            with pytest.raises(SongTimeoutError) as caught:
                api.songs.wait_all(ids, timeout=TIMEOUT)
            elapsed = time.monotonic() - started
    assert caught.value.pending == tuple(ids)
    assert elapsed < TIMEOUT + SLACK


def test_async_wait_all_ends_within_its_timeout() -> None:
    async def run(base_url: str, ids: list[int]) -> None:
        async with AsyncImuze(api_key=DEMO.api_key, base_url=base_url) as api:
            await api.songs.wait_all(ids, timeout=TIMEOUT)

    with slow_mock("wait") as base_url:
        ids = _created(base_url)
        elapsed, raised = _timed(run(base_url, ids))
    assert isinstance(raised, SongTimeoutError)
    assert elapsed < TIMEOUT + SLACK


@pytest.mark.parametrize("step", STEPS)
def test_the_cli_compose_ends_within_its_timeout(
    step: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMUZE_API_KEY", DEMO.api_key or "")
    dest = tmp_path / "out"
    with slow_mock(step) as base_url:
        started = time.monotonic()
        args = ["--base-url", base_url, "compose", "--title", "Slow", "--tag", "rock"]
        args += ["--length", "3", "--out", str(dest), "--timeout", str(TIMEOUT)]
        result = CliRunner().invoke(cli_app, args)
        elapsed = time.monotonic() - started
    assert result.exit_code not in (0, None), result.output
    assert elapsed < TIMEOUT + SLACK
    assert list(dest.rglob("*.mp3*")) == [] if dest.exists() else not dest.exists()
    assert "Traceback" not in result.output
