"""`api.arrangements`: list and show arrangements (sync and async), and their raw twins."""

from __future__ import annotations

from typing import ClassVar, overload

from imuze_client.api.arrangements import get_arrangement, list_arrangements
from imuze_client.models import Arrangement, ArrangementList

from .._responses import RawResponse
from . import AsyncResource, Operation, Operations, Resource

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
}


class Arrangements(Resource):
    """The arrangements (genres and instrumentations) that can voice a melody."""

    _operations: ClassVar[Operations] = OPERATIONS

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

    _operations: ClassVar[Operations] = OPERATIONS

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

    _operations: ClassVar[Operations] = OPERATIONS

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

    _operations: ClassVar[Operations] = OPERATIONS

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
