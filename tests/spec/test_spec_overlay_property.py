"""Overlays never lose data: on random documents, random Overlay 1.0 actions (updates and
removes; exact, wildcard and filter targets; quoted and unquoted numeric keys; arrays of up to
14 items) give exactly what the independent implementation (oas-patch) gives, or are refused
with a named OverlayError (a target that selects nothing, several nodes where it names one,
a value that is neither object nor array, or an update naming a key twice, `200` and `'200'`,
which is refused exactly then). No silent difference.

An unquoted numeric key (`200:` in hand-written YAML) is an integer to the YAML loader; a JSON
object's names are text, so oas-patch is given the overlay with its keys as text (it would
otherwise set an integer key beside the spec's "200"). Where oas-patch itself fails (it
cannot update an array item that is an array), there is no reference: the case is rejected."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from oas_patch.overlay import apply_overlay

from imuze_spec.overlay import OverlayError, apply, parse_actions

NAMES = st.sampled_from(["a", "b", "paths", "x-y", "200", "404", "10", "2"])
ITEMS = st.sampled_from([f"t{n}" for n in range(15)])
NUMBERS = st.sampled_from([200, 404, 10])
scalars = st.one_of(ITEMS, st.integers(-3, 3), st.booleans(), st.none())
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=14), st.dictionaries(NAMES, inner, max_size=4)
    ),
    max_leaves=30,
).filter(lambda doc: isinstance(doc, dict) and bool(doc))
#: Update values: objects with quoted or unquoted numeric keys, arrays, scalars.
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(NAMES, st.sampled_from([200, 404, 10])), inner, max_size=3),
        # A key twice once keys are text: `200:` and `'200':` (refused, by name).
        st.builds(lambda key, one, other: {key: one, str(key): other}, NUMBERS, inner, inner),
    ),
    max_leaves=8,
)


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every node's location in `node`, the root excluded."""
    found = []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(
        node, list) else ()  # fmt: skip
    for key, child in children:
        found.append((*at, key))
        found += _paths(child, (*at, key))
    return found


def _target(path: tuple[Any, ...], form: str) -> str:
    parts = "".join(f"[{p}]" if isinstance(p, int) else f"['{p}']" for p in path)
    if form == "wildcard" and path:
        return "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f"['{p}']" for p in path[:-1]
        ) + "[*]"  # fmt: skip
    return "$" + parts


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _strings(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_strings(item) for item in node.values()))
    if isinstance(node, list):
        return set().union(*(_strings(item) for item in node))
    return {node} if isinstance(node, str) else set()


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    doc: dict[str, Any] = draw(documents)  # type: ignore[arg-type]  # filtered to dicts
    paths = _paths(doc)
    containers = [p for p in paths if isinstance(_at(doc, p), dict | list)] or [()]
    present = sorted(_strings(doc)) or ["t0"]
    actions = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["update", "remove", "filter-remove", "anything"]))
        if kind == "filter-remove":  # array items, wherever they are, by value
            picked = draw(st.sets(st.sampled_from(present), min_size=1, max_size=3))
            test = " || ".join(f"@ == '{item}'" for item in sorted(picked))
            actions.append({"target": f"$..[?{test}]", "remove": True})
        elif kind == "update":  # an object gets an object, an array anything
            path = draw(st.sampled_from(containers))
            node = _at(doc, path)
            value = draw(values.filter(lambda v: isinstance(v, dict)) if isinstance(
                node, dict) else values)  # fmt: skip
            actions.append({"target": _target(path, "exact"), "update": value})
        else:  # any node, exact or every sibling, removed or updated with anything
            path = draw(st.sampled_from(paths)) if paths else ("a",)
            target = _target(path, draw(st.sampled_from(["exact", "wildcard"])))
            if kind == "remove":
                actions.append({"target": target, "remove": True})
            else:
                actions.append({"target": target, "update": draw(values)})
    overlay = {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}
    return doc, overlay


def _names_a_key_twice(value: Any) -> bool:
    if isinstance(value, dict):
        texts = [str(key) for key in value]
        return len(set(texts)) < len(texts) or any(map(_names_a_key_twice, value.values()))
    return isinstance(value, list) and any(map(_names_a_key_twice, value))


def _as_text_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _as_text_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_text_keys(item) for item in value]
    return value


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(cases())
def test_apply_gives_what_oas_patch_gives_or_refuses_by_name(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    doc, overlay = case
    ours = copy.deepcopy(doc)
    twice = any(_names_a_key_twice(action.get("update")) for action in overlay["actions"])
    try:
        apply(ours, parse_actions(copy.deepcopy(overlay), "overlay"))
    except OverlayError as refused:
        assert str(refused).startswith("action "), refused
        assert twice == ("twice" in str(refused)), refused
        return
    assert not twice, "an update naming a key twice was applied"
    try:
        theirs = apply_overlay(copy.deepcopy(doc), _as_text_keys(overlay))
    except (TypeError, KeyError, IndexError, ValueError):
        reject()  # oas-patch fails on its own (an array item that is an array): no reference
    assert ours == theirs
