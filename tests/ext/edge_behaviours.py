"""The hostile edge's behaviours (see edge_server.py), and what each must lead to."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from edge_server import (
    PAYLOAD,
    SIGNATURE,
    Exchange,
    answer,
    as_json,
    created,
    deflated,
    gzipped,
    head,
    http_date,
    song,
)

from imuze_ext import (
    APIConnectionError,
    APITimeoutError,
    ImuzeError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    SongFailedError,
)

JSON_SONG = json.dumps(song()).encode()


# --- behaviours ---------------------------------------------------------------------------


async def trickle_body(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Type": "application/json", "Content-Length": "150"}))
    await x.trickle(JSON_SONG.ljust(150), every=0.05)
    return False


async def trickle_headers(x: Exchange) -> bool:
    await x.trickle(answer("200 OK", JSON_SONG), every=0.05)
    return False


async def stall(x: Exchange) -> bool:
    await asyncio.sleep(30)
    return False


async def redirect_loop(x: Exchange) -> bool:
    await x.send(answer("302 Found", b"", Location=f"{x.origin}{x.path}"))
    return True


def _media(x: Exchange, **song_fields: Any) -> bytes | None:
    """The song (its mp3 on this server) for GET /songs/1; None for other paths."""
    if x.path == "/api/4/songs/1":
        return as_json(song(media=f"{x.origin}/api/4/media/1.mp3", **song_fields))
    return None


def _mp3(**extra: str) -> bytes:
    return answer("200 OK", PAYLOAD, "audio/mpeg", **extra)


async def presigned_redirect(x: Exchange) -> bool:
    if (first := _media(x)) is not None:
        await x.send(first)
    elif x.path.startswith("/api/4/media"):
        signed = f"{x.other_origin}/cdn/1.mp3?X-Amz-Credential=AKIA&X-Amz-Signature={SIGNATURE}"
        await x.send(answer("302 Found", b"", Location=signed))
    else:
        await x.send(_mp3())
    return True


async def see_other_on_post(x: Exchange) -> bool:
    if x.method == "POST":
        await x.send(answer("303 See Other", b"", Location=f"{x.origin}/api/4/songs/1"))
    else:
        await x.send(as_json(created()))
    return True


async def temporary_redirect_on_post(x: Exchange) -> bool:
    if x.path == "/api/4/songs":
        await x.send(answer("307 Temporary Redirect", b"", Location=f"{x.origin}/api/4/again"))
    else:
        await x.send(as_json(created(), "201 Created"))
    return True


def _unavailable_first(retry_after: str) -> Callable[[Exchange], Any]:
    async def behaviour(x: Exchange) -> bool:
        if x.count == 1:
            await x.send(
                as_json(
                    {"error": "busy"}, "503 Service Unavailable", **{"Retry-After": retry_after}
                )
            )
        else:
            await x.send(as_json(song()))
        return True

    return behaviour


def _encoded(encoding: str, encode: Callable[[bytes], bytes]) -> Callable[[Exchange], Any]:
    async def behaviour(x: Exchange) -> bool:
        await x.send(answer("200 OK", encode(JSON_SONG), **{"Content-Encoding": encoding}))
        return True

    return behaviour


async def wrong_charset(x: Exchange) -> bool:
    body = json.dumps(song(title="Édge Song"), ensure_ascii=False).encode()
    await x.send(answer("200 OK", body, "application/json; charset=iso-8859-1"))
    return True


async def no_content_type(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(len(JSON_SONG))}) + JSON_SONG)
    return True


async def bom(x: Exchange) -> bool:
    await x.send(answer("200 OK", b"\xef\xbb\xbf" + JSON_SONG))
    return True


async def length_longer(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(len(JSON_SONG) + 100)}) + JSON_SONG)
    return False


async def length_shorter(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(len(JSON_SONG) - 5)}) + JSON_SONG)
    return False


async def reset_mid_body(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(len(JSON_SONG))}) + JSON_SONG[:20])
    x.reset()
    return False


async def informational(x: Exchange) -> bool:
    await x.send(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n")
    await x.send(answer("200 OK", JSON_SONG))
    return True


async def http10(x: Exchange) -> bool:
    await x.send(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + JSON_SONG)
    return False


async def huge_declared(x: Exchange) -> bool:
    await x.send(head("200 OK", {"Content-Length": str(200_000_000)}) + b"[" * 4096)
    await asyncio.sleep(5)
    return False


def _body(body: bytes) -> Callable[[Exchange], Any]:
    async def behaviour(x: Exchange) -> bool:
        await x.send(answer("200 OK", body))
        return True

    return behaviour


def _titled(title: str) -> Callable[[Exchange], Any]:
    async def behaviour(x: Exchange) -> bool:
        await x.send(_media(x, title=title) or _mp3())
        return True

    return behaviour


async def failed_status(x: Exchange) -> bool:
    failed = {**song(status="failed"), "failure_reason": "the renderer crashed"}
    await x.send(as_json(failed))
    return True


async def unknown_status(x: Exchange) -> bool:
    await x.send(as_json(song(status="mastering") if x.count == 1 else song()))
    return True


async def slow_login(x: Exchange) -> bool:
    if x.path.endswith("/tokens"):
        await asyncio.sleep(30)
    await x.send(as_json(song()))
    return True


async def long_retry_after(x: Exchange) -> bool:
    await x.send(as_json({"error": "slow down"}, "429 Too Many Requests", **{"Retry-After": "120"}))
    return True


async def maintenance(x: Exchange) -> bool:
    await x.send(
        as_json({"error": "maintenance"}, "503 Service Unavailable", **{"Retry-After": "5"})
    )
    return True


async def html_gateway(x: Exchange) -> bool:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    await x.send(answer("502 Bad Gateway", page, "text/html"))
    return True


async def truncated_media(x: Exchange) -> bool:
    if (first := _media(x)) is not None:
        await x.send(first)
        return True
    size = {"Content-Length": str(len(PAYLOAD)), "ETag": '"v1"'}
    await x.send(head("200 OK", size) + PAYLOAD[:1000])
    return False


async def changed_media(x: Exchange) -> bool:
    if (first := _media(x)) is not None:
        await x.send(first)
        return True
    if "range" not in x.headers:
        await x.send(head("200 OK", {"Content-Length": "1000", "ETag": '"v1"'}) + b"a" * 500)
        return False
    # ignores If-Range and splices the 1,500-byte version on
    headers = {"Content-Length": "1000", "Content-Range": "bytes 500-1499/1500", "ETag": '"v1"'}
    await x.send(head("206 Partial Content", headers) + b"b" * 1000)
    return True


@dataclass(frozen=True)
class Case:
    behaviour: Callable[[Exchange], Any]
    op: str  # get, create, download, wait, login
    expect: tuple[type[ImuzeError], ...] | None  # None: the call works


TYPED_BODY = (ResponseValidationError,)
CASES: dict[str, Case] = {
    "trickle_body": Case(trickle_body, "get", (APITimeoutError,)),
    "trickle_headers": Case(trickle_headers, "get", (APITimeoutError,)),
    "stall": Case(stall, "get", (APITimeoutError,)),
    "redirect_loop": Case(redirect_loop, "get", (APIConnectionError,)),
    "presigned_redirect": Case(presigned_redirect, "download", None),
    "see_other_on_post": Case(see_other_on_post, "create", None),
    "temporary_redirect_on_post": Case(temporary_redirect_on_post, "create", None),
    "retry_after_http_date": Case(_unavailable_first(http_date(1)), "get", None),
    "retry_after_past_date": Case(_unavailable_first(http_date(-3600)), "get", None),
    "gzip": Case(_encoded("gzip", gzipped), "get", None),
    "deflate": Case(_encoded("deflate", deflated), "get", None),
    # without the brotli package httpx does not ask for br and reads the body as sent
    "brotli_unasked": Case(_encoded("br", lambda data: data), "get", None),
    "gzip_header_on_plain_body": Case(_encoded("gzip", lambda data: data), "get", TYPED_BODY),
    "wrong_charset": Case(wrong_charset, "get", None),
    "no_content_type": Case(no_content_type, "get", None),
    "bom": Case(bom, "get", None),
    "content_length_longer": Case(length_longer, "get", (APIConnectionError,)),
    "content_length_shorter": Case(length_shorter, "get", TYPED_BODY),
    "reset_mid_body": Case(reset_mid_body, "get", (APIConnectionError,)),
    "informational_1xx": Case(informational, "get", None),
    "http10_no_keep_alive": Case(http10, "get", None),
    "huge_declared_body": Case(huge_declared, "get", TYPED_BODY),
    "deep_json": Case(_body(b"[" * 100_000 + b"]" * 100_000), "get", TYPED_BODY),
    "invalid_json": Case(_body(b'{"id": 1,'), "get", TYPED_BODY),
    "empty_body": Case(_body(b""), "get", TYPED_BODY),
    "null_body": Case(_body(b"null"), "get", TYPED_BODY),
    "array_for_object": Case(_body(b"[1, 2]"), "get", TYPED_BODY),
    "title_path_separators": Case(_titled("../../etc/passwd"), "download", None),
    "title_nul_and_controls": Case(_titled("a\x00b\x07c\x1b[2J"), "download", None),
    "title_windows_reserved": Case(_titled("CON"), "download", None),
    "failed_status": Case(failed_status, "wait", (SongFailedError,)),
    "unknown_status": Case(unknown_status, "wait", None),
    "slow_login": Case(slow_login, "login", (APITimeoutError,)),
    "long_retry_after": Case(long_retry_after, "get", (RateLimitError,)),
    "maintenance_past_deadline": Case(maintenance, "get", (ServerError,)),
    "html_gateway_error": Case(html_gateway, "get", (ServerError,)),
    "truncated_media": Case(truncated_media, "download", (APIConnectionError,)),
    "changed_media": Case(changed_media, "download", TYPED_BODY),
}
