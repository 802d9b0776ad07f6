"""`api.with_raw_response.songs`: the songs calls that make one request, answering RawResponse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from imuze_client import Client
from imuze_client.models import Song, SongCreated, SongList

from .._raw_response import RawResponse
from .._tolerance import Tolerance
from .songs import (
    asend_create,
    asend_get,
    asend_list,
    create_body,
    send_create,
    send_get,
    send_list,
)


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
        return send_create(
            self._client, create_body(title, desired_length, arrangement_id, tags), self._tolerance
        )

    def list(self) -> RawResponse[SongList]:
        """Your songs, with the HTTP answer."""
        return send_list(self._client, self._tolerance)

    @overload
    def get(self) -> RawResponse[SongList]: ...
    @overload
    def get(self, id: int) -> RawResponse[Song]: ...
    def get(self, id: int | None = None) -> RawResponse[Song] | RawResponse[SongList]:
        """Show one song (with no id, list them all), with the HTTP answer."""
        return (
            send_list(self._client, self._tolerance)
            if id is None
            else send_get(self._client, id, self._tolerance)
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
        body = create_body(title, desired_length, arrangement_id, tags)
        return await asend_create(self._client, body, self._tolerance)

    async def list(self) -> RawResponse[SongList]:
        """Your songs, with the HTTP answer."""
        return await asend_list(self._client, self._tolerance)

    @overload
    async def get(self) -> RawResponse[SongList]: ...
    @overload
    async def get(self, id: int) -> RawResponse[Song]: ...
    async def get(self, id: int | None = None) -> RawResponse[Song] | RawResponse[SongList]:
        """Show one song (with no id, list them all), with the HTTP answer."""
        if id is None:
            return await asend_list(self._client, self._tolerance)
        return await asend_get(self._client, id, self._tolerance)
