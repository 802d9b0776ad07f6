"""How tests start a child process as a user's shell would."""

from __future__ import annotations

import signal


def as_from_a_shell() -> None:
    """In the child, before exec: SIGINT as a shell starts a command, its default action and
    unblocked. A test runner's process may carry another disposition (SIG_IGN is inherited
    across exec, and Python then never raises KeyboardInterrupt), which is not the user's
    world the tests are about."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
