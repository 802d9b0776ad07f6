"""The user's proxy: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, chosen as httpx chooses
them, through a real forwarding proxy on loopback; the deadlines hold through it."""

from __future__ import annotations

import http.client
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import certifi
import httpx
import pytest
from httpx._utils import get_environment_proxies  # the reference this client must match

from imuze_ext import APITimeoutError, AsyncImuze, Imuze
from imuze_ext._deadlines import environment_proxies, ssl_context
from imuze_mock import MockServer

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
TRICKLE = "/api/4/songs/424242"


class Forwarder(http.server.BaseHTTPRequestHandler):
    """A forwarding HTTP proxy: an absolute-form request is sent on to its origin and the
    answer relayed; TRICKLE's answer comes one byte every 0.2 s."""

    protocol_version = "HTTP/1.1"
    seen: list[str]

    def _forward(self) -> None:
        type(self).seen.append(f"{self.command} {self.path}")
        url = urlsplit(self.path)
        if url.path == TRICKLE:
            self._trickle()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection(url.hostname or "", url.port or 80, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"}
        upstream.request(
            self.command, url.path + (f"?{url.query}" if url.query else ""), body, headers
        )
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "100")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it must

    do_GET = do_POST = _forward

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (Forwarder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _no_proxy_of_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_http_proxy_carries_every_call_sync(
    imuze_mock_server: MockServer, proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    server = imuze_mock_server
    with Imuze(
        email=server.demo.email, password=server.demo.password, base_url=server.base_url
    ) as api:
        assert api.arrangements.list().count >= 1
    assert seen == [f"POST {server.base_url}/tokens", f"GET {server.base_url}/arrangements"]


async def test_all_proxy_carries_every_call_async(
    imuze_mock_server: MockServer, proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = proxy
    monkeypatch.setenv("ALL_PROXY", url)
    server = imuze_mock_server
    async with AsyncImuze(api_key=server.demo.api_key, base_url=server.base_url) as api:
        assert (await api.songs.list()).count >= 0
    assert seen == [f"GET {server.base_url}/songs"]


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "*", "localhost,127.0.0.1"])
def test_no_proxy_goes_direct(
    imuze_mock_server: MockServer,
    proxy: tuple[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    no_proxy: str,
) -> None:
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    server = imuze_mock_server
    with Imuze(api_key=server.demo.api_key, base_url=server.base_url) as api:
        api.arrangements.list()

    async def run() -> None:
        async with AsyncImuze(api_key=server.demo.api_key, base_url=server.base_url) as api:
            await api.arrangements.list()

    import asyncio

    asyncio.run(run())
    assert seen == []


def test_trust_env_false_ignores_the_environment(
    imuze_mock_server: MockServer, proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    server = imuze_mock_server
    with Imuze(api_key=server.demo.api_key, base_url=server.base_url, trust_env=False) as api:
        api.arrangements.list()
    assert seen == []


def test_the_deadline_holds_through_the_proxy(
    proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One byte every 0.2 s never trips a 0.5 s read timeout; the attempt's and the call's
    limits still end the call, sync and async."""
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    base = "http://127.0.0.1:9/api/4"  # never reached directly: the proxy answers
    started = time.monotonic()
    with Imuze(api_key="k", base_url=base, timeout=0.5, deadline=1.0) as api:
        with pytest.raises(APITimeoutError):
            api.songs.get(424242)
    assert time.monotonic() - started < 2.0

    async def run() -> None:
        async with AsyncImuze(api_key="k", base_url=base, timeout=0.5, deadline=1.0) as api:
            with pytest.raises(APITimeoutError):
                await api.songs.get(424242)

    import asyncio

    started = time.monotonic()
    asyncio.run(run())
    assert time.monotonic() - started < 2.0
    assert seen and all(line == f"GET {base}/songs/424242" for line in seen)


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"HTTP_PROXY": "http://p:1"},
        {"HTTPS_PROXY": "p:3128", "ALL_PROXY": "socks5://s:1080"},
        {"ALL_PROXY": "http://p:1", "NO_PROXY": "example.com,.internal, 10.0.0.1,::1,localhost"},
        {"HTTP_PROXY": "http://p:1", "NO_PROXY": "*"},
        {"HTTP_PROXY": "http://p:1", "NO_PROXY": "http://direct.example"},
    ],
)
def test_the_proxies_are_httpxs_own_choice(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx reads the environment in a private function; a change there fails this."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert environment_proxies() == get_environment_proxies()


def test_a_proxy_of_an_unknown_scheme_is_refused_as_httpx_refuses_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALL_PROXY", "ftp://p:21")
    with pytest.raises(ValueError, match="proxy"):
        Imuze(api_key="k")
    with pytest.raises(ValueError, match="proxy"):
        httpx.Client(trust_env=True)


def test_the_tls_context_follows_the_ca_variables_of_the_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SSL_CERT_FILE (httpx's reading) applies to a client made after it is set, and no
    more once it is unset: the context is not the first client's for the whole process."""
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    bundle = Path(certifi.where()).read_text()
    one = bundle[bundle.index("-----BEGIN CERTIFICATE-----") :]
    one = one[: one.index("-----END CERTIFICATE-----")] + "-----END CERTIFICATE-----\n"
    (tmp_path / "ca.pem").write_text(one)
    default = len(ssl_context().get_ca_certs())
    assert default > 1
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    assert len(ssl_context().get_ca_certs()) == 1
    assert len(ssl_context(trust_env=False).get_ca_certs()) == default  # trust_env=False
    monkeypatch.delenv("SSL_CERT_FILE")
    assert len(ssl_context().get_ca_certs()) == default
