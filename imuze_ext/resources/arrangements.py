"""`api.arrangements`: list and show arrangements (sync and async)."""

from __future__ import annotations

from typing import overload

from imuze_client import Client
from imuze_client.api.arrangements import get_arrangement, list_arrangements
from imuze_client.models import Arrangement, ArrangementList

from .._calls import acall, call
from .._tolerance import Tolerance


class Arrangements:
    """The arrangements (genres and instrumentations) that can voice a melody."""

    def __init__(self, client: Client, tolerance: Tolerance) -> None:
        self._client = client
        self._tolerance = tolerance

    def list(self) -> ArrangementList:
        """All arrangements in your scope (`count` and `response`)."""
        return call(
            lambda: list_arrangements.sync_detailed(client=self._client),
            "listArrangements",
            ArrangementList,
            self._tolerance,
        )

    @overload
    def get(self) -> ArrangementList: ...
    @overload
    def get(self, id: int) -> Arrangement: ...
    def get(self, id: int | None = None) -> Arrangement | ArrangementList:
        """Show one arrangement; with no id, list them all (the reference's spelling)."""
        if id is None:
            return self.list()
        return call(
            lambda: get_arrangement.sync_detailed(id, client=self._client),
            "getArrangement",
            Arrangement,
            self._tolerance,
        )


class AsyncArrangements:
    """The async twin of Arrangements."""

    def __init__(self, client: Client, tolerance: Tolerance) -> None:
        self._client = client
        self._tolerance = tolerance

    async def list(self) -> ArrangementList:
        """All arrangements in your scope (`count` and `response`)."""
        return await acall(
            lambda: list_arrangements.asyncio_detailed(client=self._client),
            "listArrangements",
            ArrangementList,
            self._tolerance,
        )

    @overload
    async def get(self) -> ArrangementList: ...
    @overload
    async def get(self, id: int) -> Arrangement: ...
    async def get(self, id: int | None = None) -> Arrangement | ArrangementList:
        """Show one arrangement; with no id, list them all (the reference's spelling)."""
        if id is None:
            return await self.list()
        return await acall(
            lambda: get_arrangement.asyncio_detailed(id, client=self._client),
            "getArrangement",
            Arrangement,
            self._tolerance,
        )
