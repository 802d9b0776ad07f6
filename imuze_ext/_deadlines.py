"""Time limits: one per attempt (`timeout`), one per call (`deadline`), one per wait, enforced.

A *call* (a client method: its login, request and retries) lives in a context variable that
every layer under it shares. Our sockets give each connect, read and write at most the time
left, and each body chunk is checked against it and a size cap.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import ipaddress
import math
import os
import ssl
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Literal, cast

import anyio
import httpcore
import httpx

from .errors import ResponseValidationError

Limit = Literal["timeout", "deadline", "stall"]

MAX_BODY_BYTES = 64 * 1024 * 1024
"""The largest JSON answer read (64 MiB): a song list of a big account is far smaller."""

HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
"""What an httpx client has when its caller set no timeout."""


@dataclass(frozen=True)
class Limits:
    """A client's limits: `attempt` s per attempt, `deadline` s per call (None: none), and
    the retries of a call. `explicit` tells a deadline the caller set from the default."""

    attempt: float | None
    deadline: float | None
    max_retries: int
    explicit: bool = False


@dataclass(slots=True)
class Call:
    """One call in progress: when it started, when it must end, the retries left."""

    started: float
    deadline: float | None
    retries_left: int | None = None
    settled: bool = False
    until: float | None = None
    """The first of the attempt's end and the call's deadline (monotonic), or None."""
    attempts: int = 0
    attempt_end: float | None = None
    attempt_seconds: float | None = None


_call: contextvars.ContextVar[Call | None] = contextvars.ContextVar("imuze_call", default=None)
_bound: contextvars.ContextVar[float | None] = contextvars.ContextVar("imuze_bound", default=None)


def attempt_seconds(timeout: httpx.Timeout) -> float | None:
    """The wall clock of one attempt: the largest value `timeout` sets, or None."""
    values = [v for v in (timeout.connect, timeout.read, timeout.write, timeout.pool) if v]
    return max(values) if values else None


def check_seconds(name: str, value: float | None) -> float | None:
    """`value` when it is None or a finite number of seconds > 0; else ValueError."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number of seconds > 0, not {value!r}")
    return value


def current() -> Call | None:
    """The call in progress in this thread or task, if any."""
    return _call.get()


def _earliest(a: float | None, b: float | None) -> float | None:
    # on every call's path: plain branches, not min() over a generator
    if a is None:
        return b
    return a if b is None or a < b else b


class call_scope:  # lower case: used as a context manager, as contextlib names its own
    """Run one call: its layers share this Call; a nested scope joins the outer call. With
    `settled`, `deadline` is the call's (None: none); else the retrying transport settles it
    from its client's Limits. A class: it is entered several times on every call's path."""

    __slots__ = ("_call", "_token")

    def __init__(self, deadline: float | None = None, *, settled: bool = False) -> None:
        self._token: contextvars.Token[Call | None] | None = None
        outer = _call.get()
        if outer is not None:
            self._call = outer
            return
        now = time.monotonic()
        end = _earliest(None if deadline is None else now + deadline, _bound.get())
        self._call = Call(now, end, settled=settled, until=end)

    def __enter__(self) -> Call:
        if self._call is not _call.get():
            self._token = _call.set(self._call)
        return self._call

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _call.reset(self._token)
            self._token = None


def settle(call: Call, limits: Limits) -> None:
    """Give a call opened without limits its client's deadline and retry budget."""
    if call.retries_left is None:
        call.retries_left = limits.max_retries
    if not call.settled:
        call.settled = True
        if limits.deadline is not None:
            call.deadline = _earliest(call.deadline, call.started + limits.deadline)
            call.until = _earliest(call.attempt_end, call.deadline)


def begin_attempt(call: Call, seconds: float | None, request: httpx.Request) -> None:
    """Start an attempt that may last `seconds` (None: until the deadline); shorten the
    request's timeouts to the call's time left (for a caller's transport, not our sockets)."""
    now = time.monotonic()
    call.attempts += 1
    call.attempt_seconds = seconds
    call.attempt_end = None if seconds is None else now + seconds
    call.until = _earliest(call.attempt_end, call.deadline)
    if call.deadline is None:
        return
    left = call.deadline - now
    timeouts = request.extensions.get("timeout")
    if isinstance(timeouts, dict) and any(v is None or v > left for v in timeouts.values()):
        wait = max(round(left, 3), 0.001)  # to the millisecond: the rest is noise
        request.extensions["timeout"] = {
            k: wait if v is None else min(v, wait) for k, v in timeouts.items()
        }


def may_wait(call: Call, delay: float) -> bool:
    """Whether the call may sleep `delay` s and try again before its deadline, with a retry
    left; a yes spends the retry."""
    if call.retries_left is not None and call.retries_left <= 0:
        return False
    if call.deadline is not None and time.monotonic() + delay >= call.deadline:
        return False
    if call.retries_left is not None:
        call.retries_left -= 1
    return True


@contextlib.contextmanager
def bounded(end: float) -> Iterator[None]:
    """Every call begun inside ends by `end` (monotonic) at the latest: a wait's deadline."""
    token = _bound.set(_earliest(end, _bound.get()))
    try:
        yield
    finally:
        _bound.reset(token)


def io_timeout(given: float | None, expired: type[Exception] = TimeoutError) -> float | None:
    """A socket operation's timeout, cut to the time left; `expired` is raised when none is."""
    call = _call.get()
    if call is None or call.until is None:
        return given
    left = call.until - time.monotonic()
    if left <= 0:
        raise expired("the attempt's or the call's time is up")
    return left if given is None else min(given, left)


def describe_timeout(call: Call | None) -> tuple[Limit, float, str]:
    """(limit, seconds the call ran, a readable phrase) for a timed-out call: the limit is
    the call's deadline, the attempt's timeout, else the stall (no byte for that long)."""
    if call is None:
        return "stall", 0.0, "no answer within the read timeout"
    now = time.monotonic()
    ran = now - call.started
    tries = f" after {call.attempts} attempt{'s' * (call.attempts != 1)}"
    if call.deadline is not None and now >= call.deadline - 0.005:
        total = call.deadline - call.started
        return "deadline", ran, f"the call's deadline ({total:.1f} s) passed{tries}"
    if call.attempt_end is not None and now >= call.attempt_end - 0.005:
        return "timeout", ran, f"an attempt's timeout ({call.attempt_seconds:.1f} s) passed{tries}"
    return "stall", ran, f"no byte arrived within the stall limit{tries}"


class _Stream:
    """A connection's stream, sync or async: each operation hands back the inner stream's
    own (a coroutine when async), bounded by the call's time left."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> Any:
        return self._inner.read(max_bytes, io_timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> Any:
        if buffer:  # httpcore ends a message with an empty write: nothing to bound
            timeout = io_timeout(timeout, httpcore.WriteTimeout)
        return self._inner.write(buffer, timeout)

    def close(self) -> Any:
        return self._inner.close()

    def aclose(self) -> Any:
        return self._inner.aclose()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        wait = io_timeout(timeout, httpcore.ConnectTimeout)
        return _bounded(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _bounded(opened: Any) -> Any:
    """The stream `opened` is, bounded; async, a coroutine of it."""
    if not inspect.isawaitable(opened):
        return _Stream(opened)

    async def bounded() -> _Stream:
        return _Stream(await opened)

    return bounded()


class DeadlineBackend:
    """One of httpcore's backends (sync or async), bounded as its streams are."""

    def __init__(self, inner: httpcore.NetworkBackend | httpcore.AsyncNetworkBackend) -> None:
        self._inner: Any = inner

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, *args: Any, **kwargs: Any
    ) -> Any:
        wait = io_timeout(timeout, httpcore.ConnectTimeout)
        return _bounded(self._inner.connect_tcp(host, port, wait, *args, **kwargs))

    def sleep(self, seconds: float) -> Any:
        return self._inner.sleep(seconds)


_CA_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")  # what httpx reads when it trusts the env


def ssl_context(trust_env: bool = True) -> ssl.SSLContext:
    """httpx's default TLS context, made once per CA setting: with `trust_env`, the
    SSL_CERT_FILE and SSL_CERT_DIR of the moment (a client made after they change gets them)."""
    settings = tuple(os.environ.get(name) for name in _CA_VARIABLES) if trust_env else None
    return _ssl_context(trust_env, settings)


@functools.cache
def _ssl_context(trust_env: bool, settings: tuple[str | None, ...] | None) -> ssl.SSLContext:
    # `settings` is only the cache key: httpx reads the variables itself
    return httpx.create_ssl_context(trust_env=trust_env)


@contextlib.contextmanager
def _httpx_errors(request: httpx.Request) -> Iterator[None]:
    """httpcore's exceptions raised as their closest httpx namesakes, as httpx's transports do."""
    try:
        yield
    except Exception as exc:
        names = [c.__name__ for c in type(exc).__mro__ if getattr(httpcore, c.__name__, 0) is c]
        for ours in (getattr(httpx, name, None) for name in names):
            if isinstance(ours, type) and issubclass(ours, httpx.TransportError):
                raise ours(str(exc), request=request) from exc
        raise


def _core_url(url: httpx.URL) -> httpcore.URL:
    return httpcore.URL(
        scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
    )


def _core_request(request: httpx.Request) -> httpcore.Request:
    return httpcore.Request(
        method=request.method,
        url=_core_url(request.url),
        headers=request.headers.raw,
        content=request.stream,
        extensions=request.extensions,
    )


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body stream (sync or async): httpcore's failures raised as httpx's, each chunk
    checked for the time left and the size (`cap` bytes)."""

    def __init__(self, inner: Any, request: httpx.Request, cap: int | None = None) -> None:
        self._inner = inner
        self._request = request
        self._cap = cap
        self._size = 0

    def _check(self, chunk: bytes) -> bytes:
        self._size += len(chunk)
        if self._cap is not None and self._size > self._cap:
            raise _too_large(self._request, f"over {self._size}")
        call = _call.get()
        if call is not None and call.until is not None and call.until <= time.monotonic():
            raise httpx.ReadTimeout("the attempt's or the call's time is up", request=self._request)
        return chunk

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors(self._request):
            for chunk in self._inner:
                yield self._check(chunk)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors(self._request):
            async for chunk in self._inner:
                yield self._check(chunk)

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()


def _answer(answer: httpcore.Response, request: httpx.Request) -> httpx.Response:
    stream = _Body(answer.stream, request)
    return httpx.Response(
        answer.status, headers=answer.headers, stream=stream, extensions=answer.extensions
    )


class PoolTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport over one of httpcore's pools (sync or async, direct or proxied)."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with _httpx_errors(request):
            return _answer(self.pool.handle_request(_core_request(request)), request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with _httpx_errors(request):
            return _answer(await self.pool.handle_async_request(_core_request(request)), request)

    def close(self) -> None:
        self.pool.close()

    async def aclose(self) -> None:
        await self.pool.aclose()


def environment_proxies() -> dict[str, str | None]:
    """The proxies httpx uses with `trust_env=True`, as `mounts` (None: NO_PROXY, direct)."""
    found = urllib.request.getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if value := found.get(scheme):
            mounts[f"{scheme}://"] = value if "://" in value else f"http://{value}"
    for host in (h.strip() for h in found.get("no", "").split(",")):
        if host == "*":
            return {}
        if host:
            mounts[_direct_pattern(host)] = None
    return mounts


def _direct_pattern(host: str) -> str:
    """The mounts pattern of one NO_PROXY entry (curl's reading: `example.com` is the domain
    and its subdomains, `.example.com` only the subdomains)."""
    if "://" in host:
        return host
    try:
        address = ipaddress.ip_address(host.split("/")[0])
    except ValueError:
        return f"all://{host}" if host.lower() == "localhost" else f"all://*{host}"
    return f"all://[{host}]" if address.version == 6 else f"all://{host}"


def _proxy_pool(proxy: str, settings: dict[str, Any], asynchronous: bool) -> PoolTransport:
    """A pool through one proxy URL (http(s) or socks5), on our sockets."""
    parsed = httpx.Proxy(proxy)
    url = parsed.url
    settings = {**settings, "proxy_url": _core_url(url), "proxy_auth": parsed.raw_auth}
    if url.scheme.startswith("socks5"):  # httpx.Proxy refuses other schemes
        pool: Any = httpcore.AsyncSOCKSProxy if asynchronous else httpcore.SOCKSProxy
    else:
        settings["proxy_headers"] = parsed.headers.raw
        settings["proxy_ssl_context"] = parsed.ssl_context
        pool = httpcore.AsyncHTTPProxy if asynchronous else httpcore.HTTPProxy
    return PoolTransport(pool(**settings))


def http_transport(
    limits: httpx.Limits, *, trust_env: bool = True, asynchronous: bool = False
) -> PoolTransport | ClientTransport:
    """Our bottom: a pool on our sockets and, with `trust_env`, one per proxy the environment
    names, routed by httpx's `mounts`."""
    settings: dict[str, Any] = {
        "ssl_context": ssl_context(trust_env),
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
        "network_backend": DeadlineBackend(
            httpcore.AnyIOBackend() if asynchronous else httpcore.SyncBackend()
        ),
    }
    pool = httpcore.AsyncConnectionPool if asynchronous else httpcore.ConnectionPool
    direct = PoolTransport(pool(**settings))
    proxies = environment_proxies() if trust_env else {}
    if not proxies:
        return direct
    mounts = {
        pattern: None if url is None else _proxy_pool(url, settings, asynchronous)
        for pattern, url in proxies.items()
    }
    router = (httpx.AsyncClient if asynchronous else httpx.Client)(
        transport=direct, mounts=mounts, trust_env=False
    )
    return ClientTransport(router, owned=True)


_UNSET: Any = object()


class DecodedResponse(httpx.Response):
    """An httpx.Response whose `json()` decodes the body once (the generated parser and our
    reader share the result); JSON nested too deeply is a ValueError like any bad JSON."""

    _decoded: Any = _UNSET

    def json(self, **kwargs: Any) -> Any:
        if kwargs:
            return super().json(**kwargs)
        if self._decoded is _UNSET:
            try:
                self._decoded = super().json()
            except RecursionError:
                raise ValueError("the JSON is nested too deeply") from None
        return self._decoded


def _too_large(request: httpx.Request, size: int | str) -> ResponseValidationError:
    return ResponseValidationError(
        f"{request.method} {request.url.path}: the answer's body ({size} bytes) is larger "
        f"than {MAX_BODY_BYTES} bytes"
    )


def guarded(raw: httpx.Response, request: httpx.Request, *, streamed: bool) -> DecodedResponse:
    """`raw` as a DecodedResponse over a guarded stream (a declared Content-Length over
    MAX_BODY_BYTES is refused at once, unless `streamed`)."""
    declared = raw.headers.get("Content-Length", "")
    if not streamed and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(request, declared)
    return DecodedResponse(
        raw.status_code,
        headers=raw.headers,
        stream=_Body(raw.stream, request, None if streamed else MAX_BODY_BYTES),
        extensions=raw.extensions,
        request=request,
    )


def _add_missing_headers(request: httpx.Request, defaults: httpx.Headers) -> None:
    """The caller's default headers, below ours: `send` does not merge them, only
    `build_request` would, and the request was built by our client."""
    for name, value in defaults.multi_items():
        if name not in request.headers:
            request.headers[name] = value


class ClientTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Sends through an httpx.Client or AsyncClient: a caller's (which the caller closes) or
    our proxy router (`owned`). Auth and redirects are left to the layers above, so that
    credentials are attached once, only for the API's origin."""

    def __init__(self, client: Any, *, owned: bool = False) -> None:
        self.client = client
        self.owned = owned

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _add_missing_headers(request, self.client.headers)
        response: httpx.Response = self.client.send(
            request, stream=True, auth=None, follow_redirects=False
        )
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Our sockets do not guard the caller's client, so the answer's headers are awaited
        in a cancel scope that ends with the attempt (the body is guarded chunk by chunk)."""
        _add_missing_headers(request, self.client.headers)
        try:
            with anyio.fail_after(io_timeout(None)):
                response: httpx.Response = await self.client.send(
                    request, stream=True, auth=None, follow_redirects=False
                )
                return response
        except TimeoutError:
            raise httpx.ReadTimeout("the attempt's time is up", request=request) from None

    def close(self) -> None:
        if self.owned:
            self.client.close()

    async def aclose(self) -> None:
        if self.owned:
            await self.client.aclose()


class SharedTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Another client's bottom transport, borrowed by `with_options`: the connection pool
    is shared, and closing it is left to the client that owns it."""

    def __init__(self, owner: Any) -> None:
        self.owner = owner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return cast(httpx.Response, self.owner.handle_request(request))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return cast(httpx.Response, await self.owner.handle_async_request(request))

    def close(self) -> None:
        """Nothing to close: the owning client closes the pool."""

    async def aclose(self) -> None:
        """Nothing to close: the owning client closes the pool."""


def effective_timeout(
    timeout: float | httpx.Timeout,
    default: httpx.Timeout,
    http_client: httpx.Client | httpx.AsyncClient | None,
) -> httpx.Timeout:
    """The timeout passed; else the caller's client's own, if set; else ours (`default`)."""
    if timeout is default and http_client and http_client.timeout != HTTPX_DEFAULT_TIMEOUT:
        return http_client.timeout
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
