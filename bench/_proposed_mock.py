"""The mock with the GET-path fix RESULTS.md proposes but the mock does not ship, for a what-if.

`python bench/_proposed_mock.py` serves `imuze_mock.create_app()` (default config) with one
change, made in this process only: each answer's status line + headers are held back and sent
in one write with its body (uvicorn writes them separately: two TCP segments per answer).
It is not shipped because it proxies uvicorn's transport and recognises header blocks by
their bytes, which ties the mock to uvicorn's internals.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from uvicorn.protocols.http import httptools_impl

from imuze_mock import MockConfig, create_app
from imuze_mock.server import base_url_of, bind, uvicorn_server


class _OneWritePerAnswer:
    """A transport proxy that sends a response's header block together with its body."""

    def __init__(self, inner: asyncio.Transport) -> None:
        self._inner = inner
        self._held = b""

    def write(self, data: bytes) -> None:
        if self._held:
            data, self._held = self._held + data, b""
        elif data.startswith(b"HTTP/1.1 ") and not data.startswith(b"HTTP/1.1 100"):
            self._held = bytes(data)  # the header block; its body write follows
            return
        self._inner.write(data)

    def close(self) -> None:
        if self._held:
            self._inner.write(self._held)
            self._held = b""
        self._inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def main() -> None:
    connection_made = httptools_impl.HttpToolsProtocol.connection_made

    def wrapped(self: Any, transport: Any) -> None:
        connection_made(self, _OneWritePerAnswer(transport))

    httptools_impl.HttpToolsProtocol.connection_made = wrapped  # type: ignore[method-assign]
    config = MockConfig()
    app = create_app(config)
    sock = bind("127.0.0.1", 0)
    server = uvicorn_server(app, config)
    print(f"imuze-mock (proposed): the iMuze API v4 at {base_url_of(sock)}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])


if __name__ == "__main__":
    main()
