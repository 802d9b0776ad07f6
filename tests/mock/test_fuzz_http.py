"""A raw-HTTP fuzzer: hypothesis writes bytes onto real sockets, the mock (uvicorn on loopback)
must answer every one with a documented status and the Error body; 5xx only when injected.

It covers bytes and Unicode of every general category (surrogates included) in the method,
path, query, header values and body; overlong and invalid UTF-8; JSON nested to 10,000
levels, 200,000 keys, duplicate keys and huge numbers; every Range form of RFC 9110 and
malformed ones; every method; Content-Length and chunked framing. Modest example counts:
it runs in seconds.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imuze_mock import DEMO, MockConfig, running
from imuze_mock.errors import REASONS

# What the mock may answer: the Error table (errors.REASONS) and its successes.
DOCUMENTED = {200, 201, 206, *REASONS} - {500}
INJECTED = {"500", "503", "429"}

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]
PATHS = [
    "/tokens",
    "/arrangements",
    "/arrangements/1",
    "/songs",
    "/songs/1",
    "/songs/1/audio.mp3",
    "/songs/1/timeline.json",
]

# Unicode of every general category, surrogates (Cs) included, as UTF-8 with surrogatepass.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
utf8ish = any_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
bad_utf8 = st.sampled_from(
    [
        b"\xc0\xaf",  # overlong "/"
        b"\xe0\x80\xaf",  # overlong "/", 3 bytes
        b"\xf0\x80\x80\xaf",  # overlong "/", 4 bytes
        b"\xed\xa0\x80",  # an encoded surrogate
        b"\xff\xfe",
        b"\x80",
        b"\xf4\x90\x80\x80",  # beyond U+10FFFF
        b"\xc3",  # cut short
    ]
)
raw_bytes = st.binary(max_size=40) | utf8ish | bad_utf8
percent = raw_bytes.map(lambda b: "".join(f"%{byte:02X}" for byte in b).encode())

_N = st.integers(0, 10**30).map(str)
range_forms = st.one_of(
    st.builds(lambda a, b: f"bytes={a}-{b}", _N, _N),
    st.builds(lambda a: f"bytes={a}-", _N),
    st.builds(lambda b: f"bytes=-{b}", _N),
    st.builds(lambda a, b, c: f"bytes={a}-{b}, -{c}", _N, _N, _N),  # several ranges
    st.sampled_from(
        [
            "bytes=0-0",
            "bytes=-1",
            "bytes=-0",
            "BYTES = 0 - 10",
            "bytes=5-2",
            "bytes=-",
            "bytes=",
            "bytes",
            "=0-1",
            "items=0-1",
            "bytes=²-",
            "bytes=-²",
            "bytes=0x10-",
            "bytes=1.5-2",
            "bytes=-1-2",
            "bytes=0-1,,",
            "bytes=9" * 40 + "-",
            "bytes=\u0663-",
        ]
    ),
).map(lambda s: s.encode("latin-1") if max(s) < "\u0100" else s.encode())
# Latin-1 digits that str.isdigit() takes (the server decodes header bytes as Latin-1).
latin1_ranges = st.builds(
    lambda form, digit: form.replace(b"D", digit),
    st.sampled_from([b"bytes=D-", b"bytes=-D", b"bytes=0-D", b"bytes=D-D", b"bytes=1D-"]),
    st.sampled_from([b"\xb2", b"\xb3", b"\xb9", b"\xbc"]),
)


def _json_bodies() -> st.SearchStrategy[bytes]:
    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | any_text,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
        max_leaves=12,
    )
    valid_song = {"title": "Fuzzed Song", "arrangement_id": 1, "tags": [], "desired_length": 1}
    login = {"token": {"email": DEMO.email, "password": DEMO.password}}
    return st.one_of(
        values.map(lambda v: json.dumps(v, allow_nan=True).encode("utf-8", "surrogatepass")),
        st.sampled_from([valid_song, login]).map(lambda v: json.dumps(v).encode()),
        st.integers(1, 10_000).map(lambda n: b"[" * n + b"]" * n),  # deep
        st.integers(1, 10_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
        st.integers(1, 200_000).map(lambda n: b"{" + b",".join([b'"":0'] * n) + b"}"),  # keys
        st.integers(2, 50_000).map(lambda n: b'{"k":' + b'1,"k":'.join([b""] * n) + b"1}"),
        st.sampled_from([b"1" * 5000, b"-" + b"9" * 10_000, b"1e999999", b"-1e-999999"]).map(
            lambda number: (
                b'{"title": "Fuzzed Song", "arrangement_id": '
                + number
                + b', "tags": [], "desired_length": '
                + number
                + b"}"
            )
        ),
        st.sampled_from(
            [
                b'{"token": {"email": "demo@imuze.io", "password": "\\ud800"}}',
                b'{"title": "Good \\udfff", "arrangement_id": 1, "tags": [], "desired_length": 1}',
                b'{"token": {"email": ' + b"[" * 257 + b"]" * 257 + b', "password": "x"}}',
                b'"\\udfff"',
                b'{"\\ud800": 1}',
                b"NaN",
            ]
        ),
    )


bodies = st.one_of(st.just(b""), raw_bytes, _json_bodies())
header_names = st.sampled_from(
    ["Accept", "Authorization", "Content-Type", "Range", "If-Range", "Host", "X-Fuzz"]
)
header_values = (
    raw_bytes
    | range_forms
    | st.sampled_from(
        [
            b"application/json",
            b"*/*",
            b"audio/mpeg;q=0",
            b"application/json;q=x",
            DEMO.api_key.encode(),  # type: ignore[union-attr]
            b"imuze-other-key",
            b"Bearer x",
            b"",
        ]
    )
)


AUTH = [(b"Authorization", DEMO.api_key.encode())]  # type: ignore[union-attr]
AS_JSON = [(b"Content-Type", b"application/json")]


@st.composite
def anything(draw: Any) -> tuple[str, bytes, list[tuple[bytes, bytes]], bytes]:
    """Any method, target, headers and body."""
    method = draw(
        st.sampled_from(METHODS)
        | st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=8).map(str.upper)
    )
    target = ("/api/4" + draw(st.sampled_from(PATHS))).encode()
    target += draw(
        st.sampled_from([b"", b"/"])
        | raw_bytes.map(lambda b: b"/" + b)
        | percent.map(lambda b: b"/" + b)
    )
    if draw(st.booleans()):
        target += b"?" + draw(raw_bytes | percent)
    names = header_names.map(str.encode)
    headers = draw(st.lists(st.tuples(names, header_values), max_size=6))
    return method, target, headers, draw(bodies)


@st.composite
def bodies_sent(draw: Any) -> tuple[str, bytes, list[tuple[bytes, bytes]], bytes]:
    """A body for an operation that reads one, with the headers that get it parsed."""
    target = draw(st.sampled_from([b"/api/4/tokens", b"/api/4/songs"]))
    return "POST", target, AUTH + AS_JSON, draw(bodies)


# A hostile value in one field of a valid body: the validator and handlers see it.
hostile_values = st.one_of(
    st.integers(0xD800, 0xDFFF).map(lambda n: b'"\\u%04x"' % n),  # a lone surrogate
    st.integers(0xD800, 0xDFFF).map(lambda n: b'"Good \\u%04x title"' % n),
    st.integers(0xD800, 0xDFFF).map(lambda n: b'{"\\u%04x": 1, "\\u%04x": 2}' % (n, n)),
    st.integers(1, 10_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 10_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.sampled_from([b"1" * 5000, b"-" + b"9" * 10_000, b"1e999999", b"-1e-999999", b"NaN"]),
    st.sampled_from([b"null", b"true", b"[]", b"{}", b'""', b'"x"', b"-1", b"0.5"]),
)
TEMPLATES = {
    b"/api/4/tokens": [
        b'{"token": {"email": X, "password": "imuze-demo"}}',
        b'{"token": {"email": "demo@imuze.io", "password": X}}',
        b'{"token": X}',
    ],
    b"/api/4/songs": [
        b'{"title": X, "arrangement_id": 1, "tags": [], "desired_length": 1}',
        b'{"title": "Fuzzed Song", "arrangement_id": X, "tags": [], "desired_length": 1}',
        b'{"title": "Fuzzed Song", "arrangement_id": null, "tags": X, "desired_length": 1}',
        b'{"title": "Fuzzed Song", "arrangement_id": null, "tags": [X], "desired_length": 1}',
        b'{"title": "Fuzzed Song", "arrangement_id": 1, "tags": [], "desired_length": X}',
    ],
}


@st.composite
def hostile_fields(draw: Any) -> tuple[str, bytes, list[tuple[bytes, bytes]], bytes]:
    """A valid body but for one field."""
    target = draw(st.sampled_from(sorted(TEMPLATES)))
    template = draw(st.sampled_from(TEMPLATES[target]))
    return "POST", target, AUTH + AS_JSON, template.replace(b"X", draw(hostile_values))


@st.composite
def ranges_asked(draw: Any) -> tuple[str, bytes, list[tuple[bytes, bytes]], bytes]:
    """A media file of a ready song, with a Range (and maybe an If-Range)."""
    method = draw(st.sampled_from(["GET", "HEAD"]))
    target = draw(st.sampled_from([b"/api/4/songs/1/audio.mp3", b"/api/4/songs/1/timeline.json"]))
    headers = [*AUTH, (b"Range", draw(range_forms | latin1_ranges | raw_bytes))]
    if draw(st.booleans()):
        headers.append((b"If-Range", draw(header_values)))
    return method, target, headers, b""


@st.composite
def requests(draw: Any) -> bytes:
    """One whole HTTP/1.1 request, framed by Content-Length or chunked."""
    method, target, headers, body = draw(
        anything() | bodies_sent() | hostile_fields() | ranges_asked()
    )
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: mock"]
    lines += [name + b": " + value for name, value in headers]
    if draw(st.booleans()) and body:
        lines.append(b"Transfer-Encoding: chunked")
        framed = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    else:
        lines.append(b"Content-Length: %d" % len(body))
        framed = body
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + framed


def exchange(port: int, request: bytes) -> bytes:
    """Send a request as is; everything the mock answered before closing."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        try:
            conn.sendall(request)
        except OSError:
            pass  # refused before the whole body was sent (413): the answer is still there
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass  # the reset after an answer that left a body unread
    return answer


def check(answer: bytes, request: bytes, faults: bool) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 "), (request[:300], answer[:300])
    status = int(head[9:12])
    fields = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:] if b": " in line)
    if status >= 500:
        assert faults, (request[:300], answer[:500])
        if not request.startswith(b"HEAD "):
            assert json.loads(body)["message"].startswith("injected fault"), answer
        return
    assert status in DOCUMENTED, (request[:300], answer[:500])
    if status >= 400 and not request.startswith(b"HEAD "):
        assert fields.get(b"content-type", b"").startswith(b"application/json"), answer[:500]
        error = json.loads(body)
        assert set(error) == {"code", "error", "message", "field"}, error
        assert error["code"] == status and error["message"], error


def _ready_song(base_url: str) -> None:
    """Song 1, ready, so that its media answer (and read Range) too; through any faults."""
    song = {"title": "Fuzzed Song", "arrangement_id": 1, "tags": [], "desired_length": 1}
    auth = {"Authorization": DEMO.api_key}
    for _ in range(500):  # a deadline, not a timing assertion
        if httpx.post(base_url + "/songs", json=song, headers=auth).status_code == 201:
            break
    for _ in range(500):
        response = httpx.get(base_url + "/songs/1", headers=auth)
        if response.status_code == 200 and response.json()["status"] == "ready":
            return
        time.sleep(0.01)
    raise AssertionError("song 1 never got ready")


@pytest.fixture(scope="module")
def ports() -> Iterator[dict[bool, int]]:
    """Two mocks: one without faults, one with status faults (the only 5xx allowed)."""
    with (
        running(MockConfig(render_delay=0)) as plain,
        running(MockConfig(render_delay=0, faults="500:0.2,503:0.1,429:0.1")) as faulty,
    ):
        yield {
            False: int(plain.origin.rsplit(":", 1)[1]),
            True: int(faulty.origin.rsplit(":", 1)[1]),
        }


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(request=requests(), faults=st.booleans())
def test_every_request_gets_a_documented_answer(ports, request, faults):
    check(exchange(ports[faults], request), request, faults)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", PATHS)
def test_every_method_on_every_path(ports, method, path):
    request = (
        f"{method} /api/4{path} HTTP/1.1\r\nHost: mock\r\nAuthorization: {DEMO.api_key}\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()
    check(exchange(ports[False], request), request, False)
