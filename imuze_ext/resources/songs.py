"""`api.songs`: create, list, show, wait for, download and compose songs (sync and async).

The calls of the generated operations are here; one poll of a wait is in _song_polling,
the choice of the mp3 to fetch in _song_media, the raw twins in songs_raw. Each generated
operation module is imported at its first call, not by `import imuze`.
"""

from __future__ import annotations

import builtins
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, overload

import httpx
from imuze_client import Client
from imuze_client.models import Song, SongCreate, SongCreated, SongList, SongSummary

from .. import _polling
from .._calls import acall_full, call_full
from .._deadlines import Limits
from .._raw_response import RawResponse
from .._tolerance import Tolerance
from ..errors import ImuzeError
from . import _song_polling
from ._song_media import SongRef, asave, ready_media, save, song_id_of

if TYPE_CHECKING:
    from .._download import ProgressCallback
    from .songs_raw import AsyncSongsWithRawResponse, SongsWithRawResponse

__all__ = ["DEFAULT_COMPOSE_TIMEOUT", "AsyncSongs", "SongRef", "Songs", "song_id_of"]

DEFAULT_COMPOSE_TIMEOUT = 300.0


def create_body(
    title: str, desired_length: int, arrangement_id: int | None, tags: Sequence[str]
) -> SongCreate:
    """The body of a create."""
    return SongCreate(
        title=title, arrangement_id=arrangement_id, tags=list(tags), desired_length=desired_length
    )


def send_create(client: Client, body: SongCreate, tolerance: Tolerance) -> RawResponse[SongCreated]:
    """createSong, judged."""
    from imuze_client.api.songs import create_song

    return call_full(
        lambda: create_song.sync_detailed(client=client, body=body),
        "createSong",
        SongCreated,
        tolerance,
    )


def send_list(client: Client, tolerance: Tolerance) -> RawResponse[SongList]:
    """listSongs, judged."""
    from imuze_client.api.songs import list_songs

    return call_full(
        lambda: list_songs.sync_detailed(client=client), "listSongs", SongList, tolerance
    )


def send_get(client: Client, id: int, tolerance: Tolerance) -> RawResponse[Song]:
    """getSong, judged."""
    from imuze_client.api.songs import get_song

    return call_full(lambda: get_song.sync_detailed(id, client=client), "getSong", Song, tolerance)


async def asend_create(
    client: Client, body: SongCreate, tolerance: Tolerance
) -> RawResponse[SongCreated]:
    """createSong, judged (async)."""
    from imuze_client.api.songs import create_song

    return await acall_full(
        lambda: create_song.asyncio_detailed(client=client, body=body),
        "createSong",
        SongCreated,
        tolerance,
    )


async def asend_list(client: Client, tolerance: Tolerance) -> RawResponse[SongList]:
    """listSongs, judged (async)."""
    from imuze_client.api.songs import list_songs

    return await acall_full(
        lambda: list_songs.asyncio_detailed(client=client), "listSongs", SongList, tolerance
    )


async def asend_get(client: Client, id: int, tolerance: Tolerance) -> RawResponse[Song]:
    """getSong, judged (async)."""
    from imuze_client.api.songs import get_song

    return await acall_full(
        lambda: get_song.asyncio_detailed(id, client=client), "getSong", Song, tolerance
    )


class Songs:
    """Songs: create one, follow it until it is ready, download its mp3."""

    def __init__(
        self, client: Client, http: httpx.Client, limits: Limits, tolerance: Tolerance
    ) -> None:
        self._client = client
        self._tolerance = tolerance
        self._http = http
        self._limits = limits

    @property
    def with_raw_response(self) -> SongsWithRawResponse:
        """The calls that make one request, answering RawResponse (model, status, headers)."""
        from .songs_raw import SongsWithRawResponse

        return SongsWithRawResponse(self._client, self._tolerance)

    def create(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> SongCreated:
        """Create a song (still processing). With no arrangement_id, the tags choose one."""
        body = create_body(title, desired_length, arrangement_id, tags)
        return send_create(self._client, body, self._tolerance).parse()

    def post(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> SongCreated:
        """The reference's spelling of `create`."""
        return self.create(
            title=title, desired_length=desired_length, arrangement_id=arrangement_id, tags=tags
        )

    def list(self) -> SongList:
        """Your songs (`count` and `response`), with each one's status."""
        return send_list(self._client, self._tolerance).parse()

    @overload
    def get(self) -> SongList: ...
    @overload
    def get(self, id: int) -> Song: ...
    def get(self, id: int | None = None) -> Song | SongList:
        """Show one song; with no id, list them all."""
        if id is None:
            return self.list()
        return send_get(self._client, id, self._tolerance).parse()

    def _poll(self, song_id: int) -> _polling.Fetched:
        try:
            answer = send_get(self._client, song_id, self._tolerance)
        except ImuzeError as exc:
            return None, _song_polling.transient(exc)
        return _song_polling.fetched(answer, self._tolerance)

    def _poll_list(self, ids: Sequence[int]) -> _polling.ListFetched:
        try:
            answer = send_list(self._client, self._tolerance)
        except ImuzeError as exc:
            return None, _song_polling.transient(exc)
        return _song_polling.listed(answer, ids, self._tolerance)

    def wait(
        self,
        song: SongRef,
        *,
        timeout: float,
        interval: float = _polling.DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Song:
        """Poll the song until it is ready and return it. SongFailedError at once when its
        status says it failed; SongTimeoutError after `timeout` seconds, which also bound
        each poll and its retries. The interval (from 0.5 s) grows up to 10 s."""
        song_id = song_id_of(song)
        return _polling.wait_for_song(
            song_id,
            lambda: self._poll(song_id),
            timeout=timeout,
            interval=interval,
            clock=clock,
            sleep=sleep,
        )

    def wait_all(
        self,
        songs: Iterable[SongRef],
        *,
        timeout: float,
        interval: float = _polling.DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> builtins.list[SongSummary]:
        """Wait for many songs with one list request per round; return them in order.
        SongFailedError names the failed songs and the pending ones."""
        ids = [song_id_of(song) for song in songs]
        return _polling.wait_for_songs(
            ids,
            lambda: self._poll_list(ids),
            timeout=timeout,
            interval=interval,
            clock=clock,
            sleep=sleep,
        )

    def download(
        self,
        song: SongRef,
        dest: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
        deadline: float | None = None,
    ) -> Path:
        """Download a ready song's mp3 to `dest` (a file, or a folder to name it in).
        The client's timeout is a stall limit; `deadline` (s) bounds the whole transfer."""
        ready = ready_media(song) or self.get(song_id_of(song))
        return save(self._http, ready, dest, self._limits, deadline, progress)

    def compose(
        self,
        *,
        title: str,
        desired_length: int,
        dest: str | os.PathLike[str],
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
        timeout: float = DEFAULT_COMPOSE_TIMEOUT,
        progress: ProgressCallback | None = None,
    ) -> Path:
        """Create a song, wait until it is ready (up to `timeout` s), download it to `dest`."""
        created = self.create(
            title=title, desired_length=desired_length, arrangement_id=arrangement_id, tags=tags
        )
        song = self.wait(created, timeout=timeout)
        return self.download(song, dest, progress=progress)


async def _asyncio_sleep(seconds: float) -> None:
    """asyncio.sleep, imported at the first async wait rather than by `import imuze`."""
    import asyncio

    await asyncio.sleep(seconds)


class AsyncSongs:
    """The async twin of Songs; waits run concurrently with asyncio.gather."""

    def __init__(
        self, client: Client, http: httpx.AsyncClient, limits: Limits, tolerance: Tolerance
    ) -> None:
        self._client = client
        self._tolerance = tolerance
        self._http = http
        self._limits = limits

    @property
    def with_raw_response(self) -> AsyncSongsWithRawResponse:
        """The calls that make one request, answering RawResponse (model, status, headers)."""
        from .songs_raw import AsyncSongsWithRawResponse

        return AsyncSongsWithRawResponse(self._client, self._tolerance)

    async def create(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> SongCreated:
        """Create a song (still processing). With no arrangement_id, the tags choose one."""
        body = create_body(title, desired_length, arrangement_id, tags)
        return (await asend_create(self._client, body, self._tolerance)).parse()

    async def post(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> SongCreated:
        """The reference's spelling of `create`."""
        return await self.create(
            title=title, desired_length=desired_length, arrangement_id=arrangement_id, tags=tags
        )

    async def list(self) -> SongList:
        """Your songs (`count` and `response`), with each one's status."""
        return (await asend_list(self._client, self._tolerance)).parse()

    @overload
    async def get(self) -> SongList: ...
    @overload
    async def get(self, id: int) -> Song: ...
    async def get(self, id: int | None = None) -> Song | SongList:
        """Show one song; with no id, list them all."""
        if id is None:
            return await self.list()
        return (await asend_get(self._client, id, self._tolerance)).parse()

    async def _poll(self, song_id: int) -> _polling.Fetched:
        try:
            answer = await asend_get(self._client, song_id, self._tolerance)
        except ImuzeError as exc:
            return None, _song_polling.transient(exc)
        return _song_polling.fetched(answer, self._tolerance)

    async def _poll_list(self, ids: Sequence[int]) -> _polling.ListFetched:
        try:
            answer = await asend_list(self._client, self._tolerance)
        except ImuzeError as exc:
            return None, _song_polling.transient(exc)
        return _song_polling.listed(answer, ids, self._tolerance)

    async def wait(
        self,
        song: SongRef,
        *,
        timeout: float,  # noqa: ASYNC109 - a polling deadline (injectable clock), not a cancel scope
        interval: float = _polling.DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = _asyncio_sleep,
    ) -> Song:
        """The async twin of Songs.wait."""
        song_id = song_id_of(song)
        return await _polling.await_song(
            song_id,
            lambda: self._poll(song_id),
            timeout=timeout,
            interval=interval,
            clock=clock,
            sleep=sleep,
        )

    async def wait_all(
        self,
        songs: Iterable[SongRef],
        *,
        timeout: float,  # noqa: ASYNC109 - a polling deadline (injectable clock), not a cancel scope
        interval: float = _polling.DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = _asyncio_sleep,
    ) -> builtins.list[SongSummary]:
        """The async twin of Songs.wait_all."""
        ids = [song_id_of(song) for song in songs]
        return await _polling.await_songs(
            ids,
            lambda: self._poll_list(ids),
            timeout=timeout,
            interval=interval,
            clock=clock,
            sleep=sleep,
        )

    async def download(
        self,
        song: SongRef,
        dest: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
        deadline: float | None = None,
    ) -> Path:
        """The async twin of Songs.download."""
        ready = ready_media(song) or await self.get(song_id_of(song))
        return await asave(self._http, ready, dest, self._limits, deadline, progress)

    async def compose(
        self,
        *,
        title: str,
        desired_length: int,
        dest: str | os.PathLike[str],
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
        timeout: float = DEFAULT_COMPOSE_TIMEOUT,  # noqa: ASYNC109 - a polling deadline (injectable clock), not a cancel scope
        progress: ProgressCallback | None = None,
    ) -> Path:
        """Create a song, wait until it is ready (up to `timeout` s), download it to `dest`."""
        created = await self.create(
            title=title, desired_length=desired_length, arrangement_id=arrangement_id, tags=tags
        )
        song = await self.wait(created, timeout=timeout)
        return await self.download(song, dest, progress=progress)
