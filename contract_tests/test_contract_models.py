"""The client side of the contract: whatever body the spec allows, the generated models take.

Bodies come from schemathesis's own JSON-Schema strategies (hypothesis-jsonschema is broken with
current hypothesis), over the spec's component schemas as they are, so the extra properties the
spec allows (no schema forbids them) are generated too, at every level.
"""

from __future__ import annotations

import json
from typing import Any

import imuze_client.models
import jsonschema_rs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.generation.jsonschema.builder import build

from contract_tests.targets import SPEC_PATH

# Runs again after the spec changed (tests/test_loop_green.py): a body valid by the spec round-
# trips through its generated model.
pytestmark = pytest.mark.loop

SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]
OBJECT_SCHEMAS = sorted(name for name, schema in SCHEMAS.items() if schema.get("type") == "object")

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=5,
)


def component(name: str) -> dict[str, Any]:
    """A component schema whose `#/components/...` references resolve as they do in the spec."""
    return {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}


def bodies(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Schema-valid bodies, always with at least one property the schema does not declare."""
    declared = set(SCHEMAS[name].get("properties", {}))
    valid = build(component(name), draft=jsonschema_rs.Draft202012, formats={})
    extras = st.dictionaries(
        st.text().filter(lambda key: key not in declared), JSON_VALUES, min_size=1, max_size=3
    )
    return st.tuples(valid, extras).map(lambda pair: {**pair[1], **pair[0]})


def as_json(value: Any) -> str:
    # Canonical text, so 1 and 1.0 and True, equal in Python, stay distinct here.
    return json.dumps(value, sort_keys=True)


def referenced_schemas(node: Any) -> set[str]:
    """Names of the component schemas a part of the spec refers to."""
    if isinstance(node, dict):
        found = set().union(*(referenced_schemas(value) for value in node.values()))
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        return found
    if isinstance(node, list):
        return set().union(*(referenced_schemas(item) for item in node))
    return set()


def test_every_body_schema_of_the_spec_has_a_generated_model() -> None:
    responses = SPEC["components"]["responses"]
    bodies_used = referenced_schemas(SPEC["paths"]) | referenced_schemas(responses)
    objects = {name for name in bodies_used if SCHEMAS[name].get("type") == "object"}
    assert objects, "the spec's bodies refer to no object schema"
    assert objects <= set(OBJECT_SCHEMAS)
    missing = [name for name in OBJECT_SCHEMAS if not hasattr(imuze_client.models, name)]
    assert not missing, f"no generated model for {missing}"


VALIDATORS = {name: jsonschema_rs.validator_for(component(name)) for name in OBJECT_SCHEMAS}
STRATEGIES = {name: bodies(name) for name in OBJECT_SCHEMAS}


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_a_schema_valid_body_round_trips_through_its_model(name: str, data: st.DataObject) -> None:
    body = data.draw(STRATEGIES[name], label=name)
    # The generator's answer is checked too, so this test cannot pass on invalid input.
    VALIDATORS[name].validate(body)
    model = getattr(imuze_client.models, name).from_dict(body)
    assert as_json(model.to_dict()) == as_json(body)
