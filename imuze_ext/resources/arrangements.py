"""`api.arrangements`: list and show arrangements (sync and async), and their raw twins."""

from __future__ import annotations

from typing import overload

from imuze_client import Client
from imuze_client.models import Arrangement, ArrangementList

from .._calls import acall_full, call_full
from .._raw_response import RawResponse
from .._tolerance import Tolerance


def _list(client: Client, tolerance: Tolerance) -> RawResponse[ArrangementList]:
    from imuze_client.api.arrangements import (
        list_arrangements,
    )  # at first use, not at `import imuze`

    return call_full(
        lambda: list_arrangements.sync_detailed(client=client),
        "listArrangements",
        ArrangementList,
        tolerance,
    )


def _get(client: Client, id: int, tolerance: Tolerance) -> RawResponse[Arrangement]:
    from imuze_client.api.arrangements import get_arrangement

    return call_full(
        lambda: get_arrangement.sync_detailed(id, client=client),
        "getArrangement",
        Arrangement,
        tolerance,
    )


async def _alist(client: Client, tolerance: Tolerance) -> RawResponse[ArrangementList]:
    from imuze_client.api.arrangements import (
        list_arrangements,
    )  # at first use, not at `import imuze`

    return await acall_full(
        lambda: list_arrangements.asyncio_detailed(client=client),
        "listArrangements",
        ArrangementList,
        tolerance,
    )


async def _aget(client: Client, id: int, tolerance: Tolerance) -> RawResponse[Arrangement]:
    from imuze_client.api.arrangements import get_arrangement

    return await acall_full(
        lambda: get_arrangement.asyncio_detailed(id, client=client),
        "getArrangement",
        Arrangement,
        tolerance,
    )


class Arrangements:
    """The arrangements (genres and instrumentations) that can voice a melody."""

    def __init__(self, client: Client, tolerance: Tolerance) -> None:
        self._client = client
        self._tolerance = tolerance

    @property
    def with_raw_response(self) -> ArrangementsWithRawResponse:
        """The same calls, answering RawResponse (the model with status and headers)."""
        return ArrangementsWithRawResponse(self._client, self._tolerance)

    def list(self) -> ArrangementList:
        """All arrangements in your scope (`count` and `response`)."""
        return _list(self._client, self._tolerance).parse()

    @overload
    def get(self) -> ArrangementList: ...
    @overload
    def get(self, id: int) -> Arrangement: ...
    def get(self, id: int | None = None) -> Arrangement | ArrangementList:
        """Show one arrangement; with no id, list them all (the reference's spelling)."""
        if id is None:
            return self.list()
        return _get(self._client, id, self._tolerance).parse()


class AsyncArrangements:
    """The async twin of Arrangements."""

    def __init__(self, client: Client, tolerance: Tolerance) -> None:
        self._client = client
        self._tolerance = tolerance

    @property
    def with_raw_response(self) -> AsyncArrangementsWithRawResponse:
        """The same calls, answering RawResponse (the model with status and headers)."""
        return AsyncArrangementsWithRawResponse(self._client, self._tolerance)

    async def list(self) -> ArrangementList:
        """All arrangements in your scope (`count` and `response`)."""
        return (await _alist(self._client, self._tolerance)).parse()

    @overload
    async def get(self) -> ArrangementList: ...
    @overload
    async def get(self, id: int) -> Arrangement: ...
    async def get(self, id: int | None = None) -> Arrangement | ArrangementList:
        """Show one arrangement; with no id, list them all (the reference's spelling)."""
        if id is None:
            return await self.list()
        return (await _aget(self._client, id, self._tolerance)).parse()


class ArrangementsWithRawResponse:
    """`api.with_raw_response.arrangements`: each call answers a RawResponse."""

    def __init__(self, client: Client, tolerance: Tolerance) -> None:
        self._client = client
        self._tolerance = tolerance

    def list(self) -> RawResponse[ArrangementList]:
        """All arrangements in your scope, with the HTTP answer."""
        return _list(self._client, self._tolerance)

    @overload
    def get(self) -> RawResponse[ArrangementList]: ...
    @overload
    def get(self, id: int) -> RawResponse[Arrangement]: ...
    def get(self, id: int | None = None) -> RawResponse[Arrangement] | RawResponse[ArrangementList]:
        """Show one arrangement (with no id, list them all), with the HTTP answer."""
        return (
            _list(self._client, self._tolerance)
            if id is None
            else _get(self._client, id, self._tolerance)
        )


class AsyncArrangementsWithRawResponse:
    """The async twin of ArrangementsWithRawResponse."""

    def __init__(self, client: Client, tolerance: Tolerance) -> None:
        self._client = client
        self._tolerance = tolerance

    async def list(self) -> RawResponse[ArrangementList]:
        """All arrangements in your scope, with the HTTP answer."""
        return await _alist(self._client, self._tolerance)

    @overload
    async def get(self) -> RawResponse[ArrangementList]: ...
    @overload
    async def get(self, id: int) -> RawResponse[Arrangement]: ...
    async def get(
        self, id: int | None = None
    ) -> RawResponse[Arrangement] | RawResponse[ArrangementList]:
        """Show one arrangement (with no id, list them all), with the HTTP answer."""
        if id is None:
            return await _alist(self._client, self._tolerance)
        return await _aget(self._client, id, self._tolerance)
