"""The bounded render pool: real work, off the event loop."""

from __future__ import annotations

import logging
import queue
import threading
import weakref
from collections.abc import Callable

logger = logging.getLogger("imuze_mock")

Job = Callable[[], None]


class QueueFull(Exception):
    """Every worker is busy and the queue is full."""


class _Pending:
    """The count of jobs queued or running, shared by a pool and its threads."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()


def _work(jobs: queue.SimpleQueue[Job | None], pending: _Pending) -> None:
    # No reference to the pool itself: when the pool goes, its finalizer stops the threads.
    while (job := jobs.get()) is not None:
        try:
            job()
        except Exception:
            logger.exception("a render job failed")
        finally:
            with pending.lock:
                pending.count -= 1


class Slot:
    """A reserved place in a RenderPool: use it once, with ``run`` or ``cancel``."""

    def __init__(self, jobs: queue.SimpleQueue[Job | None], pending: _Pending) -> None:
        self._jobs: queue.SimpleQueue[Job | None] | None = jobs
        self._pending = pending

    def run(self, job: Job) -> None:
        """Queue ``job`` in the reserved place."""
        if self._jobs is not None:
            self._jobs.put(job)
            self._jobs = None

    def cancel(self) -> None:
        """Hand the place back unused."""
        if self._jobs is not None:
            self._jobs = None
            with self._pending.lock:
                self._pending.count -= 1


class RenderPool:
    """A few daemon threads that refuse work beyond ``workers + max_queue`` pending jobs.

    Threads suit the job: numpy and LAME do the heavy lifting, and the pool also works
    when the app runs in-process (e.g. under httpx.ASGITransport) with no server at all.
    Daemon threads never hold up the interpreter's exit with renders nobody will fetch.
    """

    def __init__(self, workers: int, max_queue: int) -> None:
        self._workers = max(1, workers)
        self._capacity = self._workers + max(0, max_queue)
        self._pending = _Pending()
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    @property
    def pending(self) -> int:
        """Jobs queued or running."""
        return self._pending.count

    def has_room(self) -> bool:
        """Whether a job submitted now would be accepted."""
        return self._pending.count < self._capacity

    def submit(self, job: Job) -> None:
        """Run ``job`` on a worker; QueueFull if the pool is at capacity."""
        self.reserve().run(job)

    def reserve(self) -> Slot:
        """A place for one job, taken now (QueueFull if there is none): the job is given
        later (``Slot.run``), or the place handed back (``Slot.cancel``)."""
        with self._pending.lock:
            if self._pending.count >= self._capacity:
                raise QueueFull
            self._pending.count += 1
            if not self._threads:
                self._start()
        return Slot(self._jobs, self._pending)

    def shutdown(self) -> None:
        """Stop the workers once they finish their current job; queued jobs are dropped."""
        with self._pending.lock:
            threads, self._threads = self._threads, []
            while True:
                try:
                    dropped = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if dropped is not None:
                    self._pending.count -= 1
        for _ in threads:
            self._jobs.put(None)

    def _start(self) -> None:
        for n in range(self._workers):
            thread = threading.Thread(
                target=_work,
                args=(self._jobs, self._pending),
                name=f"imuze-render-{n}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        # A pool nobody holds any more (an in-process app that was dropped) stops its threads.
        weakref.finalize(self, _stop, self._jobs, self._workers)


def _stop(jobs: queue.SimpleQueue[Job | None], workers: int) -> None:
    for _ in range(workers):
        jobs.put(None)
