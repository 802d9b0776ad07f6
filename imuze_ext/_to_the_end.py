"""Run a blocking step in a worker thread, and return only once it has ended.

anyio's `CancelScope(shield=True)` stops anyio's own cancellations, but not asyncio's
`Task.cancel()` (which `asyncio.wait_for` and `asyncio.timeout` use): the await is
cancelled while the worker thread goes on with the file. The caller would then clean up
under the thread's feet, and a handle could outlive the call. Here a cancellation waits
for the step that has begun; a step that has not begun never will.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")


async def run_to_the_end(step: Callable[[], _T]) -> _T:
    """`step()` in a worker thread; on cancellation, wait for a begun step, then re-raise."""
    import anyio.to_thread  # the async twin's own: not loaded by `import imuze`

    claim = threading.Lock()  # whoever takes it first decides whether the step runs
    ended = threading.Event()

    def in_thread() -> _T:
        if not claim.acquire(blocking=False):
            raise RuntimeError("cancelled before the step began")
        try:
            return step()
        finally:
            ended.set()

    try:  # run_sync shields itself from anyio's cancellations, not from asyncio's
        return await anyio.to_thread.run_sync(in_thread)
    except BaseException:
        if not claim.acquire(blocking=False):  # the step has begun: it owns the file
            ended.wait()  # blocks this loop for at most the step in flight
        raise
