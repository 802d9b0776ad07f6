"""`api.songs`: create, list, show, wait for, download and compose songs (sync and async).

The operations are in one table; one poll of a wait is in _polling, the transfer in
_download. The raw twins (`with_raw_response`) answer the calls that make one request.
"""

from __future__ import annotations

import builtins
import math
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import ClassVar, overload

import anyio
import httpx
from imuze_client import Client
from imuze_client.api.songs import create_song, get_song, list_songs
from imuze_client.models import Song, SongCreate, SongCreated, SongList, SongSummary

from .. import _deadlines, _polling
from .._deadlines import Limits
from .._download import ProgressCallback, asave, check_dest, ready_media, save
from .._responses import RawResponse
from .._tolerance import Tolerance
from ..errors import ImuzeError
from . import AsyncResource, Operation, Operations, Resource

__all__ = ["DEFAULT_COMPOSE_TIMEOUT", "AsyncSongs", "SongRef", "Songs", "song_id_of"]

DEFAULT_COMPOSE_TIMEOUT = 300.0

_LAST_MOMENT = 0.001
"""What a step is given when the composite call's time is all but spent: it then ends at
once with its own typed timeout, instead of a ValueError for a zero timeout."""


def compose_end(timeout: float) -> float:
    """The monotonic moment a composite call of `timeout` seconds, starting now, must end."""
    if not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a finite number of seconds > 0, not {timeout!r}")
    return time.monotonic() + timeout


def time_left(end: float) -> float:
    """The seconds a composite call's next step may take."""
    return max(end - time.monotonic(), _LAST_MOMENT)


SongRef = int | Song | SongSummary | SongCreated
"""A song id, or any song model the API answered."""

OPERATIONS: Operations = {
    create_song: Operation(
        "createSong",
        SongCreated,
        lambda c, body: create_song.sync_detailed(client=c, body=body),
        lambda c, body: create_song.asyncio_detailed(client=c, body=body),
    ),
    list_songs: Operation(
        "listSongs",
        SongList,
        lambda c: list_songs.sync_detailed(client=c),
        lambda c: list_songs.asyncio_detailed(client=c),
    ),
    get_song: Operation(
        "getSong",
        Song,
        lambda c, id: get_song.sync_detailed(id, client=c),
        lambda c, id: get_song.asyncio_detailed(id, client=c),
    ),
}


def song_id_of(song: SongRef) -> int:
    """The id of a song given by id or by model."""
    return song if isinstance(song, int) else song.id


def create_body(
    title: str, desired_length: int, arrangement_id: int | None, tags: Sequence[str]
) -> SongCreate:
    """The body of a create; `tags` a str (a Sequence[str] too, to a type checker) is a
    TypeError naming the parameter, before any request."""
    return SongCreate(
        title=title,
        arrangement_id=arrangement_id,
        tags=list_of_strings("tags", tags),
        desired_length=desired_length,
    )


def list_of_strings(name: str, value: Sequence[str]) -> list[str]:
    """`value` as a list, refused (TypeError naming `name`) when it is one str or bytes,
    which would be sent letter by letter, or holds anything but strings."""
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"{name} takes a list of strings, not the string {value!r}: write {name}=[{value!r}]"
        )
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise TypeError(f"{name} takes a list of strings")
    return items


class Songs(Resource):
    """Songs: create one, follow it until it is ready, download its mp3."""

    _operations: ClassVar[Operations] = OPERATIONS

    def __init__(
        self, client: Client, http: httpx.Client, limits: Limits, tolerance: Tolerance
    ) -> None:
        super().__init__(client, tolerance, limits)
        self._http = http

    @property
    def with_raw_response(self) -> SongsWithRawResponse:
        """The calls that make one request, answering RawResponse (model, status, headers)."""
        return SongsWithRawResponse(self._client, self._tolerance, self._limits)

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
        answer: RawResponse[SongCreated] = self._send(create_song, body)
        return answer.parse()

    post = create
    """The reference's spelling of `create`."""

    def list(self) -> SongList:
        """Your songs (`count` and `response`), with each one's status."""
        answer: RawResponse[SongList] = self._send(list_songs)
        return answer.parse()

    @overload
    def get(self) -> SongList: ...
    @overload
    def get(self, id: int) -> Song: ...
    def get(self, id: int | None = None) -> Song | SongList:
        """Show one song; with no id, list them all."""
        if id is None:
            return self.list()
        answer: RawResponse[Song] = self._send(get_song, id)
        return answer.parse()

    def _poll(self, song_id: int) -> _polling.Fetched:
        try:
            answer: RawResponse[Song] = self._send(get_song, song_id)
        except ImuzeError as exc:
            return None, _polling.transient(exc)
        return _polling.fetched(answer, self._tolerance)

    def _poll_list(self, ids: Sequence[int]) -> _polling.ListFetched:
        try:
            answer: RawResponse[SongList] = self._send(list_songs)
        except ImuzeError as exc:
            return None, _polling.transient(exc)
        return _polling.listed(answer, ids, self._tolerance)

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
            self._poll,
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
        overwrite: bool = False,
    ) -> Path:
        """Download a ready song's mp3 to `dest`: into an existing folder, to a path ending in
        `.mp3`, else into a folder it creates. An existing file is replaced (atomically) only
        if `overwrite`, else DestinationExistsError. The client's timeout is a stall limit;
        `deadline` (s) bounds the whole transfer."""
        check_dest(dest, overwrite=overwrite)
        ready = ready_media(song) or self.get(song_id_of(song))
        return save(self._http, ready, dest, self._limits, deadline, progress, overwrite)

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
        overwrite: bool = False,
    ) -> Path:
        """Create a song, wait until it is ready, download it to `dest` (the rule of
        `download`; a taken destination is refused before the song is made). `timeout` (s)
        bounds the whole call: the create, the wait and the download."""
        check_dest(dest, overwrite=overwrite)
        end = compose_end(timeout)
        with _deadlines.bounded(end):
            created = self.create(
                title=title, desired_length=desired_length, arrangement_id=arrangement_id, tags=tags
            )
            song = self.wait(created, timeout=time_left(end))
            return self.download(
                song, dest, progress=progress, overwrite=overwrite, deadline=time_left(end)
            )


class AsyncSongs(AsyncResource):
    """The async twin of Songs; waits run concurrently with asyncio.gather."""

    _operations: ClassVar[Operations] = OPERATIONS

    def __init__(
        self, client: Client, http: httpx.AsyncClient, limits: Limits, tolerance: Tolerance
    ) -> None:
        super().__init__(client, tolerance, limits)
        self._http = http

    @property
    def with_raw_response(self) -> AsyncSongsWithRawResponse:
        """The calls that make one request, answering RawResponse (model, status, headers)."""
        return AsyncSongsWithRawResponse(self._client, self._tolerance, self._limits)

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
        answer: RawResponse[SongCreated] = await self._send(create_song, body)
        return answer.parse()

    post = create
    """The reference's spelling of `create`."""

    async def list(self) -> SongList:
        """Your songs (`count` and `response`), with each one's status."""
        answer: RawResponse[SongList] = await self._send(list_songs)
        return answer.parse()

    @overload
    async def get(self) -> SongList: ...
    @overload
    async def get(self, id: int) -> Song: ...
    async def get(self, id: int | None = None) -> Song | SongList:
        """Show one song; with no id, list them all."""
        if id is None:
            return await self.list()
        answer: RawResponse[Song] = await self._send(get_song, id)
        return answer.parse()

    async def _poll(self, song_id: int) -> _polling.Fetched:
        try:
            answer: RawResponse[Song] = await self._send(get_song, song_id)
        except ImuzeError as exc:
            return None, _polling.transient(exc)
        return _polling.fetched(answer, self._tolerance)

    async def _poll_list(self, ids: Sequence[int]) -> _polling.ListFetched:
        try:
            answer: RawResponse[SongList] = await self._send(list_songs)
        except ImuzeError as exc:
            return None, _polling.transient(exc)
        return _polling.listed(answer, ids, self._tolerance)

    async def wait(
        self,
        song: SongRef,
        *,
        timeout: float,  # noqa: ASYNC109 - a polling deadline (injectable clock), not a cancel scope
        interval: float = _polling.DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
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
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> builtins.list[SongSummary]:
        """The async twin of Songs.wait_all."""
        ids = [song_id_of(song) for song in songs]
        return await _polling.await_songs(
            ids,
            lambda: self._poll_list(ids),
            self._poll,
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
        overwrite: bool = False,
    ) -> Path:
        """The async twin of Songs.download."""
        check_dest(dest, overwrite=overwrite)
        ready = ready_media(song) or await self.get(song_id_of(song))
        return await asave(self._http, ready, dest, self._limits, deadline, progress, overwrite)

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
        overwrite: bool = False,
    ) -> Path:
        """The async twin of Songs.compose: `timeout` bounds the whole call."""
        check_dest(dest, overwrite=overwrite)
        end = compose_end(timeout)
        with _deadlines.bounded(end):
            created = await self.create(
                title=title, desired_length=desired_length, arrangement_id=arrangement_id, tags=tags
            )
            song = await self.wait(created, timeout=time_left(end))
            return await self.download(
                song, dest, progress=progress, overwrite=overwrite, deadline=time_left(end)
            )


class SongsWithRawResponse(Resource):
    """`api.with_raw_response.songs`: the calls that make one request, each answering a
    RawResponse. The workflows (`wait`, `wait_all`, `download`, `compose`) make many
    requests or stream a file, so they have no raw form: poll with `get`, and read an
    error's `.response`."""

    _operations: ClassVar[Operations] = OPERATIONS

    def create(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> RawResponse[SongCreated]:
        """Create a song, with the HTTP answer (its status and headers)."""
        return self._send(create_song, create_body(title, desired_length, arrangement_id, tags))

    def list(self) -> RawResponse[SongList]:
        """Your songs, with the HTTP answer."""
        return self._send(list_songs)

    @overload
    def get(self) -> RawResponse[SongList]: ...
    @overload
    def get(self, id: int) -> RawResponse[Song]: ...
    def get(self, id: int | None = None) -> RawResponse[Song] | RawResponse[SongList]:
        """Show one song (with no id, list them all), with the HTTP answer."""
        return self._send(list_songs) if id is None else self._send(get_song, id)


class AsyncSongsWithRawResponse(AsyncResource):
    """The async twin of SongsWithRawResponse."""

    _operations: ClassVar[Operations] = OPERATIONS

    async def create(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> RawResponse[SongCreated]:
        """Create a song, with the HTTP answer (its status and headers)."""
        body = create_body(title, desired_length, arrangement_id, tags)
        return await self._send(create_song, body)

    async def list(self) -> RawResponse[SongList]:
        """Your songs, with the HTTP answer."""
        return await self._send(list_songs)

    @overload
    async def get(self) -> RawResponse[SongList]: ...
    @overload
    async def get(self, id: int) -> RawResponse[Song]: ...
    async def get(self, id: int | None = None) -> RawResponse[Song] | RawResponse[SongList]:
        """Show one song (with no id, list them all), with the HTTP answer."""
        if id is None:
            return await self._send(list_songs)
        return await self._send(get_song, id)
