"""The loop closes: `imuze contract --propose` against the rails dialect, `imuze-spec apply`, and a
second `imuze contract --spec NEW` run against the same server finds none of the mechanical
deviations again; what remains is exactly what the overlay left to the server, each named. An
independent Overlay implementation (oas-patch) applies the proposal to the same spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from contract_helpers import (
    TokenTap,
    assert_no_secret,
    contract,
    mock_config,
    secrets_of,
    serving,
    user_env,
)
from oas_patch.overlay import apply_overlay
from overlay_helpers import assert_valid_overlay, left_to_the_server, proposed, rows
from typer.testing import CliRunner

import imuze_mock
from contract_tests.in_force import rails_deviations, spec_in_force
from contract_tests.zoo import broken_app, groups
from imuze_cli.spec import app as spec_app
from imuze_contract import RunOptions, Target, User
from imuze_contract.propose import DISPOSITIONS, key_text, propose_file
from imuze_contract.runner import run
from imuze_spec.overlay import apply_text, parse_actions

SPEC = Path("spec/openapi.yaml")
SPEC_IN = spec_in_force()
# One example per operation (with coverage, stateful links and the probes): the round trip is
# about what a run found coming back, not about finding more.
SEED = 20261124
QUICK = ["--max-examples", "1", "--seed", str(SEED), "--rate-limit", "1000/s"]
USERS = (
    User("demo", email=imuze_mock.DEMO.email, password=imuze_mock.DEMO.password),
    User("other", email=imuze_mock.OTHER.email, password=imuze_mock.OTHER.password),
)
# What only the rails server can fix: a rule the spec states in prose (spec: Errors).
RAILS_SERVER_FIXES = {
    "getArrangement malformed_path_id_answers_400 404 path id",
    "getSong malformed_path_id_answers_400 404 path id",
}


def servers_fixes() -> set[str]:
    """The rails dialect's deviations that the spec in force forbids and no spec edit may
    answer (a check with a disposition: a rule the spec states in prose, a security rule)."""
    return {
        " ".join(map(str, row)) for row in rails_deviations(SPEC_IN)
        if DISPOSITIONS.get(row[1]) is not None
    }  # fmt: skip


def test_the_servers_fixes_derived_from_today_s_spec_are_these() -> None:
    """Not `loop`: pins the spec as written today, the witness that the derivation is right."""
    assert servers_fixes() == RAILS_SERVER_FIXES


# Runs again after the spec changed (tests/test_loop_green.py): what is left to the server is
# what the spec in force forbids and no edit may answer.
@pytest.mark.loop
def test_the_rails_dialect_round_trip_leaves_only_the_servers_fixes(tmp_path: Path) -> None:
    expected = servers_fixes()
    drift, new = tmp_path / "drift.yaml", tmp_path / "openapi.yaml"
    tap = TokenTap(imuze_mock.create_app(mock_config("rails")))
    with serving(tap) as base_url:
        first = contract([*QUICK, "--json", "--propose", str(drift)], user_env(base_url))
        assert first.exit_code == 1, first.output
        applied = CliRunner().invoke(spec_app, ["apply", str(SPEC), str(drift), "-o", str(new)])
        assert applied.exit_code == 0, applied.output
        second = contract([*QUICK, "--json", "--spec", str(new)], user_env(base_url))
    found = rows(json.loads(first.stdout))
    # The run finds only what the spec in force forbids; after an adopted proposal, possibly
    # nothing that a spec edit answers, which the proposal says.
    assert set(found.values()) <= {" ".join(map(str, row)) for row in rails_deviations(SPEC_IN)}
    if set(found.values()) <= expected:
        assert f"Nothing to propose in {drift}" in first.stderr
        assert f"({len(found)} are the server's to fix)" in first.stderr
    else:
        assert f"Next: imuze-spec diff spec/openapi.yaml --overlay {drift}" in first.stderr
    overlay = yaml.safe_load(drift.read_text(encoding="utf-8"))
    assert_valid_overlay(overlay)
    # Every row is either answered by an action or left to the server, never both.
    assert proposed(overlay) | left_to_the_server(overlay) == set(found)
    assert not proposed(overlay) & left_to_the_server(overlay)
    assert {found[f] for f in left_to_the_server(overlay)} == expected
    for fingerprint in left_to_the_server(overlay):
        assert f"[{fingerprint}] {found[fingerprint]}" in overlay["info"]["x-description"]
    # The second run: none of the mechanical rows again, and nothing new.
    assert second.exit_code == 1, second.output
    assert set(rows(json.loads(second.stdout)).values()) == expected
    # The same spec from an independent implementation of Overlay 1.0.
    theirs = apply_overlay(yaml.safe_load(SPEC.read_text(encoding="utf-8")), overlay)
    assert yaml.safe_load(new.read_text(encoding="utf-8")) == theirs
    assert_no_secret(secrets_of(tap), drift.read_text(encoding="utf-8"))


def test_on_the_bug_zoo_the_overlay_proposes_nothing_for_a_server_bug(tmp_path: Path) -> None:
    # The zoo's main group (contract_tests/zoo.py), in process: the same runner, proposer and
    # overlay as the commands above, without the sockets.
    new = tmp_path / "openapi.yaml"
    target = Target(
        "http://testserver/api/4", USERS, app=broken_app(groups()["main"], mock_config())
    )
    first = run(target, RunOptions(max_examples=1, seed=SEED))
    proposal = propose_file(first, SPEC)
    assert_valid_overlay(proposal.overlay)
    actions = parse_actions(proposal.overlay, "proposal")
    new.write_text(apply_text(SPEC.read_text(encoding="utf-8"), actions), encoding="utf-8")
    second = run(target, RunOptions(max_examples=1, seed=SEED, spec=new))
    found = {d.fingerprint: key_text(d) for d in first.deviations}
    answered = proposed(proposal.overlay)
    left = left_to_the_server(proposal.overlay)
    assert answered | left == set(found) and not answered & left
    # Server bugs get no edit: every row of a security, 5xx or server-side check is left.
    assert {f for f, row in found.items() if _servers_to_fix(row)} <= left
    assert len(left) > 2 * len(answered)  # most rows are server bugs
    # After adoption, what remains is exactly what was left to the server.
    assert {key_text(d) for d in second.deviations} == {found[f] for f in left}
    theirs = apply_overlay(yaml.safe_load(SPEC.read_text(encoding="utf-8")), proposal.overlay)
    assert yaml.safe_load(new.read_text(encoding="utf-8")) == theirs


def _servers_to_fix(row: str) -> bool:
    _operation, check, status, _location = row.split(" ", 3)
    return DISPOSITIONS.get(check) is not None or (status.isdigit() and int(status) >= 500)
