"""The bottom of each client's stack, where requests leave: our own pool, a transport the
caller gave, or the caller's own httpx client.

Every `Imuze` stacks the same layers: its httpx client (base URL, auth flow, headers,
timeout, the response hook of `_calls`), then the retrying transport, then one of these.
A caller's httpx client sits at the bottom through its public `send`, so that its
transport and mounts (proxies, verify, cert, limits), event hooks and default headers all
apply, while ours add auth, retries and the base URL. Its transport cannot be wrapped from
outside without httpx's private attributes, and reaching it through `send` needs none.
"""

from __future__ import annotations

import httpx

from . import _deadlines

HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
"""What an httpx client has when its caller set no timeout."""


def _add_missing_headers(request: httpx.Request, defaults: httpx.Headers) -> None:
    """The caller's default headers, below ours: `send` does not merge them, only
    `build_request` would, and the request was built by our client."""
    for name, value in defaults.multi_items():
        if name not in request.headers:
            request.headers[name] = value


class ClientTransport(httpx.BaseTransport):
    """Sends through a caller's httpx.Client, which the caller keeps and closes.

    Auth and redirects are left to the layers above (`auth=None`, no redirects here), so
    that credentials are attached once, by our flow, and only for the API's origin.
    """

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _add_missing_headers(request, self.client.headers)
        return self.client.send(request, stream=True, auth=None, follow_redirects=False)

    def close(self) -> None:
        """Nothing to close: the caller owns its client."""


class AsyncClientTransport(httpx.AsyncBaseTransport):
    """The async twin of ClientTransport, over a caller's httpx.AsyncClient."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Our sockets do not guard the caller's client, so the answer's headers are awaited
        in a cancel scope that ends with the attempt (the body is guarded chunk by chunk)."""
        _add_missing_headers(request, self.client.headers)
        call = _deadlines.current()
        left = None if call is None else call.remaining()
        if left is None:
            return await self.client.send(request, stream=True, auth=None, follow_redirects=False)
        import anyio  # the async twin's own: not loaded by `import imuze`

        try:
            with anyio.fail_after(max(left, 0.0)):
                return await self.client.send(
                    request, stream=True, auth=None, follow_redirects=False
                )
        except TimeoutError:
            raise httpx.ReadTimeout("the attempt's time is up", request=request) from None

    async def aclose(self) -> None:
        """Nothing to close: the caller owns its client."""


class SharedTransport(httpx.BaseTransport):
    """Another client's bottom transport, borrowed by `with_options`: the connection pool
    is shared, and closing it is left to the client that owns it."""

    def __init__(self, owner: httpx.BaseTransport) -> None:
        self.owner = owner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.owner.handle_request(request)

    def close(self) -> None:
        """Nothing to close: the owning client closes the pool."""


class AsyncSharedTransport(httpx.AsyncBaseTransport):
    """The async twin of SharedTransport."""

    def __init__(self, owner: httpx.AsyncBaseTransport) -> None:
        self.owner = owner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.owner.handle_async_request(request)

    async def aclose(self) -> None:
        """Nothing to close: the owning client closes the pool."""


def check_one_bottom(transport: object | None, http_client: object | None) -> None:
    """Refuse `transport=` together with `http_client=`: each replaces the network."""
    if transport is not None and http_client is not None:
        raise ValueError("pass transport= or http_client=, not both")


def effective_timeout(
    timeout: float | httpx.Timeout,
    default: httpx.Timeout,
    http_client: httpx.Client | httpx.AsyncClient | None,
) -> httpx.Timeout:
    """The timeout of each request: the one passed; else the caller's client's own, when it
    set one; else ours (`default`)."""
    if timeout is default and http_client is not None:
        if http_client.timeout != HTTPX_DEFAULT_TIMEOUT:
            return http_client.timeout
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
