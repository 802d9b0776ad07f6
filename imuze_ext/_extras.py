"""Optional extras (`pip install 'imuze[mock]'`): a missing one is named in one readable line.

    with requires_extra("mock", "the imuze mock", MOCK_PACKAGES):
        from imuze_mock.app import create_app

Only a missing package of that extra is translated; any other ImportError (a broken
install, a bug) propagates as is, so that it is not hidden behind a wrong hint.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

MOCK_PACKAGES = frozenset({"starlette", "uvicorn", "lameenc", "numpy", "httptools", "uvloop"})
"""The top-level modules the `mock` extra installs."""


class MissingExtraError(ImportError):
    """A feature needs an optional extra that is not installed.

    An ImportError, so that `except ImportError` still catches it; its message is one line
    that names the extra and the command that installs it.
    """

    def __init__(self, extra: str, feature: str, missing: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the '{extra}' extra ({missing} is not installed): "
            f"pip install 'imuze[{extra}]'",
            name=missing,
        )


@contextlib.contextmanager
def requires_extra(extra: str, feature: str, packages: frozenset[str]) -> Iterator[None]:
    """Turn a missing package of `extra` imported in the block into MissingExtraError."""
    try:
        yield
    except ModuleNotFoundError as exc:
        top = (exc.name or "").partition(".")[0]
        if top not in packages:
            raise
        raise MissingExtraError(extra, feature, top) from None
