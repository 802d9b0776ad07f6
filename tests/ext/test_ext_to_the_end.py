"""A blocking step in a worker thread ends before its call does, however it is cancelled."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from ext_helpers import API, song_json

from imuze_ext import AsyncImuze
from imuze_ext._download import run_to_the_end

PAYLOAD = b"ID3" + (bytes(range(256)) * 8)[3:]


def _media(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/songs/1"):
        return httpx.Response(200, json=song_json(1))
    return httpx.Response(200, headers={"Content-Length": str(len(PAYLOAD))}, content=PAYLOAD)


def _handles_under(folder: Path) -> list[str]:
    names = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            name = os.readlink(fd)
        except OSError:
            continue
        if str(folder) in name:
            names.append(name)
    return names


def test_asyncio_cancelling_a_download_in_its_final_fsync_waits_for_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # asyncio's Task.cancel goes through anyio's shield: the call used to return while
    # the worker thread still held the folder open (and could race the cleanup)
    in_fsync = threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        in_fsync.set()
        time.sleep(0.05)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    left_open: list[str] = []

    async def run() -> None:
        async with AsyncImuze(
            api_key="k", base_url=API, transport=httpx.MockTransport(_media)
        ) as api:
            task = asyncio.ensure_future(api.songs.download(1, tmp_path / "song.mp3"))
            await asyncio.to_thread(in_fsync.wait)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            left_open.extend(_handles_under(tmp_path))

    asyncio.run(run())
    assert left_open == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.mp3"]
    assert (tmp_path / "song.mp3").read_bytes() == PAYLOAD


def test_a_step_cancelled_before_it_began_never_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import anyio.to_thread

    queued: list[Callable[[], object]] = []

    async def queued_forever(func: Callable[[], object], *args: object, **kw: object) -> object:
        queued.append(func)  # a worker that has not picked the job up yet
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    monkeypatch.setattr(anyio.to_thread, "run_sync", queued_forever)
    ran: list[str] = []

    async def run() -> None:
        task = asyncio.ensure_future(run_to_the_end(lambda: ran.append("step")))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 1.0)  # returns at once: nothing has begun

    asyncio.run(run())
    with pytest.raises(RuntimeError, match="before the step began"):
        queued[0]()  # the worker picks it up late: the step is refused
    assert ran == []


def test_a_step_that_began_is_waited_for_and_its_result_returned() -> None:
    ended: list[str] = []
    began = threading.Event()

    def step() -> str:
        began.set()
        time.sleep(0.05)
        ended.append("step")
        return "done"

    async def cancelled() -> list[str]:
        task = asyncio.ensure_future(run_to_the_end(step))
        # cancel once the step has begun, not after a guess at how long a thread takes
        # to start (on a busy machine 10 ms was not always enough)
        await asyncio.to_thread(began.wait, 10.0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return list(ended)

    assert asyncio.run(cancelled()) == ["step"]
    assert asyncio.run(run_to_the_end(lambda: "done")) == "done"
