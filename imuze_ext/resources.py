"""The API resources (`api.songs`, `api.arrangements`, `api.authentication`), sync and async.

Each operation is one row of a table keyed by the generated module that sends it: its
operationId, its success model, and its sync and async senders. A resource class (sync or
async, plain or raw) calls `self._send(<generated module>, ...)`: the plain methods return
the parsed model, the raw ones (`with_raw_response`) the RawResponse. One poll of a wait is
in _polling, a download's transfer in _download.
"""

from __future__ import annotations

import builtins
import math
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, overload

import anyio
import httpx
from imuze_client import Client
from imuze_client.api.arrangements import get_arrangement, list_arrangements
from imuze_client.api.authentication import create_token
from imuze_client.api.songs import create_song, get_song, list_songs
from imuze_client.models import (
    Arrangement,
    ArrangementList,
    Song,
    SongCreate,
    SongCreated,
    SongList,
    SongSummary,
    TokenCredentials,
    TokenRequest,
    TokenResponse,
)
from imuze_client.types import Response

from . import _config, _deadlines, _polling
from ._deadlines import Limits
from ._download import ProgressCallback, asave, check_dest, ready_media, save
from ._responses import M, RawResponse, acall_full, call_full
from ._tolerance import Tolerance
from .errors import ImuzeError


@dataclass(frozen=True)
class Operation(Generic[M]):
    """One operation of the spec: its operationId, its success model, and how the
    generated module sends it with a client and the call's arguments."""

    id: str
    model: type[M]
    sync: Callable[..., Response[Any]]
    asyncio: Callable[..., Awaitable[Response[Any]]]


Operations = Mapping[ModuleType, Operation[Any]]
"""The operations table: each generated operation module, and its Operation."""

OPERATIONS: Operations = {
    list_arrangements: Operation(
        "listArrangements",
        ArrangementList,
        lambda c: list_arrangements.sync_detailed(client=c),
        lambda c: list_arrangements.asyncio_detailed(client=c),
    ),
    get_arrangement: Operation(
        "getArrangement",
        Arrangement,
        lambda c, id: get_arrangement.sync_detailed(id, client=c),
        lambda c, id: get_arrangement.asyncio_detailed(id, client=c),
    ),
    create_token: Operation(
        "createToken",
        TokenResponse,
        lambda c, body: create_token.sync_detailed(client=c, body=body),
        lambda c, body: create_token.asyncio_detailed(client=c, body=body),
    ),
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


class _Base:
    """What every resource holds: a generated client, how answers are read, the client's
    limits (each call's deadline counts from its start, a wait for another call's login
    included), and the account the client logs in as (if any)."""

    def __init__(
        self,
        client: Client,
        tolerance: Tolerance,
        limits: _deadlines.Limits,
        login: _config.Login | None = None,
    ) -> None:
        self._client = client
        self._tolerance = tolerance
        self._limits = limits
        self._login = login


class Resource(_Base):
    """A sync resource: its calls send the table's operations."""

    def _send(self, module: ModuleType, *args: Any) -> RawResponse[Any]:
        op = OPERATIONS[module]
        with _deadlines.call_scope() as call:
            _deadlines.settle(call, self._limits)
            return call_full(lambda: op.sync(self._client, *args), op.id, op.model, self._tolerance)


class AsyncResource(_Base):
    """The async twin of Resource."""

    async def _send(self, module: ModuleType, *args: Any) -> RawResponse[Any]:
        op = OPERATIONS[module]
        with _deadlines.call_scope() as call:
            _deadlines.settle(call, self._limits)
            return await acall_full(
                lambda: op.asyncio(self._client, *args), op.id, op.model, self._tolerance
            )


class Arrangements(Resource):
    """The arrangements (genres and instrumentations) that can voice a melody."""

    @property
    def with_raw_response(self) -> ArrangementsWithRawResponse:
        """The same calls, answering RawResponse (the model with status and headers)."""
        return ArrangementsWithRawResponse(self._client, self._tolerance, self._limits)

    def list(self) -> ArrangementList:
        """All arrangements in your scope (`count` and `response`)."""
        answer: RawResponse[ArrangementList] = self._send(list_arrangements)
        return answer.parse()

    @overload
    def get(self) -> ArrangementList: ...
    @overload
    def get(self, id: int) -> Arrangement: ...
    def get(self, id: int | None = None) -> Arrangement | ArrangementList:
        """Show one arrangement; with no id, list them all (the reference's spelling)."""
        if id is None:
            return self.list()
        answer: RawResponse[Arrangement] = self._send(get_arrangement, id)
        return answer.parse()


class AsyncArrangements(AsyncResource):
    """The async twin of Arrangements."""

    @property
    def with_raw_response(self) -> AsyncArrangementsWithRawResponse:
        """The same calls, answering RawResponse (the model with status and headers)."""
        return AsyncArrangementsWithRawResponse(self._client, self._tolerance, self._limits)

    async def list(self) -> ArrangementList:
        """All arrangements in your scope (`count` and `response`)."""
        answer: RawResponse[ArrangementList] = await self._send(list_arrangements)
        return answer.parse()

    @overload
    async def get(self) -> ArrangementList: ...
    @overload
    async def get(self, id: int) -> Arrangement: ...
    async def get(self, id: int | None = None) -> Arrangement | ArrangementList:
        """Show one arrangement; with no id, list them all (the reference's spelling)."""
        if id is None:
            return await self.list()
        answer: RawResponse[Arrangement] = await self._send(get_arrangement, id)
        return answer.parse()


class ArrangementsWithRawResponse(Resource):
    """`api.with_raw_response.arrangements`: each call answers a RawResponse."""

    def list(self) -> RawResponse[ArrangementList]:
        """All arrangements in your scope, with the HTTP answer."""
        return self._send(list_arrangements)

    @overload
    def get(self) -> RawResponse[ArrangementList]: ...
    @overload
    def get(self, id: int) -> RawResponse[Arrangement]: ...
    def get(self, id: int | None = None) -> RawResponse[Arrangement] | RawResponse[ArrangementList]:
        """Show one arrangement (with no id, list them all), with the HTTP answer."""
        return self._send(list_arrangements) if id is None else self._send(get_arrangement, id)


class AsyncArrangementsWithRawResponse(AsyncResource):
    """The async twin of ArrangementsWithRawResponse."""

    async def list(self) -> RawResponse[ArrangementList]:
        """All arrangements in your scope, with the HTTP answer."""
        return await self._send(list_arrangements)

    @overload
    async def get(self) -> RawResponse[ArrangementList]: ...
    @overload
    async def get(self, id: int) -> RawResponse[Arrangement]: ...
    async def get(
        self, id: int | None = None
    ) -> RawResponse[Arrangement] | RawResponse[ArrangementList]:
        """Show one arrangement (with no id, list them all), with the HTTP answer."""
        if id is None:
            return await self._send(list_arrangements)
        return await self._send(get_arrangement, id)


def token_request(
    email: str | None, password: str | None, login: _config.Login | None
) -> TokenRequest:
    """The login body: the email and password given, else the client's, else the
    environment's (MissingCredentialsError when one is missing)."""
    chosen = _config.resolve_login(email, password, login)
    return TokenRequest(token=TokenCredentials(email=chosen.email, password=chosen.password))


class Authentication(Resource):
    """Tokens: log in with an email and a password."""

    def post(self, *, email: str | None = None, password: str | None = None) -> TokenResponse:
        """A new token (`.response`), as `POST /tokens` answers it."""
        body = token_request(email, password, self._login)
        answer: RawResponse[TokenResponse] = self._send(create_token, body)
        return answer.parse()


class AsyncAuthentication(AsyncResource):
    """The async twin of Authentication."""

    async def post(self, *, email: str | None = None, password: str | None = None) -> TokenResponse:
        """A new token (`.response`), as `POST /tokens` answers it."""
        body = token_request(email, password, self._login)
        answer: RawResponse[TokenResponse] = await self._send(create_token, body)
        return answer.parse()


DEFAULT_COMPOSE_TIMEOUT = 300.0
_LAST_MOMENT = 0.001
"""What a step gets when the composite call's time is all but spent: it then ends at once
with its own typed timeout, not a ValueError for a zero timeout."""


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

    def _poll(self, ids: Sequence[int], one: bool) -> _polling.Polled:
        try:
            answer = self._send(get_song, ids[0]) if one else self._send(list_songs)
        except ImuzeError as exc:
            return None, _polling.transient(exc)
        by_id, retry_after = _polling.polled(answer, ids, self._tolerance)
        for song_id in [] if one else _polling.unlisted(ids, by_id):
            by_id = _polling.merged(by_id or {}, song_id, self._poll([song_id], True))
        return by_id, retry_after

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
        ids = [song_id_of(song)]
        what = f"GET song {ids[0]}"
        poll = lambda: self._poll(ids, True)  # noqa: E731
        found: list[Song] = _polling.wait_for(ids, poll, what, timeout, interval, clock, sleep)
        return found[0]

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
        poll = lambda: self._poll(ids, False)  # noqa: E731
        what = "GET the song list"
        return _polling.wait_for(ids, poll, what, timeout, interval, clock, sleep)

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

    async def _poll(self, ids: Sequence[int], one: bool) -> _polling.Polled:
        try:
            answer = await (self._send(get_song, ids[0]) if one else self._send(list_songs))
        except ImuzeError as exc:
            return None, _polling.transient(exc)
        by_id, retry_after = _polling.polled(answer, ids, self._tolerance)
        for song_id in [] if one else _polling.unlisted(ids, by_id):
            by_id = _polling.merged(by_id or {}, song_id, await self._poll([song_id], True))
        return by_id, retry_after

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
        ids = [song_id_of(song)]
        poll = lambda: self._poll(ids, True)  # noqa: E731
        what = f"GET song {ids[0]}"
        found: list[Song] = await _polling.await_for(
            ids, poll, what, timeout, interval, clock, sleep
        )
        return found[0]

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
        poll = lambda: self._poll(ids, False)  # noqa: E731
        what = "GET the song list"
        return await _polling.await_for(ids, poll, what, timeout, interval, clock, sleep)

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
