"""Any spec, however broken, is compared or refused in one line: never a traceback."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_edits import SPEC, real_spec

from imuze_spec.load import Spec, SpecLoadError, parse
from imuze_spec.wire import wire_findings

BASE = real_spec()


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in items:
        found.append((*path, key))
        found += _paths(value, (*path, key))
    return found


PATHS = _paths(BASE)
JUNK = [
    None,
    0,
    -1,
    "x",
    [],
    {},
    [1, "a"],
    {"type": "string"},
    True,
    2.5,
    {"$ref": "#/components/schemas/Song"},
]


def _mutated(edits: list[tuple[tuple[Any, ...], int | None]]) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for path, junk in edits:
        node: Any = doc
        try:
            for key in path[:-1]:
                node = node[key]
            if junk is None:
                del node[path[-1]]
            else:
                node[path[-1]] = copy.deepcopy(JUNK[junk])
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced the parent
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(PATHS), st.none() | st.integers(0, len(JUNK) - 1)),
        min_size=1,
        max_size=3,
    ),
    reverse=st.booleans(),
)
def test_a_mutated_spec_is_compared_or_refused_in_one_line(edits: list[Any], reverse: bool) -> None:
    doc = _mutated(edits)
    docs = (doc, BASE) if reverse else (BASE, doc)
    try:
        old, new = (parse(name, _dump(d)) for name, d in zip(("old", "new"), docs, strict=True))
        wire_findings(old, new)
    except SpecLoadError as exc:
        assert "\n" not in str(exc)


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, default=str)  # JSON is YAML; dates become strings


def test_the_real_spec_against_itself_is_no_finding() -> None:
    spec = parse(str(SPEC), SPEC.read_text(encoding="utf-8"))
    assert wire_findings(spec, spec) == []
    assert isinstance(spec, Spec)


@pytest.mark.parametrize("text", ["", "openapi: 3.1.0\npaths: [1]\n", "- a\n", "openapi: 3.1.0\n"])
def test_odd_documents(text: str) -> None:
    try:
        spec = parse("odd", text)
    except SpecLoadError as exc:
        assert "\n" not in str(exc)
        return
    assert wire_findings(spec, spec) == []
