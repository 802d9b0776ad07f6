"""A hostile edge of our own: raw HTTP/1.x over loopback sockets, one behaviour per path.

Clients use the base URL `http://HOST:PORT/<behaviour>/<run>/api/4`: the first segment
picks the behaviour, the second keeps each run's request counts apart (a behaviour may
answer 503 first, then 200). Every behaviour writes bytes itself, so it can lie about
lengths, trickle, reset, send 1xx, speak HTTP/1.0 or redirect in loops. The server keeps
what it received (`seen`), to check where credentials went.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import gzip
import json
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

SIGNATURE = "SIGNATURE0123456789abcdef"
"""The presigned URL's signature: it must never reach a message, a repr or a log."""

PAYLOAD = b"ID3" + (bytes(range(256)) * 40)[3:]  # the "mp3": 10,240 bytes


@dataclass
class Seen:
    """One request the server read: its target and headers (lower-cased names)."""

    host: str
    target: str
    headers: dict[str, str]


def song(
    song_id: int = 1, *, status: str = "ready", title: str = "Edge Song", media: str = ""
) -> dict[str, Any]:
    return {
        "id": song_id,
        "title": title,
        "status": status,
        "mp3_url": media or f"https://cdn.imuze.test/{song_id}.mp3",
        "arrangement_name": "Chamber Strings",
        "timeline_url": "https://cdn.imuze.test/timeline.json",
    }


def created(song_id: int = 1) -> dict[str, Any]:
    return {
        "id": song_id,
        "title": "Edge Song",
        "musical_mode": "Dorian",
        "arrangement_id": 1,
        "timeline_url": "https://cdn.imuze.test/timeline.json",
        "mp3": "https://cdn.imuze.test/1.mp3",
        "status_channel": f"songs/{song_id}/status",
    }


def head(status: str, headers: dict[str, str], version: str = "HTTP/1.1") -> bytes:
    lines = [f"{version} {status}", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode("latin-1")


def answer(status: str, body: bytes, ctype: str = "application/json", **extra: str) -> bytes:
    headers = {"Content-Type": ctype, "Content-Length": str(len(body)), **extra}
    return head(status, headers) + body


def as_json(data: Any, status: str = "200 OK", **extra: str) -> bytes:
    return answer(status, json.dumps(data).encode(), **extra)


@dataclass
class Exchange:
    """What a behaviour gets: the request, the run's count of it, and the socket."""

    method: str
    path: str  # after /<behaviour>/<run>, e.g. /api/4/songs/1
    query: str
    headers: dict[str, str]
    count: int
    origin: str  # http://127.0.0.1:PORT/<behaviour>/<run>
    other_origin: str  # the same server by another host name: another origin
    writer: asyncio.StreamWriter

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def trickle(self, data: bytes, every: float = 0.1) -> None:
        for i in range(len(data)):
            self.writer.write(data[i : i + 1])
            await self.writer.drain()
            await asyncio.sleep(every)

    def reset(self) -> None:
        sock = self.writer.get_extra_info("socket")
        if sock is not None:  # SO_LINGER 0: close() sends a RST, not a FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


Behaviour = Callable[[Exchange], Awaitable[bool]]  # True: keep the connection open


def http_date(offset: float) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


@dataclass
class EdgeServer:
    """The server (in a thread with its own event loop) and what it saw."""

    behaviours: dict[str, Behaviour]
    host: str = "127.0.0.1"
    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def base_url(self, behaviour: str, run: str, *, host: str | None = None) -> str:
        shown = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"http://{shown}:{self.port}/{behaviour}/{run}/api/4"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if headers.get("content-length", "").isdigit():
            await reader.readexactly(int(headers["content-length"]))
        self.seen.append(Seen(headers.get("host", ""), target, headers))
        path, _, query = target.partition("?")
        parts = path.split("/", 3)  # "", behaviour, run, rest
        if len(parts) < 4 or parts[1] not in self.behaviours:
            writer.write(as_json({"error": "no such behaviour"}, "404 Not Found"))
            await writer.drain()
            return True
        key = (parts[1], parts[2], f"{method} /{parts[3]}")
        self.counts[key] += 1
        sockname = writer.get_extra_info("sockname")
        origin_host = f"[{sockname[0]}]" if ":" in sockname[0] else sockname[0]
        other = "localhost" if sockname[0] == "127.0.0.1" else "127.0.0.1"
        exchange = Exchange(
            method=method,
            path="/" + parts[3],
            query=query,
            headers=headers,
            count=self.counts[key],
            origin=f"http://{origin_host}:{self.port}/{parts[1]}/{parts[2]}",
            other_origin=f"http://{other}:{self.port}/{parts[1]}/{parts[2]}",
            writer=writer,
        )
        return await self.behaviours[parts[1]](exchange)


@contextlib.contextmanager
def running(behaviours: dict[str, Behaviour], host: str = "127.0.0.1") -> Iterator[EdgeServer]:
    """Serve the behaviours on a free port of `host` until the block ends."""
    server = EdgeServer(behaviours, host=host)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, asyncio.base_events.Server] = {}

    async def start() -> None:
        listener = await asyncio.start_server(server._handle, host, 0, limit=2**20)
        server.port = listener.sockets[0].getsockname()[1]
        holder["server"] = listener
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)

    async def stop() -> None:
        holder["server"].close()
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def deflated(data: bytes) -> bytes:
    return zlib.compress(data)
