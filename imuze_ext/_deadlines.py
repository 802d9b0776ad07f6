"""Time limits: one per attempt (`timeout`), one per call (`deadline`), one per wait.

A *call* is one method of the client (`songs.get`, `songs.download`...): its login, its
request, and all their retries. The call's state lives in a context variable, so every
layer under it (the auth flow, the retrying transport, the network streams) sees the same
deadline and spends the same retry budget, in sync code and in async tasks alike.

- An attempt (one request and its whole answer body) ends by `attempt_end`: its start
  plus the attempt limit (see `attempt_seconds`). Streamed bodies (downloads) have no
  attempt limit: for them `timeout` is a stall limit, httpx's read timeout.
- A call ends by `deadline`: its start plus the call's deadline, and never after the end
  of an enclosing wait (`bounded`).

These are pure decisions and a context variable; the network streams of `_network`
shorten each read, write and connect to what is left, so a trickling server cannot hold
an attempt open past its end.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from collections.abc import Iterator
from typing import Literal, NamedTuple

import httpx

Limit = Literal["timeout", "deadline", "stall"]


class Limits(NamedTuple):  # immutable; a NamedTuple costs `import imuze` less than a dataclass
    """A client's limits: `attempt` s per attempt, `deadline` s per call (None: none), and
    the retries of a call. `explicit` tells a deadline the caller set from the default."""

    attempt: float | None
    deadline: float | None
    max_retries: int
    explicit: bool = False


class Call:
    """One call in progress: when it started, when it must end, the retries left.

    (A plain class: one is made per call, and a dataclass costs `import imuze` its
    generated code.)
    """

    __slots__ = (
        "attempt_end",
        "attempt_seconds",
        "attempt_started",
        "attempts",
        "deadline",
        "deadline_seconds",
        "retries_left",
        "settled",
        "started",
        "until",
    )

    def __init__(
        self,
        started: float,
        deadline: float | None,
        deadline_seconds: float | None,
        *,
        retries_left: int | None = None,
        settled: bool = False,
        until: float | None = None,
    ) -> None:
        self.started = started
        self.deadline = deadline
        self.deadline_seconds = deadline_seconds
        self.retries_left = retries_left
        self.settled = settled
        self.until: float | None = until
        """The first of the attempt's end and the call's deadline (monotonic), or None."""
        self.attempts = 0
        self.attempt_started = 0.0
        self.attempt_end: float | None = None
        self.attempt_seconds: float | None = None

    def _update(self) -> None:
        self.until = _earliest(self.attempt_end, self.deadline)

    def remaining(self, now: float | None = None) -> float | None:
        """Seconds left of the attempt and the call (None: no limit)."""
        until = self.until
        return None if until is None else until - (time.monotonic() if now is None else now)


_call: contextvars.ContextVar[Call | None] = contextvars.ContextVar("imuze_call", default=None)
_bound: contextvars.ContextVar[float | None] = contextvars.ContextVar("imuze_bound", default=None)


def attempt_seconds(timeout: httpx.Timeout) -> float | None:
    """The wall clock of one attempt: the largest value `timeout` sets (a float timeout
    sets them all), or None when it sets none."""
    values = [v for v in (timeout.connect, timeout.read, timeout.write, timeout.pool) if v]
    return max(values) if values else None


def check_seconds(name: str, value: float | None) -> float | None:
    """`value` when it is None or a finite number of seconds > 0; else ValueError."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number of seconds > 0, not {value!r}")
    return value


def current() -> Call | None:
    """The call in progress in this thread or task, if any."""
    return _call.get()


def _earliest(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    return a if b is None or a < b else b


class call_scope:  # lower case: used as a context manager, as contextlib names its own
    """Run one call: its layers share this Call. Nested scopes join the outer call.

    With `settled`, `deadline` is the call's deadline (None: none); otherwise the
    retrying transport settles it from its client's Limits on the first request.
    (A class, not a generator: it runs on every request, and this is cheaper.)
    """

    __slots__ = ("_call", "_token")

    def __init__(self, deadline: float | None = None, *, settled: bool = False) -> None:
        outer = _call.get()
        self._token: contextvars.Token[Call | None] | None = None
        if outer is not None:
            self._call = outer
            return
        now = time.monotonic()
        own = None if deadline is None else now + deadline
        end = _earliest(own, _bound.get())
        self._call = Call(now, end, deadline, settled=settled, until=end)

    def __enter__(self) -> Call:
        if self._call is not _call.get():
            self._token = _call.set(self._call)
        return self._call

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _call.reset(self._token)
            self._token = None


def settle(call: Call, limits: Limits) -> None:
    """Give a call opened without limits its client's deadline and retry budget."""
    if call.retries_left is None:
        call.retries_left = limits.max_retries
    if not call.settled:
        call.settled = True
        call.deadline_seconds = limits.deadline
        if limits.deadline is not None:
            call.deadline = _earliest(call.deadline, call.started + limits.deadline)
            call._update()


def begin_attempt(call: Call, seconds: float | None) -> None:
    """Start an attempt now; it may last `seconds` (None: only the call's deadline)."""
    call.attempts += 1
    call.attempt_started = time.monotonic()
    call.attempt_seconds = seconds
    call.attempt_end = None if seconds is None else call.attempt_started + seconds
    call._update()


def may_wait(call: Call, delay: float, now: float | None = None) -> bool:
    """Whether the call may sleep `delay` s and try again: a retry is left, and the next
    attempt would start before the deadline. A yes spends the retry."""
    if call.retries_left is not None and call.retries_left <= 0:
        return False
    if call.deadline is not None:
        now = time.monotonic() if now is None else now
        if now + delay >= call.deadline:
            return False
    if call.retries_left is not None:
        call.retries_left -= 1
    return True


@contextlib.contextmanager
def bounded(end: float) -> Iterator[None]:
    """Every call begun inside ends by `end` (monotonic) at the latest: a wait's deadline."""
    token = _bound.set(_earliest(end, _bound.get()))
    try:
        yield
    finally:
        _bound.reset(token)


def io_timeout(given: float | None, expired: type[Exception] = TimeoutError) -> float | None:
    """The timeout of one read, write or connect: httpx's own, shortened to what is left of
    the attempt and the call; raises `expired` when nothing is left."""
    call = _call.get()
    if call is None or call.until is None:
        return given
    left = call.until - time.monotonic()
    if left <= 0:
        raise expired("the attempt's or the call's time is up")
    return left if given is None else min(given, left)


def limit_hit(call: Call | None, now: float | None = None) -> Limit:
    """Which limit a timeout hit: the call's deadline, the attempt's timeout, else the
    stall (httpx's per-operation timeout: no byte for that long)."""
    if call is None:
        return "stall"
    now = time.monotonic() if now is None else now
    if call.deadline is not None and now >= call.deadline - 0.005:
        return "deadline"
    if call.attempt_end is not None and now >= call.attempt_end - 0.005:
        return "timeout"
    return "stall"


def describe_timeout(call: Call | None) -> tuple[Limit, float, str]:
    """(limit, seconds the call ran, a readable phrase) for a timed-out call."""
    now = time.monotonic()
    limit = limit_hit(call, now)
    if call is None:
        return limit, 0.0, "no answer within the read timeout"
    elapsed = now - call.started
    tries = f" after {call.attempts} attempt{'s' * (call.attempts != 1)}"
    if limit == "deadline":
        total = call.deadline - call.started if call.deadline is not None else elapsed
        phrase = f"the call's deadline ({total:.1f} s) passed{tries}"
    elif limit == "timeout":
        phrase = f"an attempt's timeout ({call.attempt_seconds:.1f} s) passed{tries}"
    else:
        phrase = f"no byte arrived within the stall limit{tries}"
    return limit, elapsed, phrase
