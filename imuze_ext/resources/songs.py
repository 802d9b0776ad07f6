"""`api.songs`: create, list, show, wait for, download and compose songs (sync and async)."""

from __future__ import annotations

import asyncio
import builtins
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import overload

import httpx
from imuze_client import Client
from imuze_client.api.songs import create_song, get_song, list_songs
from imuze_client.models import Song, SongCreate, SongCreated, SongList, SongSummary

from .. import _polling
from .._calls import acall_full, call_full
from .._download import ProgressCallback, adownload, download, target_path
from .._raw_response import RawResponse
from .._retry import retry_after_seconds
from .._tolerance import Tolerance
from ..errors import ImuzeError, SongFailedError, SongNotReadyError

SongRef = int | Song | SongSummary | SongCreated
"""A song id, or any song model the API answered."""

DEFAULT_COMPOSE_TIMEOUT = 300.0


def song_id_of(song: SongRef) -> int:
    """The id of a song given by id or by model."""
    return song if isinstance(song, int) else song.id


def _create_body(
    title: str, desired_length: int, arrangement_id: int | None, tags: Sequence[str]
) -> SongCreate:
    return SongCreate(
        title=title, arrangement_id=arrangement_id, tags=list(tags), desired_length=desired_length
    )


def _ready_media(song: SongRef) -> Song | SongSummary | None:
    """The song itself when it already names its mp3, else None (fetch it first)."""
    if isinstance(song, (Song, SongSummary)) and _polling.is_ready(song.status) and song.mp3_url:
        return song
    return None


def _media_of(song: Song) -> str:
    if not _polling.is_ready(song.status):
        raise SongNotReadyError(song.id, str(song.status))
    if not song.mp3_url:
        raise SongFailedError(song.id, "it is ready but has no mp3_url")
    return song.mp3_url


def _create(client: Client, body: SongCreate, tolerance: Tolerance) -> RawResponse[SongCreated]:
    return call_full(
        lambda: create_song.sync_detailed(client=client, body=body),
        "createSong",
        SongCreated,
        tolerance,
    )


def _list(client: Client, tolerance: Tolerance) -> RawResponse[SongList]:
    return call_full(
        lambda: list_songs.sync_detailed(client=client), "listSongs", SongList, tolerance
    )


def _get(client: Client, id: int, tolerance: Tolerance) -> RawResponse[Song]:
    return call_full(lambda: get_song.sync_detailed(id, client=client), "getSong", Song, tolerance)


async def _acreate(
    client: Client, body: SongCreate, tolerance: Tolerance
) -> RawResponse[SongCreated]:
    return await acall_full(
        lambda: create_song.asyncio_detailed(client=client, body=body),
        "createSong",
        SongCreated,
        tolerance,
    )


async def _alist(client: Client, tolerance: Tolerance) -> RawResponse[SongList]:
    return await acall_full(
        lambda: list_songs.asyncio_detailed(client=client), "listSongs", SongList, tolerance
    )


async def _aget(client: Client, id: int, tolerance: Tolerance) -> RawResponse[Song]:
    return await acall_full(
        lambda: get_song.asyncio_detailed(id, client=client), "getSong", Song, tolerance
    )


def _transient(exc: ImuzeError) -> float:
    """The delay before polling again after an error a wait outlives; re-raise any other."""
    delay = _polling.transient_delay(exc)
    if delay is None:
        raise exc
    return delay


class Songs:
    """Songs: create one, follow it until it is ready, download its mp3."""

    def __init__(
        self, client: Client, http: httpx.Client, max_retries: int, tolerance: Tolerance
    ) -> None:
        self._client = client
        self._tolerance = tolerance
        self._http = http
        self._max_retries = max_retries

    @property
    def with_raw_response(self) -> SongsWithRawResponse:
        """The calls that make one request, answering RawResponse (model, status, headers)."""
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
        body = _create_body(title, desired_length, arrangement_id, tags)
        return _create(self._client, body, self._tolerance).parse()

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
        return _list(self._client, self._tolerance).parse()

    @overload
    def get(self) -> SongList: ...
    @overload
    def get(self, id: int) -> Song: ...
    def get(self, id: int | None = None) -> Song | SongList:
        """Show one song; with no id, list them all."""
        if id is None:
            return self.list()
        return _get(self._client, id, self._tolerance).parse()

    def _poll(self, song_id: int) -> _polling.Fetched:
        try:
            answer = _get(self._client, song_id, self._tolerance)
        except ImuzeError as exc:
            return None, _transient(exc)
        return answer.parse(), retry_after_seconds(answer.headers.get("Retry-After"))

    def _poll_list(self) -> _polling.ListFetched:
        try:
            answer = _list(self._client, self._tolerance)
        except ImuzeError as exc:
            return None, _transient(exc)
        return answer.parse().response, retry_after_seconds(answer.headers.get("Retry-After"))

    def wait(
        self,
        song: SongRef,
        *,
        timeout: float,
        interval: float = _polling.DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Song:
        """Poll the song until it is ready and return it; SongTimeoutError after `timeout`
        seconds. The interval (from 0.5 s) grows up to 10 s; `clock` and `sleep` are injectable."""
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
        """Wait for many songs with one list request per round; return them in order."""
        ids = [song_id_of(song) for song in songs]
        return _polling.wait_for_songs(
            ids, self._poll_list, timeout=timeout, interval=interval, clock=clock, sleep=sleep
        )

    def download(
        self,
        song: SongRef,
        dest: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
    ) -> Path:
        """Download a ready song's mp3 to `dest` (a file, or a folder to name it in)."""
        ready = _ready_media(song) or self.get(song_id_of(song))
        url = ready.mp3_url if isinstance(ready, SongSummary) else _media_of(ready)
        assert url is not None
        path = target_path(dest, ready.id, ready.title)
        return download(self._http, url, path, max_retries=self._max_retries, progress=progress)

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


class AsyncSongs:
    """The async twin of Songs; waits run concurrently with asyncio.gather."""

    def __init__(
        self, client: Client, http: httpx.AsyncClient, max_retries: int, tolerance: Tolerance
    ) -> None:
        self._client = client
        self._tolerance = tolerance
        self._http = http
        self._max_retries = max_retries

    @property
    def with_raw_response(self) -> AsyncSongsWithRawResponse:
        """The calls that make one request, answering RawResponse (model, status, headers)."""
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
        body = _create_body(title, desired_length, arrangement_id, tags)
        return (await _acreate(self._client, body, self._tolerance)).parse()

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
        return (await _alist(self._client, self._tolerance)).parse()

    @overload
    async def get(self) -> SongList: ...
    @overload
    async def get(self, id: int) -> Song: ...
    async def get(self, id: int | None = None) -> Song | SongList:
        """Show one song; with no id, list them all."""
        if id is None:
            return await self.list()
        return (await _aget(self._client, id, self._tolerance)).parse()

    async def _poll(self, song_id: int) -> _polling.Fetched:
        try:
            answer = await _aget(self._client, song_id, self._tolerance)
        except ImuzeError as exc:
            return None, _transient(exc)
        return answer.parse(), retry_after_seconds(answer.headers.get("Retry-After"))

    async def _poll_list(self) -> _polling.ListFetched:
        try:
            answer = await _alist(self._client, self._tolerance)
        except ImuzeError as exc:
            return None, _transient(exc)
        return answer.parse().response, retry_after_seconds(answer.headers.get("Retry-After"))

    async def wait(
        self,
        song: SongRef,
        *,
        timeout: float,  # noqa: ASYNC109 - a polling deadline (injectable clock), not a cancel scope
        interval: float = _polling.DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> Song:
        """Poll the song until it is ready and return it; SongTimeoutError after `timeout`
        seconds. The interval (from 0.5 s) grows up to 10 s; `clock` and `sleep` are injectable."""
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
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> builtins.list[SongSummary]:
        """Wait for many songs with one list request per round; return them in order."""
        ids = [song_id_of(song) for song in songs]
        return await _polling.await_songs(
            ids, self._poll_list, timeout=timeout, interval=interval, clock=clock, sleep=sleep
        )

    async def download(
        self,
        song: SongRef,
        dest: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
    ) -> Path:
        """Download a ready song's mp3 to `dest` (a file, or a folder to name it in)."""
        ready = _ready_media(song) or await self.get(song_id_of(song))
        url = ready.mp3_url if isinstance(ready, SongSummary) else _media_of(ready)
        assert url is not None
        path = target_path(dest, ready.id, ready.title)
        return await adownload(
            self._http, url, path, max_retries=self._max_retries, progress=progress
        )

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


class SongsWithRawResponse:
    """`api.with_raw_response.songs`: the calls that make one request, each answering a
    RawResponse. The workflows (`wait`, `wait_all`, `download`, `compose`) make many
    requests or stream a file, so they have no raw form: poll with `get`, and read an
    error's `.response`."""

    def __init__(self, client: Client, tolerance: Tolerance) -> None:
        self._client = client
        self._tolerance = tolerance

    def create(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> RawResponse[SongCreated]:
        """Create a song, with the HTTP answer (its status and headers)."""
        return _create(
            self._client, _create_body(title, desired_length, arrangement_id, tags), self._tolerance
        )

    def list(self) -> RawResponse[SongList]:
        """Your songs, with the HTTP answer."""
        return _list(self._client, self._tolerance)

    @overload
    def get(self) -> RawResponse[SongList]: ...
    @overload
    def get(self, id: int) -> RawResponse[Song]: ...
    def get(self, id: int | None = None) -> RawResponse[Song] | RawResponse[SongList]:
        """Show one song (with no id, list them all), with the HTTP answer."""
        return (
            _list(self._client, self._tolerance)
            if id is None
            else _get(self._client, id, self._tolerance)
        )


class AsyncSongsWithRawResponse:
    """The async twin of SongsWithRawResponse."""

    def __init__(self, client: Client, tolerance: Tolerance) -> None:
        self._client = client
        self._tolerance = tolerance

    async def create(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> RawResponse[SongCreated]:
        """Create a song, with the HTTP answer (its status and headers)."""
        body = _create_body(title, desired_length, arrangement_id, tags)
        return await _acreate(self._client, body, self._tolerance)

    async def list(self) -> RawResponse[SongList]:
        """Your songs, with the HTTP answer."""
        return await _alist(self._client, self._tolerance)

    @overload
    async def get(self) -> RawResponse[SongList]: ...
    @overload
    async def get(self, id: int) -> RawResponse[Song]: ...
    async def get(self, id: int | None = None) -> RawResponse[Song] | RawResponse[SongList]:
        """Show one song (with no id, list them all), with the HTTP answer."""
        if id is None:
            return await _alist(self._client, self._tolerance)
        return await _aget(self._client, id, self._tolerance)
