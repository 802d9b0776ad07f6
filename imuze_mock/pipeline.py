"""What every request goes through before and after its handler: the error table in code."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from .config import Account, MockConfig
from .errors import ApiError, retry_later
from .faulty import ResetResponse, TruncatedResponse
from .headers import accepts, is_json
from .state import MockState
from .validation import BodyValidator, parse_json

_MAX_ID_DIGITS = 30  # longer ids cannot name anything; no need to turn them into ints


@dataclass
class Call:
    """A request that passed the checks: who sent it, its path id and parsed body."""

    request: Request
    state: MockState
    account: Account | None
    id: int | None
    body: Any


Handler = Callable[[Call], Awaitable[Response]]


class JsonAnswer(Response):
    """A JSON answer; ``undo`` reverts what it acknowledges, should the client never get it,
    and ``commit`` finishes the work once the answer is sure to be sent. The pipeline calls
    exactly one of them."""

    media_type = "application/json"

    def __init__(
        self,
        content: object,
        status: int = 200,
        undo: Callable[[], None] | None = None,
        commit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(json.dumps(content, ensure_ascii=False, separators=(",", ":")), status)
        self.undo = undo
        self.commit = commit


@dataclass(frozen=True)
class Operation:
    """A route's rules: auth, body schema, answer format, and its handler."""

    operation_id: str | None  # None for routes outside the spec (the media files)
    handler: Handler
    needs_auth: bool = True
    body: BodyValidator | None = None
    has_id: bool = False
    produces: str = "application/json"


def _path_id(request: Request) -> int:
    text = request.path_params["id"]
    if not text.isascii() or not text.isdigit():
        raise ApiError(400, "id: must be an integer >= 0", "id")
    if len(text) > _MAX_ID_DIGITS:
        raise ApiError(404, f"no resource with id {text[:_MAX_ID_DIGITS]}...", "id")
    return int(text)


async def _read_body(request: Request) -> bytes:
    # The guard (guard.py) has read the body already and refused one over the limit.
    chunks: list[bytes] = []
    try:
        async for chunk in request.stream():
            chunks.append(chunk)
    except ClientDisconnect:  # a client that gave up mid-body: ordinary, and nobody to tell
        raise ApiError(400, "the client disconnected before sending the whole body") from None
    return b"".join(chunks)


def _authenticate(request: Request, state: MockState) -> Account:
    credential = request.headers.get("authorization")
    if not credential:
        raise ApiError(401, "missing Authorization header: send your token or developer key")
    account = state.store.account_for(credential.strip())
    if account is None:
        raise ApiError(401, "invalid or expired token or key in the Authorization header")
    if account.suspended:
        raise ApiError(403, "this account is suspended")
    return account


def _rate_limit(request: Request, state: MockState, account: Account | None) -> None:
    if state.limiter is None:
        return
    if account is not None:
        key = "token:" + request.headers.get("authorization", "").strip()
    else:
        key = "client:" + (request.client.host if request.client else "")
    wait = state.limiter.retry_after(key)
    if wait is not None:
        raise retry_later(429, f"rate limit exceeded, retry in {wait} s", wait)


_LARGE_BODY = 16 * 1024  # parsed in a thread, so that the event loop keeps answering


def _valid_body(raw: bytes, config: MockConfig, validator: BodyValidator) -> Any:
    body = parse_json(raw, config.max_json_depth, config.max_json_keys, config.max_json_values)
    validator.check(body)
    return body


async def _parsed(raw: bytes, config: MockConfig, validator: BodyValidator) -> Any:
    """The body parsed and checked; a large one in a thread, so the event loop keeps going."""
    if len(raw) <= _LARGE_BODY:
        return _valid_body(raw, config, validator)
    return await asyncio.to_thread(_valid_body, raw, config, validator)


async def _checked_call(
    request: Request, state: MockState, op: Operation, raw: bytes | None
) -> Call:
    """Run the checks in the order a client should fix them: format, who, how often, what."""
    if not accepts(request.headers.get("accept"), op.produces):
        raise ApiError(406, f"this resource is served as {op.produces} only")
    account = _authenticate(request, state) if op.needs_auth else None
    _rate_limit(request, state, account)
    body: Any = None
    if op.body is not None:
        if not is_json(request.headers.get("content-type")):
            raise ApiError(415, "the request body must be application/json")
        raw = raw if raw is not None else await _read_body(request)
        body = await _parsed(raw, state.config, op.body)
    path_id = _path_id(request) if op.has_id else None
    return Call(request, state, account, path_id, body)


async def _answer(
    request: Request, state: MockState, op: Operation, fault: str | None, raw: bytes | None
) -> Response:
    try:
        call = await _checked_call(request, state, op, raw)
        response = await op.handler(call)
    except ApiError as error:
        return error.response()
    if fault == "truncate":
        # The client never gets the whole answer, so nothing it created may remain.
        if isinstance(response, JsonAnswer) and response.undo is not None:
            response.undo()
        return TruncatedResponse(response)
    if isinstance(response, JsonAnswer) and response.commit is not None:
        response.commit()
    return response


def endpoint(state: MockState, op: Operation) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint for ``op``: maintenance, faults, checks, handler, strict check."""
    config = state.config

    async def handle(request: Request) -> Response:
        if config.maintenance:
            return retry_later(503, "down for maintenance", config.retry_after * 30).response()
        fault = state.faults.draw() if state.faults else None
        if fault == "reset":
            return ResetResponse()
        if fault in ("429", "503"):
            return retry_later(int(fault), f"injected fault {fault}", config.retry_after).response()
        if fault == "500":
            return ApiError(500, "injected fault: internal server error").response()
        raw = None
        if fault == "slow":
            try:
                # Read the body first: the disconnect check below must not swallow it.
                raw = await _read_body(request) if op.body is not None else None
            except ApiError as error:
                return error.response()
            await asyncio.sleep(config.slow_delay)
            if await request.is_disconnected():
                # The client gave up: it must not find a song it was never told about.
                return Response(status_code=204)
        response = await _answer(request, state, op, fault, raw)
        if state.checker is not None and op.operation_id is not None:
            inner = response.complete if isinstance(response, TruncatedResponse) else response
            state.checker.check(op.operation_id, inner.status_code, inner.body)
        return response

    return handle
