"""`api.with_raw_response`: every resource's single-request calls, answering RawResponse."""

from __future__ import annotations

from .arrangements import (
    Arrangements,
    ArrangementsWithRawResponse,
    AsyncArrangements,
    AsyncArrangementsWithRawResponse,
)
from .songs import AsyncSongs, Songs
from .songs_raw import AsyncSongsWithRawResponse, SongsWithRawResponse


class ImuzeWithRawResponse:
    """`api.with_raw_response`: `.songs` and `.arrangements`, whose calls answer a
    RawResponse (`.parse()`, `.status_code`, `.headers`, `.http_response`)."""

    songs: SongsWithRawResponse
    arrangements: ArrangementsWithRawResponse

    def __init__(self, songs: Songs, arrangements: Arrangements) -> None:
        self.songs = songs.with_raw_response
        self.arrangements = arrangements.with_raw_response


class AsyncImuzeWithRawResponse:
    """The async twin of ImuzeWithRawResponse."""

    songs: AsyncSongsWithRawResponse
    arrangements: AsyncArrangementsWithRawResponse

    def __init__(self, songs: AsyncSongs, arrangements: AsyncArrangements) -> None:
        self.songs = songs.with_raw_response
        self.arrangements = arrangements.with_raw_response
