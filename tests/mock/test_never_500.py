"""Whatever a client sends, the mock answers a documented 4xx, never a 500 (strict mode on)."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imuze_mock import MockConfig, create_app

# Runs again after the spec changed (tests/test_loop_green.py): any request the spec allows gets
# a documented answer from the mock.
pytestmark = pytest.mark.loop

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
song_like = st.fixed_dictionaries(
    {},
    optional={
        "title": st.text(max_size=12) | json_values,
        "arrangement_id": st.none() | st.integers() | json_values,
        "tags": st.lists(st.text(max_size=6), max_size=3) | json_values,
        "desired_length": st.integers(-5, 700) | json_values,
    },
)
token_like = st.fixed_dictionaries(
    {},
    optional={
        "token": st.fixed_dictionaries({}, optional={"email": json_values, "password": json_values})
        | json_values
    },
)
bodies = st.one_of(
    song_like.map(lambda b: json.dumps(b).encode()),
    token_like.map(lambda b: json.dumps(b).encode()),
    json_values.map(lambda b: json.dumps(b).encode()),
    st.binary(max_size=40),
)
paths = st.sampled_from(["/tokens", "/arrangements", "/songs"]) | st.builds(
    lambda base, tail: f"{base}/{tail}",
    st.sampled_from(["/arrangements", "/songs"]),
    st.text(
        st.characters(whitelist_categories=("L", "N", "P", "S"), blacklist_characters="/?#%\\"),
        min_size=1,
        max_size=25,
    )
    | st.integers(-(10**30), 10**30).map(str),
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Authorization": st.sampled_from(
            ["imuze-demo-key", "imuze-other-key", "", "junk", "Bearer x"]
        ),
        "Content-Type": st.sampled_from(
            ["application/json", "text/plain", "application/json; charset=latin-1", "", "*/*"]
        ),
        "Accept": st.sampled_from(
            ["*/*", "application/json", "text/html", "audio/mpeg", "garbage", ";q=x"]
        ),
        "Range": st.sampled_from(
            ["bytes=0-1", "bytes=-5", "bytes=x-y", "bytes=99999999999999999999999999-"]
        ),
    },
)


# One app for all examples: its state grows across them, as a real server's would.
APP = create_app(MockConfig(strict=True, render_delay=0))


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
    path=paths,
    body=bodies,
    sent_headers=headers,
)
async def test_no_input_gets_a_500(method, path, body, sent_headers):
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as client:
        response = await client.request(method, "/api/4" + path, content=body, headers=sent_headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400 and method != "HEAD":
        error = response.json()
        assert error["code"] == response.status_code and error["message"]
