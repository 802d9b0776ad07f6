"""The API resources: each operation once, in a table, and the bases whose calls send it.

A resource module lists its operations in one table, keyed by the generated module that
sends each: its operationId, its success model, and its sync and async senders. A resource
class (sync or async, plain or raw) then calls `self._send(<generated module>, ...)`: the
plain methods return the parsed model, the raw ones (`with_raw_response`) the RawResponse.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar, Generic

from imuze_client import Client
from imuze_client.types import Response

from .. import _config, _deadlines
from .._responses import M, RawResponse, acall_full, call_full
from .._tolerance import Tolerance


@dataclass(frozen=True)
class Operation(Generic[M]):
    """One operation of the spec: its operationId, its success model, and how the
    generated module sends it with a client and the call's arguments."""

    id: str
    model: type[M]
    sync: Callable[..., Response[Any]]
    asyncio: Callable[..., Awaitable[Response[Any]]]


Operations = Mapping[ModuleType, Operation[Any]]
"""A resource's table: each generated operation module, and its Operation."""


class _Base:
    """What every resource holds: a generated client, how answers are read, the client's
    limits (each call's deadline counts from its start, a wait for another call's login
    included), the account the client logs in as (if any), and the operations table."""

    _operations: ClassVar[Operations] = {}

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
        op = self._operations[module]
        with _deadlines.call_scope() as call:
            _deadlines.settle(call, self._limits)
            return call_full(lambda: op.sync(self._client, *args), op.id, op.model, self._tolerance)


class AsyncResource(_Base):
    """The async twin of Resource."""

    async def _send(self, module: ModuleType, *args: Any) -> RawResponse[Any]:
        op = self._operations[module]
        with _deadlines.call_scope() as call:
            _deadlines.settle(call, self._limits)
            return await acall_full(
                lambda: op.asyncio(self._client, *args), op.id, op.model, self._tolerance
            )
