"""A str where a Sequence[str] belongs is refused at the call, with a TypeError naming the
parameter: every such parameter of the public API, found from the type hints."""

from __future__ import annotations

import asyncio
import inspect
import typing
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from ext_helpers import API

from imuze_ext import AsyncImuze, Imuze


def _resources(api: object) -> list[object]:
    """The resource objects a client exposes, raw-response ones included."""
    found: list[object] = []
    for name in ("songs", "arrangements", "authentication", "with_raw_response"):
        part = getattr(api, name, None)
        if part is None:
            continue
        found.append(part)
        found += [getattr(part, sub) for sub in ("songs", "arrangements") if hasattr(part, sub)]
    return found


def _string_sequence_params(obj: object) -> list[tuple[str, str]]:
    pairs = []
    for method_name, method in inspect.getmembers(type(obj), inspect.isfunction):
        if method_name.startswith("_"):
            continue
        hints = typing.get_type_hints(method)
        for param, hint in hints.items():
            if hint == Sequence[str] or hint == Sequence[str] | None:
                pairs.append((method_name, param))
    return pairs


def _cases() -> list[tuple[str, str, str, bool]]:
    refused = httpx.MockTransport(lambda request: pytest.fail(f"sent {request.url}"))
    with Imuze(api_key="k", base_url=API, transport=refused) as api:
        sync = [
            (type(o).__name__, m, p, False)
            for o in _resources(api)
            for m, p in _string_sequence_params(o)
        ]
    aapi = AsyncImuze(api_key="k", base_url=API, transport=refused)
    both = sync + [
        (type(o).__name__, m, p, True)
        for o in _resources(aapi)
        for m, p in _string_sequence_params(o)
    ]
    return both


CASES = _cases()


def test_the_enumeration_finds_every_create() -> None:
    assert {(cls, method) for cls, method, _, _ in CASES} >= {
        ("Songs", "create"),
        ("Songs", "compose"),
        ("AsyncSongs", "create"),
        ("AsyncSongs", "compose"),
    }


def _call(api: Any, cls: str, method: str, param: str) -> Any:
    target = next(o for o in _resources(api) if type(o).__name__ == cls)
    kwargs: dict[str, Any] = {"title": "Abcd", "desired_length": 5, param: "calm"}
    if method == "compose":
        kwargs["dest"] = "never-written"
    return getattr(target, method)(**kwargs)


@pytest.mark.parametrize(("cls", "method", "param", "is_async"), CASES)
def test_a_str_for_a_list_of_strings_is_refused(
    cls: str, method: str, param: str, is_async: bool
) -> None:
    refused = httpx.MockTransport(lambda request: pytest.fail(f"sent {request.url}"))
    if not is_async:
        with Imuze(api_key="k", base_url=API, transport=refused) as api:
            with pytest.raises(TypeError, match=f"{param} takes a list of strings"):
                _call(api, cls, method, param)
        return

    async def go() -> None:
        async with AsyncImuze(api_key="k", base_url=API, transport=refused) as api:
            with pytest.raises(TypeError, match=f"{param} takes a list of strings"):
                await _call(api, cls, method, param)

    asyncio.run(go())
