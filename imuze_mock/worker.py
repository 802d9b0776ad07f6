"""The bounded render pool: real work, off the event loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class QueueFull(Exception):
    """Every worker is busy and the queue is full."""


class RenderPool:
    """A thread pool that refuses work beyond ``workers + max_queue`` pending jobs.

    Threads suit the job: numpy and LAME do the heavy lifting, and the pool also works
    when the app runs in-process (e.g. under httpx.ASGITransport) with no server at all.
    """

    def __init__(self, workers: int, max_queue: int) -> None:
        self._workers = max(1, workers)
        self._capacity = self._workers + max(0, max_queue)
        self._pending = 0
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    @property
    def pending(self) -> int:
        """Jobs queued or running."""
        return self._pending

    def has_room(self) -> bool:
        """Whether a job submitted now would be accepted."""
        return self._pending < self._capacity

    def submit(self, job: Callable[[], None]) -> None:
        """Run ``job`` on a worker; QueueFull if the pool is at capacity."""
        with self._lock:
            if self._pending >= self._capacity:
                raise QueueFull
            self._pending += 1
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    self._workers, thread_name_prefix="imuze-render"
                )
            executor = self._executor
        executor.submit(job).add_done_callback(self._done)

    def _done(self, _: Future[None]) -> None:
        with self._lock:
            self._pending -= 1

    def shutdown(self) -> None:
        """Stop the workers, dropping queued jobs."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
