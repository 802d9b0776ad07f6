"""The API resources (`api.songs`, `api.arrangements`, `api.authentication`), sync and async.

Each method sends one row of `OPERATIONS` with `self._send(<generated module>, ...)`: the
plain methods return the parsed model, the raw ones (`with_raw_response`) the RawResponse.
"""

from __future__ import annotations

import builtins
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, Generic, TypeVar, cast, overload

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

_H = TypeVar("_H", httpx.Client, httpx.AsyncClient)
_R = TypeVar("_R", bound="_Base[Any]")
# What a call answers, in the plain face (the model) or the raw one (its RawResponse): one
# item, a list, a created song.
_A = TypeVar("_A")
_AL = TypeVar("_AL")
_SC = TypeVar("_SC")


@dataclass(frozen=True)
class Operation(Generic[M]):
    """One operation: its operationId, its success model, its generated sync and async calls."""

    id: str
    model: type[M]
    sync: Callable[..., Response[Any]]
    asyncio: Callable[..., Awaitable[Response[Any]]]


OPERATIONS: Mapping[ModuleType, Operation[Any]] = {
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


@dataclass(repr=False, eq=False)
class _Base(Generic[_H]):
    """What every resource holds: its clients, tolerance, limits and login (if any)."""

    _client: Client
    _http: _H
    _tolerance: Tolerance
    _limits: Limits
    _login: _config.Login | None = None
    _raw: ClassVar[bool] = False

    def _twin(self, cls: type[_R]) -> _R:
        """This resource's other face (its raw one), on the same clients."""
        return cls(self._client, self._http, self._tolerance, self._limits)

    def _out(self, answer: RawResponse[Any]) -> Any:
        """What a call answers: the parsed model, or the RawResponse in the raw face."""
        return answer if self._raw else answer.parse()


class Resource(_Base[httpx.Client]):
    """A sync resource: its calls send the table's operations."""

    def _send(self, module: ModuleType, *args: Any) -> RawResponse[Any]:
        op = OPERATIONS[module]
        with _deadlines.call_scope() as call:
            _deadlines.settle(call, self._limits)
            return call_full(lambda: op.sync(self._client, *args), op.id, op.model, self._tolerance)


class AsyncResource(_Base[httpx.AsyncClient]):
    """The async twin of Resource."""

    async def _send(self, module: ModuleType, *args: Any) -> RawResponse[Any]:
        op = OPERATIONS[module]
        with _deadlines.call_scope() as call:
            _deadlines.settle(call, self._limits)
            return await acall_full(
                lambda: op.asyncio(self._client, *args), op.id, op.model, self._tolerance
            )


class _ArrangementCalls(Resource, Generic[_A, _AL]):
    """The arrangements' calls: models, or RawResponses in the raw face."""

    def list(self) -> _AL:
        """All arrangements in your scope (`count` and `response`)."""
        return cast(_AL, self._out(self._send(list_arrangements)))

    @overload
    def get(self) -> _AL: ...
    @overload
    def get(self, id: int) -> _A: ...
    def get(self, id: int | None = None) -> _A | _AL:
        """Show one arrangement; with no id, list them all (the reference's spelling)."""
        sent = self._send(list_arrangements) if id is None else self._send(get_arrangement, id)
        return cast("_A | _AL", self._out(sent))


class _AsyncArrangementCalls(AsyncResource, Generic[_A, _AL]):
    """The async twin of _ArrangementCalls."""

    async def list(self) -> _AL:
        """All arrangements in your scope (`count` and `response`)."""
        return cast(_AL, self._out(await self._send(list_arrangements)))

    @overload
    async def get(self) -> _AL: ...
    @overload
    async def get(self, id: int) -> _A: ...
    async def get(self, id: int | None = None) -> _A | _AL:
        """Show one arrangement; with no id, list them all (the reference's spelling)."""
        sent = self._send(list_arrangements) if id is None else self._send(get_arrangement, id)
        return cast("_A | _AL", self._out(await sent))


class Arrangements(_ArrangementCalls[Arrangement, ArrangementList]):
    """The arrangements (genres and instrumentations) that can voice a melody."""

    @property
    def with_raw_response(self) -> ArrangementsWithRawResponse:
        """The same calls, answering RawResponse (the model with status and headers)."""
        return self._twin(ArrangementsWithRawResponse)


class AsyncArrangements(_AsyncArrangementCalls[Arrangement, ArrangementList]):
    """The async twin of Arrangements."""

    @property
    def with_raw_response(self) -> AsyncArrangementsWithRawResponse:
        """The same calls, answering RawResponse (the model with status and headers)."""
        return self._twin(AsyncArrangementsWithRawResponse)


class ArrangementsWithRawResponse(
    _ArrangementCalls[RawResponse[Arrangement], RawResponse[ArrangementList]]
):
    """`api.with_raw_response.arrangements`: each call answers a RawResponse."""

    _raw = True


class AsyncArrangementsWithRawResponse(
    _AsyncArrangementCalls[RawResponse[Arrangement], RawResponse[ArrangementList]]
):
    """The async twin of ArrangementsWithRawResponse."""

    _raw = True


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
        return cast(TokenResponse, self._send(create_token, body).parse())


class AsyncAuthentication(AsyncResource):
    """The async twin of Authentication."""

    async def post(self, *, email: str | None = None, password: str | None = None) -> TokenResponse:
        """A new token (`.response`), as `POST /tokens` answers it."""
        body = token_request(email, password, self._login)
        return cast(TokenResponse, (await self._send(create_token, body)).parse())


DEFAULT_COMPOSE_TIMEOUT = 300.0
# What a step gets when the composite call's time is all but spent: it then ends at once with
# its own typed timeout, not a ValueError for a zero timeout.
_LAST_MOMENT = 0.001


def compose_end(timeout: float) -> float:
    """The monotonic moment a composite call of `timeout` seconds, starting now, must end."""
    _deadlines.check_seconds("timeout", timeout)
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
    """The body of a create (a TypeError for `tags` given as one str, before any request)."""
    return SongCreate(
        title=title,
        arrangement_id=arrangement_id,
        tags=list_of_strings("tags", tags),
        desired_length=desired_length,
    )


def list_of_strings(name: str, value: Sequence[str]) -> list[str]:
    """`value` as a list; TypeError for one str or bytes (sent letter by letter) or non-strings."""
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"{name} takes a list of strings, not the string {value!r}: write {name}=[{value!r}]"
        )
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise TypeError(f"{name} takes a list of strings")
    return items


class _SongCalls(Resource, Generic[_A, _AL, _SC]):
    """The songs' calls that make one request: models, or RawResponses in the raw face."""

    def create(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> _SC:
        """Create a song (still processing). With no arrangement_id, the tags choose one."""
        body = create_body(title, desired_length, arrangement_id, tags)
        return cast(_SC, self._out(self._send(create_song, body)))

    post = create
    """The reference's spelling of `create`."""

    def list(self) -> _AL:
        """Your songs (`count` and `response`), with each one's status."""
        return cast(_AL, self._out(self._send(list_songs)))

    @overload
    def get(self) -> _AL: ...
    @overload
    def get(self, id: int) -> _A: ...
    def get(self, id: int | None = None) -> _A | _AL:
        """Show one song; with no id, list them all."""
        sent = self._send(list_songs) if id is None else self._send(get_song, id)
        return cast("_A | _AL", self._out(sent))


class _AsyncSongCalls(AsyncResource, Generic[_A, _AL, _SC]):
    """The async twin of _SongCalls."""

    async def create(
        self,
        *,
        title: str,
        desired_length: int,
        arrangement_id: int | None = None,
        tags: Sequence[str] = (),
    ) -> _SC:
        """Create a song (still processing). With no arrangement_id, the tags choose one."""
        body = create_body(title, desired_length, arrangement_id, tags)
        return cast(_SC, self._out(await self._send(create_song, body)))

    post = create
    """The reference's spelling of `create`."""

    async def list(self) -> _AL:
        """Your songs (`count` and `response`), with each one's status."""
        return cast(_AL, self._out(await self._send(list_songs)))

    @overload
    async def get(self) -> _AL: ...
    @overload
    async def get(self, id: int) -> _A: ...
    async def get(self, id: int | None = None) -> _A | _AL:
        """Show one song; with no id, list them all."""
        sent = self._send(list_songs) if id is None else self._send(get_song, id)
        return cast("_A | _AL", self._out(await sent))


class Songs(_SongCalls[Song, SongList, SongCreated]):
    """Songs: create one, follow it until it is ready, download its mp3."""

    @property
    def with_raw_response(self) -> SongsWithRawResponse:
        """The calls that make one request, answering RawResponse (model, status, headers)."""
        return self._twin(SongsWithRawResponse)

    def _poll(self, ids: Sequence[int], one: bool) -> _polling.Polled:
        try:
            answer = self._send(get_song, ids[0]) if one else self._send(list_songs)
        except ImuzeError as exc:
            return None, _polling.transient(exc)
        by_id, retry_after = _polling.polled(answer, ids, self._tolerance)
        for song_id in [i for i in ids if i not in by_id]:  # a list may lag: read it directly
            _polling.merge(by_id, self._poll([song_id], True)[0])
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
        """Poll the song until it is ready and return it: SongFailedError at once when it
        failed, SongTimeoutError after `timeout` s (which bound each poll and its retries)."""
        ids = [song_id_of(song)]
        found: list[Song] = _polling.wait_for(
            ids, True, self._poll, timeout, interval, clock, sleep
        )
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
        return _polling.wait_for(ids, False, self._poll, timeout, interval, clock, sleep)

    def download(
        self,
        song: SongRef,
        dest: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
        deadline: float | None = None,
        overwrite: bool = False,
    ) -> Path:
        """Download a ready song's mp3 into the folder `dest`, or to `dest` ending in `.mp3`;
        a file there is replaced only if `overwrite`. `deadline` (s) bounds the transfer."""
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
        """Create a song, wait until it is ready, download it to `dest` (refused before the
        create when taken); `timeout` (s) bounds the whole call."""
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


class AsyncSongs(_AsyncSongCalls[Song, SongList, SongCreated]):
    """The async twin of Songs; waits run concurrently with asyncio.gather."""

    @property
    def with_raw_response(self) -> AsyncSongsWithRawResponse:
        """The calls that make one request, answering RawResponse (model, status, headers)."""
        return self._twin(AsyncSongsWithRawResponse)

    async def _poll(self, ids: Sequence[int], one: bool) -> _polling.Polled:
        try:
            answer = await (self._send(get_song, ids[0]) if one else self._send(list_songs))
        except ImuzeError as exc:
            return None, _polling.transient(exc)
        by_id, retry_after = _polling.polled(answer, ids, self._tolerance)
        for song_id in [i for i in ids if i not in by_id]:  # a list may lag: read it directly
            _polling.merge(by_id, (await self._poll([song_id], True))[0])
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
        poll = self._poll
        found: list[Song] = await _polling.await_for(
            ids, True, poll, timeout, interval, clock, sleep
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
        return await _polling.await_for(ids, False, self._poll, timeout, interval, clock, sleep)

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


class SongsWithRawResponse(
    _SongCalls[RawResponse[Song], RawResponse[SongList], RawResponse[SongCreated]]
):
    """`api.with_raw_response.songs`: each one-request call answers a RawResponse."""

    _raw = True


class AsyncSongsWithRawResponse(
    _AsyncSongCalls[RawResponse[Song], RawResponse[SongList], RawResponse[SongCreated]]
):
    """The async twin of SongsWithRawResponse."""

    _raw = True
