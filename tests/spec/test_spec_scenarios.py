"""Both verdicts end to end on the corpus's realistic scenarios (each generates two clients).

The scenarios are the fixtures with a `python` list: add DELETE /songs/{id}, rename an
operationId, add a status value, make `tags` optional, add a required field to SongCreate,
and a change that breaks the wire but leaves the Python API as it is.
"""

from __future__ import annotations

import pytest
import yaml
from spec_edits import SPEC, Case, cases, real_spec

from imuze_spec.diff import run

SCENARIOS = [case for case in cases() if case.python is not None]


@pytest.fixture(scope="module", params=SCENARIOS, ids=[c.name for c in SCENARIOS])
def scenario(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    case: Case = request.param
    folder = tmp_path_factory.mktemp(case.name)
    old, new = folder / "old.yaml", folder / "new.yaml"
    if case.old == real_spec():
        old = SPEC  # the same bytes every time: the Python verdict generates it once
    else:
        old.write_text(yaml.safe_dump(case.old, sort_keys=False), encoding="utf-8")
    new.write_text(yaml.safe_dump(case.new, sort_keys=False), encoding="utf-8")
    return case, run(str(old), str(new))


def test_there_are_scenarios_on_both_sides() -> None:
    names = {c.name for c in SCENARIOS}
    assert {"40-operation-added", "41-operation-id-renamed", "38-status-value-added"} <= names
    assert {"11-request-property-became-optional", "08-new-required-request-property"} <= names


def test_both_verdicts(scenario) -> None:
    case, found = scenario
    wire = sorted((f.level.name, f.side, f.id) for f in found if f.side == "wire")
    python = sorted((f.level.name, f.side, f.id) for f in found if f.side == "python")
    listing = "\n".join(f"  {f.level.name} {f.side} {f.id} at {f.location}" for f in found)
    assert (wire, python) == (case.expect, case.python), f"{case.about}:\n{listing}"


def test_no_finding_repeats_across_verdicts(scenario) -> None:
    _, found = scenario
    prints = [f.fingerprint for f in found]
    assert len(prints) == len(set(prints))


def test_python_findings_name_the_blast_radius(scenario) -> None:
    """A changed name the hand-written code uses says where (file:line)."""
    case, found = scenario
    if case.name == "41-operation-id-renamed":
        (renamed,) = [f for f in found if f.side == "python"]
        assert any(u.startswith("imuze_ext/resources.py:") for u in renamed.used_by)
        assert renamed.operation in {"getSong", "showSong"}
