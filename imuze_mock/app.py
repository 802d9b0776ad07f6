"""The ASGI application: routes under /api/4, the pipeline around each, error handlers."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import dialects, handlers, media
from .caching import no_store
from .config import MockConfig
from .errors import ApiError
from .guard import guard
from .pipeline import Operation, endpoint
from .state import MockState
from .validation import BodyValidator

logger = logging.getLogger("imuze_mock")
PREFIX = "/api/4"
Endpoint = Callable[[Request], Awaitable[Response]]


def _dispatch(by_method: Mapping[str, Endpoint]) -> Endpoint:
    """One endpoint for a path with several methods, so that 405's Allow lists them all."""
    if len(by_method) == 1:
        return next(iter(by_method.values()))

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await by_method[method](request)

    return dispatch


def _routes(state: MockState) -> list[Route]:
    token_body = BodyValidator("TokenRequest")
    song_body = BodyValidator("SongCreate")
    table: dict[str, dict[str, Operation]] = {
        "/tokens": {
            "POST": Operation(
                "createToken", handlers.create_token, needs_auth=False, body=token_body
            )
        },
        "/arrangements": {"GET": Operation("listArrangements", handlers.list_arrangements)},
        "/arrangements/{id}": {
            "GET": Operation("getArrangement", handlers.get_arrangement, has_id=True)
        },
        "/songs": {
            "GET": Operation("listSongs", handlers.list_songs),
            "POST": Operation("createSong", handlers.create_song, body=song_body),
        },
        "/songs/{id}": {"GET": Operation("getSong", handlers.get_song, has_id=True)},
        "/songs/{id}/audio.mp3": {
            "GET": Operation(None, media.audio, has_id=True, produces="audio/mpeg")
        },
        "/songs/{id}/timeline.json": {"GET": Operation(None, media.timeline, has_id=True)},
    }
    return [
        Route(
            PREFIX + path,
            _dispatch({method: endpoint(state, op) for method, op in ops.items()}),
            methods=list(ops),
        )
        for path, ops in table.items()
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 (no route) and 405 (wrong method), as Error bodies."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        message = (
            f"{request.method} is not allowed here; use {(exc.headers or {}).get('Allow', '')}"
        )
    elif exc.status_code == 404:
        message = f"no such resource: {request.url.path[:200]}"
    else:
        message = str(exc.detail)
    return ApiError(exc.status_code, message, headers=exc.headers).response()


async def _server_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, httpx.TransportError):  # injected in-process resets are no bug
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return ApiError(500, f"internal server error: {type(exc).__name__}").response()


def create_app(config: MockConfig | None = None) -> Starlette:
    """A fresh mock with its own state; usable in-process (httpx.ASGITransport) or served.

    ``app.state.demo`` and ``app.state.other`` are the accounts to log in as (``.email``,
    ``.password``, ``.api_key``); ``app.state.mock`` is the live state.
    """
    config = config or MockConfig()
    state = MockState.build(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.pool.shutdown()

    # Every answer forbids caching (caching.py), the dialect's and the limits' too. A dialect
    # is a layer over the spec-exact app, inside the server-error handler; the request limits
    # come next, before routing and any other work.
    layers = [Middleware(no_store)]
    layers += [Middleware(dialects.rails)] if config.dialect == "rails" else []
    layers.append(Middleware(guard, config=config))
    app = Starlette(
        routes=_routes(state),
        middleware=layers,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False
    app.state.mock = state
    app.state.demo = config.demo
    app.state.other = config.other
    return app
