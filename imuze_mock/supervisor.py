"""Exec mode: a command run against a mock that lives as long as it, supervised.

- The command's environment holds exactly the ``IMUZE_*`` credentials the mock sets
  (``IMUZE_BASE_URL``, ``IMUZE_EMAIL``, ``IMUZE_PASSWORD``, ``IMUZE_OTHER_EMAIL``,
  ``IMUZE_OTHER_PASSWORD``): every other inherited ``IMUZE_*`` variable but the settings
  ``IMUZE_LOG`` and ``IMUZE_STRICT`` is removed (an inherited ``IMUZE_API_KEY`` would
  outrank the login, and send a real key to the mock).
- SIGINT, SIGTERM and SIGHUP sent to the mock are forwarded to the command, once: a
  terminal's Ctrl+C or hang-up, which reaches the command directly (same process group), is
  not sent again. The mock keeps serving while the command cleans up; if it still runs
  ``grace`` seconds after the first signal, it is killed (SIGKILL).
- The mock stops once the command exits, and exits with its code (128 + N for signal N).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence

from .config import EXEC_GRACE_SECONDS, MockConfig
from .server import MockServer, make_server, serving

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""The signals exec mode forwards to its command."""

GRACE_SECONDS = EXEC_GRACE_SECONDS
"""How long the command may take to exit after a forwarded signal, by default."""

KEPT = frozenset({"IMUZE_LOG", "IMUZE_STRICT"})
"""Inherited ``IMUZE_*`` variables the command keeps: settings, not credentials."""


class CommandNotStarted(Exception):
    """The command could not be started; ``error`` says why."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror)
        self.error = error


_SI_KERNEL = 0x80  # si_code of a signal the kernel sent: a terminal's Ctrl+C or hang-up
_POLL_SECONDS = 0.05


def command_env(
    server: MockServer, inherited: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The command's environment, and the inherited ``IMUZE_*`` names it does not get."""
    removed = sorted(name for name in inherited if name.startswith("IMUZE_") and name not in KEPT)
    env = {name: value for name, value in inherited.items() if name not in removed}
    env.update(
        {
            "IMUZE_BASE_URL": server.base_url,
            "IMUZE_EMAIL": server.demo.email,
            "IMUZE_PASSWORD": server.demo.password,
            # The second user, so that `imuze contract` checks object-level authorization.
            "IMUZE_OTHER_EMAIL": server.other.email,
            "IMUZE_OTHER_PASSWORD": server.other.password,
        }
    )
    return env, removed


def _wait(child: subprocess.Popen[bytes], grace: float) -> int:
    """Forward signals to ``child`` until it exits; kill it ``grace`` s after the first."""
    deadline: float | None = None
    while (code := child.poll()) is None:
        timeout = _POLL_SECONDS
        if deadline is not None:
            timeout = max(0.0, min(timeout, deadline - time.monotonic()))
        info = signal.sigtimedwait(FORWARDED, timeout)
        if info is not None:
            if info.si_code != _SI_KERNEL:
                child.send_signal(info.si_signo)
            if deadline is None:
                deadline = time.monotonic() + grace
        elif deadline is not None and time.monotonic() >= deadline:
            child.kill()
            deadline = float("inf")
    return code if code >= 0 else 128 - code


def run_command(
    config: MockConfig,
    command: Sequence[str],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    access_log: bool = False,
    grace: float = GRACE_SECONDS,
    on_ready: Callable[[MockServer, list[str]], None] | None = None,
) -> int:
    """Serve a mock, run ``command`` against it under supervision, return its exit code.

    ``on_ready`` gets the server and the removed variable names before the command starts
    (for the banner). CommandNotStarted if the command cannot be started, OSError if the
    port cannot be bound.
    """
    if not command:
        raise ValueError("exec mode needs a command after --")
    described, server, sock = make_server(config, host, port, access_log=access_log)
    env, removed = command_env(described, os.environ)
    if on_ready is not None:
        on_ready(described, removed)
    # Blocked before the command starts: a signal sent as soon as the command runs (it may
    # already have said it is ready) waits for `_wait` instead of killing the mock and
    # orphaning the command. Blocked before the server's thread starts too, so that every
    # thread inherits the mask. The command itself gets the mask as it was.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED)
    try:  # preexec_fn is safe here: no thread of ours runs yet
        child = subprocess.Popen(  # noqa: S603 (the user's own command)
            list(command),
            env=env,
            preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_SETMASK, previous),
        )
    except OSError as error:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        sock.close()
        raise CommandNotStarted(error) from None
    try:
        try:
            with serving(described, server, sock):
                return _wait(child, grace)
        finally:
            while signal.sigtimedwait(FORWARDED, 0) is not None:
                pass  # a signal that came after the command exited: nobody to forward it to
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    finally:
        if child.poll() is None:  # only on an error of our own
            child.kill()
            child.wait()
