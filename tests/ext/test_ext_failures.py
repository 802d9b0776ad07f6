"""Every failure is typed, by construction: httpx's whole exception hierarchy, walked from
the installed httpx, and every hostile body, through get (sync and async) and download."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from ext_helpers import API, song_json

from imuze_ext import AsyncImuze, Imuze, ImuzeError, ResponseValidationError
from imuze_ext._deadlines import MAX_BODY_BYTES
from imuze_ext.errors import APIConnectionError, APIStatusError, APITimeoutError

HTTPX_EXCEPTIONS: dict[type[Exception], type[ImuzeError]] = {
    httpx.HTTPError: ImuzeError,
    httpx.RequestError: APIConnectionError,
    httpx.TransportError: APIConnectionError,
    httpx.TimeoutException: APITimeoutError,
    httpx.ConnectTimeout: APITimeoutError,
    httpx.ReadTimeout: APITimeoutError,
    httpx.WriteTimeout: APITimeoutError,
    httpx.PoolTimeout: APITimeoutError,
    httpx.NetworkError: APIConnectionError,
    httpx.ConnectError: APIConnectionError,
    httpx.ReadError: APIConnectionError,
    httpx.WriteError: APIConnectionError,
    httpx.CloseError: APIConnectionError,
    httpx.ProtocolError: APIConnectionError,
    httpx.RemoteProtocolError: APIConnectionError,
    httpx.LocalProtocolError: ImuzeError,
    httpx.ProxyError: APIConnectionError,
    httpx.UnsupportedProtocol: APIConnectionError,
    httpx.DecodingError: ResponseValidationError,
    httpx.TooManyRedirects: APIConnectionError,
    httpx.HTTPStatusError: APIStatusError,
    httpx.InvalidURL: ResponseValidationError,
    httpx.CookieConflict: ImuzeError,
    httpx.StreamError: ImuzeError,
    httpx.StreamConsumed: ImuzeError,
    httpx.StreamClosed: ImuzeError,
    httpx.ResponseNotRead: ImuzeError,
    httpx.RequestNotRead: ImuzeError,
}
"""Every exception httpx defines, and the class of ours it must become (through
imuze_ext._responses.typed): a new httpx exception fails the test below until it is here."""


def _subclasses(cls: type[BaseException]) -> Iterator[type[BaseException]]:
    yield cls
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("httpx"):
            yield from _subclasses(sub)


def httpx_exceptions() -> set[type[BaseException]]:
    """Every exception class of the installed httpx: the HTTPError tree, the stream
    errors, InvalidURL, CookieConflict, and whatever else httpx.__all__ exports."""
    found: set[type[BaseException]] = set()
    roots: list[type[BaseException]] = [httpx.HTTPError, httpx.StreamError]
    roots += [httpx.InvalidURL, httpx.CookieConflict]
    for name in httpx.__all__:
        value = getattr(httpx, name)
        if inspect.isclass(value) and issubclass(value, BaseException):
            roots.append(value)
    for root in roots:
        found.update(_subclasses(root))
    return found


def test_every_httpx_exception_has_a_mapping() -> None:
    unmapped = {cls.__name__ for cls in httpx_exceptions()} - {
        cls.__name__ for cls in HTTPX_EXCEPTIONS
    }
    assert not unmapped, f"decide how imuze_ext types these, and add them: {sorted(unmapped)}"
    assert len(HTTPX_EXCEPTIONS) >= 28


def _instance(cls: type[BaseException], request: httpx.Request) -> BaseException:
    if issubclass(cls, httpx.HTTPStatusError):
        return cls("boom", request=request, response=httpx.Response(500, request=request))
    for args, kwargs in ((("boom",), {"request": request}), (("boom",), {}), ((), {})):
        try:
            return cls(*args, **kwargs)
        except TypeError:
            continue
    raise AssertionError(f"cannot build {cls.__name__}")


EXCEPTIONS = sorted(httpx_exceptions(), key=lambda cls: cls.__name__)
MEDIA = f"{API}/songs/1/audio.mp3"


def _raising(cls: type[BaseException], *, on_media: bool = False) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if on_media and request.url.path.endswith("/songs/1"):
            return httpx.Response(200, json=song_json(1))
        raise _instance(cls, request)

    return httpx.MockTransport(handle)


def _check(exc: BaseException, cls: type[BaseException]) -> None:
    assert isinstance(exc, ImuzeError), f"{cls.__name__} escaped as {type(exc).__name__}"
    expected = HTTPX_EXCEPTIONS[cls]  # type: ignore[index]
    assert isinstance(exc, expected), f"{cls.__name__} -> {type(exc).__name__}"
    message = str(exc)
    assert message.strip() and "\n" not in message and len(message) < 400, message


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda cls: cls.__name__)
def test_each_httpx_exception_is_typed_sync_async_and_download(
    cls: type[BaseException], tmp_path: Path
) -> None:
    with Imuze(api_key="k", base_url=API, transport=_raising(cls), max_retries=0) as api:
        with pytest.raises(Exception) as caught:
            api.songs.get(1)
        _check(caught.value, cls)
    media = _raising(cls, on_media=True)
    with Imuze(api_key="k", base_url=API, transport=media, max_retries=0) as api:
        with pytest.raises(Exception) as caught:
            api.songs.download(1, tmp_path)
        _check(caught.value, cls)
    assert list(tmp_path.iterdir()) == []

    async def run() -> None:
        transport = _raising(cls)
        async with AsyncImuze(api_key="k", base_url=API, transport=transport, max_retries=0) as api:
            with pytest.raises(Exception) as caught:
                await api.songs.get(1)
            _check(caught.value, cls)
        async with AsyncImuze(
            api_key="k", base_url=API, transport=_raising(cls, on_media=True), max_retries=0
        ) as api:
            with pytest.raises(Exception) as caught:
                await api.songs.download(1, tmp_path)
            _check(caught.value, cls)

    asyncio.run(run())
    assert list(tmp_path.iterdir()) == []


class _Endless(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A chunked body of 200 MB that is never buffered whole."""

    CHUNK = b" " * (1 << 20)

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(200):
            yield self.CHUNK

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for _ in range(200):
            yield self.CHUNK


BODIES: dict[str, httpx.Response] = {
    "invalid_json": httpx.Response(200, content=b'{"id": 1,'),
    "wrong_charset": httpx.Response(
        200,
        content=b'{"title": "\xe9"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    ),
    "deep_nesting": httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000),
    "declared_200_mb": httpx.Response(
        200, headers={"Content-Length": str(200_000_000)}, stream=httpx.ByteStream(b"{")
    ),
    "chunked_200_mb": httpx.Response(200, stream=_Endless()),
    "empty": httpx.Response(200, content=b""),
    "null": httpx.Response(200, content=b"null"),
    "array_for_object": httpx.Response(200, content=b"[]"),
    "error_status_deep_body": httpx.Response(500, content=b"[" * 100_000),
}


@pytest.mark.parametrize("name", BODIES)
def test_each_hostile_body_is_typed(name: str) -> None:
    template = BODIES[name]

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            template.status_code, headers=template.headers, stream=template.stream
        )

    expected = ImuzeError if template.status_code >= 400 else ResponseValidationError
    transport = httpx.MockTransport(handle)
    with Imuze(api_key="k", base_url=API, transport=transport, max_retries=0) as api:
        with pytest.raises(expected) as caught:
            api.songs.get(1)
    assert str(caught.value).strip() and "\n" not in str(caught.value)

    async def run() -> None:
        async with AsyncImuze(api_key="k", base_url=API, transport=transport, max_retries=0) as api:
            with pytest.raises(expected):
                await api.songs.get(1)

    asyncio.run(run())


def test_a_bom_is_tolerated() -> None:
    body = b"\xef\xbb\xbf" + httpx.Response(200, json=song_json(1)).content
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with Imuze(api_key="k", base_url=API, transport=transport) as api:
        assert api.songs.get(1).id == 1


def test_the_size_bound_is_far_above_a_big_account() -> None:
    assert MAX_BODY_BYTES >= 32 * 1024 * 1024
