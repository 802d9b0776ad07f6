"""Metamorphic tests: a rewrite that changes no meaning draws no WARN and no ERR, on either side;
a breaking mutation draws an ERR on its side.

The wire side runs every rewrite kind alone and random combinations (hypothesis) over our spec
and over varied specs. The Python side regenerates the client, about 3 s a generation on a
quiet machine: it runs every generator-neutral rewrite at once over our spec, two random
combinations over varied specs, and each Python mutation (the baseline's generation is
cached): about 10 generations, 30-40 s on a quiet machine. A rewrite the generator itself
spells differently (`wire_only`, with the reason) is judged on the wire only.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from spec_edits import real_spec
from spec_mutations import MUTATIONS, Mutation, mutation_applies, varied_spec
from spec_rewrites import REWRITES, Rewrite

from imuze_spec.findings import Finding, Level
from imuze_spec.load import Spec
from imuze_spec.normalize import NORMALIZATIONS
from imuze_spec.wire import wire_findings

BASE: dict[str, Any] = real_spec()


def _alarms(found: list[Finding]) -> list[str]:
    return [
        f"{f.level.name} {f.side} {f.id} at {f.location}: {f.message}"
        for f in found
        if f.level >= Level.WARN
    ]


def _rewritten(
    doc: dict[str, Any], kinds: list[Rewrite], seed: int
) -> tuple[dict[str, Any], list[str]]:
    out, rnd, applied = copy.deepcopy(doc), random.Random(seed), []
    for kind in kinds:
        if kind.apply(out, rnd):
            applied.append(kind.name)
    return out, applied


def _wire(old: dict[str, Any], new: dict[str, Any]) -> list[Finding]:
    return wire_findings(Spec("old", old), Spec("new", new))


def test_the_libraries_are_large_enough_and_cite_their_text() -> None:
    assert len(REWRITES) >= 25 and len({r.name for r in REWRITES}) == len(REWRITES)
    assert len(MUTATIONS) >= 25 and len({m.name for m in MUTATIONS}) == len(MUTATIONS)
    assert all(
        ("JSON Schema" in r.cites or "OpenAPI" in r.cites or "ECMA" in r.cites) for r in REWRITES
    )
    assert all(row.source and row.text for row in NORMALIZATIONS)


@pytest.mark.parametrize("kind", REWRITES, ids=[r.name for r in REWRITES])
def test_each_rewrite_applies_somewhere_and_draws_no_alarm_on_the_wire(kind: Rewrite) -> None:
    applied = 0
    for doc in (BASE, *(varied_spec(random.Random(seed)) for seed in range(4))):
        new, done = _rewritten(doc, [kind], seed=0)
        applied += len(done)
        assert _alarms(_wire(doc, new)) == [], kind.name
        assert _alarms(_wire(new, doc)) == [], f"{kind.name} (undone)"
    assert applied, f"{kind.name} found no place to rewrite in any spec"


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    kinds=st.lists(st.sampled_from(REWRITES), min_size=2, max_size=8, unique_by=lambda r: r.name),
    seed=st.integers(0, 10_000),
    varied=st.booleans(),
)
def test_random_combinations_of_rewrites_draw_no_alarm_on_the_wire(
    kinds: list[Rewrite], seed: int, varied: bool
) -> None:
    doc = varied_spec(random.Random(seed)) if varied else BASE
    new, applied = _rewritten(doc, kinds, seed)
    assert _alarms(_wire(doc, new)) == [], applied


@pytest.mark.parametrize(
    "mutation", [m for m in MUTATIONS if m.side == "wire"], ids=lambda m: m.name
)
def test_each_wire_mutation_is_an_err(mutation: Mutation) -> None:
    new = mutation_applies(mutation, BASE)
    assert new != BASE, f"{mutation.name} changed nothing"
    found = _wire(BASE, new)
    assert any(f.level == Level.ERR for f in found), [f"{f.level.name} {f.id}" for f in found]


# -- the Python side ------------------------------------------------------------------------


def _python(tmp: Path, old: dict[str, Any], new: dict[str, Any]) -> list[Finding]:
    from imuze_spec.python_api import python_findings

    paths = []
    for name, doc in (("old", old), ("new", new)):
        path = tmp / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return python_findings(paths[0], paths[1])


NEUTRAL = [r for r in REWRITES if not r.wire_only]


def test_every_generator_neutral_rewrite_at_once_draws_no_python_alarm(tmp_path: Path) -> None:
    new, applied = _rewritten(BASE, NEUTRAL, seed=1)
    assert len(applied) >= 15, applied
    assert _alarms(_python(tmp_path, BASE, new)) == [], applied


def _kinds(*names: str) -> list[Rewrite]:
    return [next(r for r in REWRITES if r.name == name) for name in names]


@settings(
    max_examples=2,
    derandomize=True,  # the same draws in every run: a CI gate, not a lottery (see CHANGELOG)
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    kinds=st.lists(st.sampled_from(NEUTRAL), min_size=3, max_size=6, unique_by=lambda r: r.name),
    seed=st.integers(0, 99),
)
# Draws that once failed: header-name-case swapped a header parameter's case letter by letter
# (X-Trace-Id -> x-tRACE-iD), which the generator names a new keyword (x_t_race_i_d), a real
# Python change; it now writes the name in one case. Seed 8's varied spec had `const: true`,
# for which the generator writes invalid Python; the builder now writes string consts.
@example(
    kinds=_kinds("nullable-type-as-anyof", "anyof-disjoint-as-oneof", "header-name-case"), seed=0
)
@example(
    kinds=_kinds(
        "parameter-deprecated-false",
        "components-reordered",
        "regex-plus-as-bounds",
        "regex-digit-escape",
    ),
    seed=8,
)
def test_random_combinations_draw_no_python_alarm(
    tmp_path: Path, kinds: list[Rewrite], seed: int
) -> None:
    doc = varied_spec(random.Random(seed))
    new, applied = _rewritten(doc, kinds, seed)
    assert _alarms(_python(tmp_path, doc, new)) == [], applied


@pytest.mark.parametrize(
    "mutation", [m for m in MUTATIONS if m.side == "python"], ids=lambda m: m.name
)
def test_each_python_mutation_is_an_err(tmp_path: Path, mutation: Mutation) -> None:
    found = _python(tmp_path, BASE, mutation_applies(mutation, BASE))
    assert any(f.level == Level.ERR and f.side == "python" for f in found), [
        f"{f.level.name} {f.id}" for f in found
    ]


def test_a_spec_the_generator_would_write_invalid_python_for_is_a_named_error(
    tmp_path: Path,
) -> None:
    """A boolean `const`: the pinned generator writes `flag != Trueand not ...` (a syntax
    error ruff refuses); imuze-spec names the construct and where it is, before generating."""
    from imuze_spec.python_api import GenerationError

    doc = varied_spec(random.Random(8))
    doc["components"]["schemas"]["Item"]["properties"]["flag"] = {"const": True}
    with pytest.raises(GenerationError, match=r"a boolean const at #/components/schemas/Item"):
        _python(tmp_path, BASE, doc)
