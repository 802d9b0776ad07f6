"""The request limits of MockConfig, and the inputs that used to answer 500 or stall."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest
from test_errors import assert_error

from imuze_mock import DEMO, MockConfig, running
from imuze_mock.validation import structure

JSON = {"Content-Type": "application/json"}
AUTH = {"Authorization": DEMO.api_key, **JSON}
LOGIN = {"token": {"email": DEMO.email, "password": DEMO.password}}


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


# Each limit, a request just over it, and the answer.
OVER_THE_LIMITS = [
    ("max_body_bytes", b" " * (256 * 1024 + 1), {}, 413, "body is larger than 262144 bytes"),
    ("max_header_bytes", b"{}", {"X-Big": "x" * 65_536}, 400, "headers are larger than 65536"),
    ("max_json_depth", nested(33).encode(), {}, 400, "nested deeper than 32 levels"),
    (
        "max_json_keys",
        json.dumps({f"k{n}": 1 for n in range(1_001)}).encode(),
        {},
        400,
        "more than 1000 object keys",
    ),
    ("max_json_values", json.dumps([0] * 20_000).encode(), {}, 400, "more than 20000 values"),
]


@pytest.mark.parametrize(("limit", "body", "headers", "status", "why"), OVER_THE_LIMITS)
@pytest.mark.parametrize("path", ["/tokens", "/songs"])
async def test_each_limit_is_answered_with_an_error_body(
    api, limit, body, headers, status, why, path
):
    assert limit in MockConfig.__dataclass_fields__  # a documented knob of MockConfig
    response = await api.client.post(path, content=body, headers={**AUTH, **headers})
    assert why in assert_error(response, status)["message"]


def test_the_limits_cover_every_limit_field():
    """A new `max_*` request limit must get its case above."""
    request_limits = {
        name
        for name in MockConfig.__dataclass_fields__
        if name.startswith("max_") and name.endswith(("_bytes", "_depth", "_keys", "_values"))
    } - {"max_audio_bytes"}
    assert {case[0] for case in OVER_THE_LIMITS} == request_limits


async def test_a_chunked_body_over_the_limit_is_cut_off_at_413(make_api):
    sent = []

    async def chunks():
        for _ in range(100):
            sent.append(1)
            yield b" " * 1024

    async with make_api(MockConfig(max_body_bytes=10_000, strict=True)) as api:
        response = await api.client.post("/songs", content=chunks(), headers=AUTH)
    assert_error(response, 413)
    assert len(sent) < 100  # refused as soon as it passed the limit


async def test_the_contract_runners_largest_probes_pass_the_limits(api):
    # `imuze contract` probes strings of 65,536 characters and arrays of 10,000 items.
    auth = {"Authorization": DEMO.api_key}
    song = {"title": "A" * 65_536, "arrangement_id": 1, "tags": ["calm"] * 10_000}
    response = await api.client.post("/songs", json={**song, "desired_length": 0}, headers=auth)
    assert response.status_code == 201, response.text
    login = {"token": {"email": DEMO.email, "password": "x" * 65_536}}
    assert_error(await api.client.post("/tokens", json=login), 401)


async def test_limits_are_knobs(make_api):
    config = MockConfig(max_json_depth=2, max_json_keys=3, max_body_bytes=100, strict=True)
    async with make_api(config) as api:
        deep = await api.client.post("/tokens", content=b'{"a": [[1]]}', headers=JSON)
        assert "deeper than 2" in assert_error(deep, 400)["message"]
        keys = await api.client.post("/tokens", content=b'{"a":{"b":1,"c":2,"d":3}}', headers=JSON)
        assert "more than 3 object keys" in assert_error(keys, 400)["message"]
        assert_error(await api.client.post("/tokens", content=b" " * 101, headers=JSON), 413)
        # Within every limit: a valid login still works.
        assert (await api.client.post("/tokens", json=LOGIN)).status_code == 201


@pytest.mark.parametrize(
    ("raw", "depth", "keys", "values"),
    [
        (b"", 0, 0, 0),
        (b"1", 0, 0, 1),
        (b"[1, 2, 3]", 1, 0, 4),
        (b'{"a": {"b": [1, {"c": 2}]}}', 4, 3, 6),
        (
            b'{"[{:,": "]}:,", "k": "\\\\"}',
            1,
            2,
            3,
        ),  # brackets, colons, commas in strings do not count
        (b'["\\"[[[,", "\\\\\\"{{"]', 1, 0, 3),  # nor after escaped quotes
        (nested(10_000).encode(), 10_000, 0, 10_001),
    ],
)
def test_structure_counts_depth_keys_and_values_outside_strings(raw, depth, keys, values):
    assert structure(raw) == (depth, keys, values)


# The inputs that answered 500.


async def test_a_lone_surrogate_anywhere_is_a_400_not_a_500(api):
    for body in (
        '{"token": {"email": "demo@imuze.io", "password": "\\ud800"}}',
        '{"token": {"email": "\\udfff", "password": "x"}}',
        '{"title": "Good \\udc00", "arrangement_id": 1, "tags": [], "desired_length": 1}',
        '{"\\ud800": 1}',
    ):
        for path in ("/tokens", "/songs"):
            response = await api.client.post(path, content=body.encode(), headers=AUTH)
            assert "lone surrogate" in assert_error(response, 400)["message"]
    # A surrogate pair is one character, and fine.
    pair = '{"token": {"email": "demo@imuze.io", "password": "\\ud83d\\ude00"}}'
    assert_error(await api.client.post("/tokens", content=pair.encode(), headers=JSON), 401)


@pytest.mark.parametrize("depth", [200, 257, 300, 10_000])
async def test_deep_arrays_in_a_validated_field_are_a_400_not_a_500(make_api, depth):
    body = f'{{"token": {{"email": {nested(depth)}, "password": "x"}}}}'.encode()
    for config in (MockConfig(strict=True), MockConfig(strict=True, max_json_depth=200)):
        async with make_api(config) as api:
            response = await api.client.post("/tokens", content=body, headers=JSON)
        assert_error(response, 400)


def test_the_depth_limit_stays_below_the_validators_own():
    with pytest.raises(ValueError, match="max_json_depth must be <= 200"):
        MockConfig(max_json_depth=257)


@pytest.mark.parametrize("digits", ["²", "¹²", "٣", "①", "\u09ea", "0²"])
async def test_a_range_with_non_ascii_digits_is_ignored_not_a_500(api, digits):
    auth = await api.login()
    song = await api.song_ready(auth)
    for text in (f"bytes={digits}-", f"bytes=-{digits}", f"bytes=0-{digits}"):
        try:
            header = text.encode("latin-1")  # as the server decodes it: "²" is b"\xb2"
        except UnicodeEncodeError:
            header = text.encode()
        response = await api.client.get(song["mp3_url"], headers={**auth, "Range": header})
        assert response.status_code == 200, (header, response.text)


async def test_duplicate_keys_are_found_in_linear_time(make_api):
    # 120,000 distinct keys and then a duplicate took 85 s (a quadratic search) on the
    # event loop, stalling every client; the limits now refuse such a body, so they are
    # raised here to reach the search itself.
    members = [f'"{n:x}":1' for n in range(120_000)] + ['"0":2']
    body = ("{" + ",".join(members) + "}").encode()
    config = MockConfig(
        max_body_bytes=4 * 1024 * 1024, max_json_keys=200_000, max_json_values=400_000
    )
    async with make_api(config) as api:
        started = time.monotonic()
        response = await api.client.post("/tokens", content=body, headers=JSON)
        took = time.monotonic() - started
    assert "duplicate key" in assert_error(response, 400, "0")["message"]
    assert took < 10, f"{took:.1f} s for one request"


def test_over_sockets_a_huge_head_is_refused_before_it_is_read():
    with running(MockConfig(max_header_bytes=4096)) as server:
        host, port = server.origin.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            conn.sendall(b"GET /api/4/arrangements HTTP/1.1\r\nHost: x\r\nX-Big: ")
            refused = b""
            try:
                for _ in range(2000):  # 16 MiB, far past the limit, until the mock hangs up
                    conn.sendall(b"x" * 8192)
            except OSError:
                pass
            while chunk := conn.recv(65536):
                refused += chunk
    head, _, body = refused.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), refused[:200]
    assert json.loads(body)["message"] == "the request line and headers are larger than 4096 bytes"


@pytest.mark.parametrize("size", [60_000, 200_000, 250_000])
def test_over_sockets_a_large_body_is_not_taken_for_a_large_head(size):
    # A whole request arriving in one read used to count its body towards the head limit.
    login = {"token": {"email": DEMO.email, "password": "x" * size}}
    with running(MockConfig()) as server, httpx.Client(base_url=server.base_url) as client:
        for _ in range(3):  # on one connection, so several requests share reads
            assert client.post("/tokens", json=login).status_code == 401


def test_over_sockets_bytes_the_parser_rejects_get_the_error_body():
    with running(MockConfig()) as server:
        host, port = server.origin.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            conn.sendall(b"GET /api/4/arrangements HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n")
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"content-type: application/json" in head
    assert json.loads(body)["code"] == 400 and json.loads(body)["error"] == "bad_request"
