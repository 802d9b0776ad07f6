"""Answers match questions: an answer that names the thing asked for must name that thing
(GET /songs/{id} answers a Song whose `id` is that id). A mismatch is a
ResponseValidationError, and the connection it came on is not used again."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from edge_server import Exchange, as_json, running, song
from ext_helpers import API

from imuze_ext import AsyncImuze, Imuze, ResponseValidationError
from imuze_ext._responses import _METHODS, _deref, echo_fields, packaged_spec

# The tests marked `loop` run again after the spec changed (tests/test_loop_green.py): the
# echoing operations and the answers' shapes are read from the spec in force.

# An arrangement as the spec in force writes one (its example), so a renamed property follows.
ARRANGEMENT: dict[str, Any] = {
    **_deref({"$ref": "#/components/schemas/Arrangement"})["example"], "id": 8,
}  # fmt: skip


def _spec_echoes() -> dict[str, tuple[str, ...]]:
    """Every operation of the packaged spec, and its path parameters that reappear as
    properties of a success answer's schema, read here from the spec on their own."""
    found: dict[str, tuple[str, ...]] = {}
    for item in packaged_spec()["paths"].values():
        for method in _METHODS:
            if (op := item.get(method)) is None:
                continue
            params = [_deref(p) for p in item.get("parameters", []) + op.get("parameters", [])]
            schemas = [
                _deref(media["schema"])
                for status, answer in op["responses"].items()
                if str(status).startswith("2")
                for media in _deref(answer).get("content", {}).values()
            ]
            found[op["operationId"]] = tuple(
                p["name"]
                for p in params
                if p["in"] == "path" and any(p["name"] in s.get("properties", {}) for s in schemas)
            )
    return found


SPEC_ECHOES = _spec_echoes()
ECHOING = sorted(op for op, names in SPEC_ECHOES.items() if names)


def test_today_s_spec_echoes_in_these_operations() -> None:
    """Not `loop`: pins the spec as written today (a new echoing operation joins here)."""
    assert ECHOING == ["getArrangement", "getSong"]


@pytest.mark.loop
def test_the_echo_fields_are_the_specs() -> None:
    for operation, names in SPEC_ECHOES.items():
        assert echo_fields(operation) == names, operation


# Each echoing operation: how a client asks for thing 7, and an answer that names thing 8.
ASK: dict[str, tuple[str, Callable[[Any], Any], dict[str, Any]]] = {
    "getSong": ("/songs/7", lambda api: api.songs.get(7), song(8)),
    "getArrangement": (
        "/arrangements/7",
        lambda api: api.arrangements.get(7),
        {**ARRANGEMENT, "id": 8},
    ),
}


@pytest.mark.loop
def test_every_echoing_operation_is_asked_here() -> None:
    assert sorted(ASK) == ECHOING


def _answering(body: dict[str, Any]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, json=body))


@pytest.mark.loop
@pytest.mark.parametrize("operation", ECHOING)
def test_an_answer_about_another_thing_is_refused(operation: str) -> None:
    path, ask, other = ASK[operation]
    with Imuze(api_key="k", base_url=API, transport=_answering(other), max_retries=0) as api:
        with pytest.raises(ResponseValidationError, match=r"the answer's id is '8', not the '7'"):
            ask(api)

    async def run() -> None:
        async with AsyncImuze(api_key="k", base_url=API, transport=_answering(other)) as api:
            with pytest.raises(ResponseValidationError, match=f"GET /api/4{path}"):
                await ask(api)

    asyncio.run(run())


@pytest.mark.loop
@pytest.mark.parametrize("operation", ECHOING)
def test_the_raw_twin_refuses_it_too(operation: str) -> None:
    _, ask, other = ASK[operation]
    with Imuze(api_key="k", base_url=API, transport=_answering(other)) as api:
        with pytest.raises(ResponseValidationError):
            ask(api.with_raw_response)


@pytest.mark.loop
@pytest.mark.parametrize("operation", ECHOING)
def test_the_thing_asked_for_passes(operation: str) -> None:
    _, ask, other = ASK[operation]
    right = {**other, "id": 7}
    with Imuze(api_key="k", base_url=API, transport=_answering(right)) as api:
        assert ask(api).id == 7


def test_the_connection_of_a_wrong_answer_is_not_used_again() -> None:
    """A loopback server that answers another song on a connection it keeps open: each
    call after a mismatch comes on a new connection (sync and async)."""
    peers: list[object] = []

    async def another_song(x: Exchange) -> bool:
        peers.append(x.writer.get_extra_info("peername"))
        asked = int(x.path.rsplit("/", 1)[1])
        await x.send(as_json(song(asked + 1)))
        return True  # keep the connection open: only the client decides not to reuse it

    async def right_song(x: Exchange) -> bool:
        peers.append(x.writer.get_extra_info("peername"))
        await x.send(as_json(song(int(x.path.rsplit("/", 1)[1]))))
        return True

    with running({"another": another_song, "right": right_song}) as server:
        run = uuid.uuid4().hex
        with Imuze(api_key="k", base_url=server.base_url("another", run), max_retries=0) as api:
            for _ in range(2):
                with pytest.raises(ResponseValidationError):
                    api.songs.get(3)
        assert len(peers) == 2 and peers[0] != peers[1], peers

        async def run_async() -> None:
            url = server.base_url("another", run)
            async with AsyncImuze(api_key="k", base_url=url, max_retries=0) as api:
                for _ in range(2):
                    with pytest.raises(ResponseValidationError):
                        await api.songs.get(3)

        peers.clear()
        asyncio.run(run_async())
        assert len(peers) == 2 and peers[0] != peers[1], peers

        peers.clear()  # the control: a right answer's connection is used again
        with Imuze(api_key="k", base_url=server.base_url("right", run)) as api:
            api.songs.get(3)
            api.songs.get(3)
        assert len(peers) == 2 and peers[0] == peers[1], peers


def test_the_message_quotes_no_more_than_a_short_value() -> None:
    body = song(8)
    body["id"] = 8
    with Imuze(api_key="k", base_url=API, transport=_answering(body)) as api:
        with pytest.raises(ResponseValidationError) as caught:
            api.songs.get(7)
    assert "GET /api/4/songs/7" in str(caught.value)
    assert json.dumps(body) not in str(caught.value)
