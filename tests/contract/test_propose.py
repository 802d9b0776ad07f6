"""`imuze contract --propose`'s library: one action per mechanical deviation, on the node of the
spec that says it, never one for a security or 5xx finding, and an Overlay 1.0 document that
the Overlay JSON Schema accepts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from contract_helpers import contract, user_env
from overlay_helpers import assert_valid_overlay

from imuze_contract.propose import DISPOSITIONS, SECURITY, SERVER_ERROR, Proposal, propose
from imuze_contract.propose_spec import Located, TargetError, check_target
from imuze_contract.report import Deviation, Report
from imuze_spec.overlay import apply, parse_actions

SPEC = yaml.safe_load(Path("spec/openapi.yaml").read_text(encoding="utf-8"))


def deviation(
    operation_id: str,
    check: str,
    status: int | None,
    location: str,
    probe: dict[str, Any] | None = None,
    **evidence: Any,
) -> Deviation:
    return Deviation(
        operation=operation_id, operation_id=operation_id, check=check, status=status,
        location=location, expected="e", actual="a", fix=None, curl="curl ...", code="ST",
        title="t", count=3, evidence=evidence, probe=probe,
    )  # fmt: skip


def probe(keyword: str, limit: int, status: int) -> dict[str, Any]:
    """A boundary probe's finding (imuze_contract.probes.ProbeFinding.to_dict) at the title."""
    return {
        "operation_id": "createSong", "where": "body", "field": "/title", "keyword": keyword,
        "pointer": "#/components/schemas/SongCreate/properties/title", "status": status,
        "limit": limit, "failing": limit + 1,
    }  # fmt: skip


def proposal_for(*deviations: Deviation, spec: dict[str, Any] = SPEC) -> Proposal:
    report = Report("http://api.test/api/4", seed=7, users=2, cases=50)
    report.deviations = list(deviations)
    return propose(report, spec, "spec/openapi.yaml")


def applied(proposal: Proposal, spec: dict[str, Any] = SPEC) -> dict[str, Any]:
    doc = copy.deepcopy(spec)
    apply(doc, parse_actions(proposal.overlay, "proposal"))
    return doc


def schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["components"]["schemas"][name]
    return found


MECHANICAL = [
    # an undocumented success status: documented as the success status is, its body widened
    deviation("createSong", "status_code_conformance", 200, "status",
              body={"id": 1, "title": "T", "mp3": "/m/1.mp3"}),
    # nullability the server really sends, at a property with one type and with a type list
    deviation("getSong", "response_schema_conformance", 200, "/title",
              keyword="type", pointer=["title"], json_type="null", value=None),
    deviation("getArrangement", "response_schema_conformance", 200, "/image_url",
              keyword="type", pointer=["image_url"], json_type="integer", value=3),
    # a relative URL where the spec says format: uri
    deviation("listSongs", "response_schema_conformance", 200, "/response/*/mp3_url",
              keyword="format", pointer=["response", "*", "mp3_url"], value="/m/1.mp3"),
    # an error body that is not Error, on a shared response and an inline one
    deviation("getSong", "response_schema_conformance", 401, "/",
              keyword="required", pointer=[], value={"error": "no token"}),
    deviation("createSong", "response_schema_conformance", 404, "/",
              keyword="required", pointer=[], value={"error": "no arrangement"}),
    # an undocumented media type
    deviation("listArrangements", "content_type_conformance", 200, "text/html",
              content_type="text/html", body={"count": 0, "response": []}),
    # a limit found by probing: the server refuses longer titles with 422
    deviation("createSong", "long_string_accepted", 422, "/title", probe("maxLength", 40, 422)),
]  # fmt: skip


def test_each_mechanical_deviation_gets_an_edit_where_the_spec_says_it() -> None:
    proposal = proposal_for(*MECHANICAL)
    assert_valid_overlay(proposal.overlay)
    assert proposal.fix_the_server == []
    assert {id(d) for d in proposal.answered} == {id(d) for d in MECHANICAL}
    doc = applied(proposal)
    created = doc["paths"]["/songs"]["post"]["responses"]
    assert created["200"]["content"] == created["201"]["content"]
    assert schema(doc, "SongCreated")["properties"]["mp3"]["format"] == "uri-reference"
    assert schema(doc, "Song")["properties"]["title"]["type"] == ["string", "null"]
    assert schema(doc, "Arrangement")["properties"]["image_url"]["type"] == [
        "string", "null", "integer"
    ]  # fmt: skip
    assert schema(doc, "SongSummary")["properties"]["mp3_url"]["format"] == "uri-reference"
    unauthorized = doc["components"]["responses"]["Unauthorized"]["content"]
    assert unauthorized["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UnauthorizedBody"
    }
    assert schema(doc, "UnauthorizedBody")["anyOf"] == [
        {"$ref": "#/components/schemas/Error"},
        {"$ref": "#/components/schemas/ObservedErrorBody"},
    ]
    assert schema(doc, "ObservedErrorBody")["properties"] == {"error": {"type": "string"}}
    inline = created["404"]["content"]["application/json"]["schema"]["$ref"]
    assert inline == "#/components/schemas/CreateSong404Body"
    listed = doc["paths"]["/arrangements"]["get"]["responses"]["200"]["content"]
    assert listed["text/html"]["schema"] == listed["application/json"]["schema"]
    assert schema(doc, "SongCreate")["properties"]["title"]["maxLength"] == 40
    # Each description names the fingerprint, the count and an observed example.
    text = "\n".join(action["description"] for action in proposal.overlay["actions"])
    assert 'getSong response_schema_conformance 401 / (3 cases), e.g. {"error": "no token"}' in text
    assert "createSong long_string_accepted 422 /title (3 cases)" in text
    assert f"[{MECHANICAL[0].fingerprint}] createSong status_code_conformance 200 status" in text


def test_an_unseen_enum_value_is_added_to_the_enum() -> None:
    spec = copy.deepcopy(SPEC)
    spec["components"]["schemas"]["Song"]["properties"]["status"] = {
        "$ref": "#/components/schemas/SongStatus"
    }
    seen = deviation("getSong", "response_schema_conformance", 200, "/status",
                     keyword="enum", pointer=["status"], value="failed")  # fmt: skip
    proposal = proposal_for(seen, spec=spec)
    (action,) = proposal.overlay["actions"]
    assert action["target"] == "$['components']['schemas']['SongStatus']['enum']"
    assert schema(applied(proposal, spec), "SongStatus")["enum"] == [
        "processing",
        "ready",
        "failed",
    ]


def test_every_check_has_a_disposition() -> None:
    # A check added to the contract (schemathesis' or ours) must say whether its findings
    # may get a spec edit.
    from schemathesis.checks import CHECKS

    import imuze_contract.checks  # noqa: F401 - registers ours

    assert set(CHECKS.get_all_names()) <= set(DISPOSITIONS)


@pytest.mark.parametrize("check", sorted(DISPOSITIONS))
def test_security_and_server_errors_are_never_edited_away(check: str) -> None:
    # The same evidence that gets an edit elsewhere: at 5xx, or from a security check, none.
    body = {"error": "boom"}
    at_500 = deviation("getSong", check, 500, "/", keyword="required", pointer=[], value=body)
    at_200 = deviation("getSong", check, 200, "status", body={"id": 1})
    proposal = proposal_for(at_500, at_200)
    assert_valid_overlay(proposal.overlay)
    reasons = dict((id(d), why) for d, why in proposal.fix_the_server)
    assert reasons[id(at_500)] in (SERVER_ERROR, SECURITY)
    if DISPOSITIONS[check] == SECURITY:
        assert reasons[id(at_200)] == SECURITY
        assert proposal.answered == []
    info = proposal.overlay["info"]
    assert "Fix the server" in info["x-description"]
    assert at_500.fingerprint in info["x-imuze-fix-the-server"]


def test_a_valid_request_refused_at_the_specs_bound_moves_the_bound() -> None:
    # A 4-letter title (minLength: 4) refused: SongCreate is createSong's alone, so its bound
    # moves. id 0 (minimum: 0) refused by getSong: the Id parameter is getArrangement's too.
    zero = deviation(
        "getSong",
        "positive_data_acceptance",
        400,
        "path id",
        sent={"path": {"id": 0}, "body": None},
    )
    short = deviation(
        "createSong",
        "positive_data_acceptance",
        422,
        "/title",
        sent={"path": {}, "body": {"title": "Abcd", "tags": []}},
    )
    inside = deviation("createSong", "positive_data_acceptance", 422, "/title",
                       sent={"path": {}, "body": {"title": "Abcdef"}})  # fmt: skip
    proposal = proposal_for(zero, short, inside)
    doc = applied(proposal)
    assert schema(doc, "SongCreate")["properties"]["title"]["minLength"] == 5
    assert doc["components"]["parameters"]["Id"] == SPEC["components"]["parameters"]["Id"]
    assert dict((id(d), why) for d, why in proposal.fix_the_server) == {
        id(zero): "a valid request refused at the bound of a shared schema: narrow it by hand",
        id(inside): "a valid request rejected inside the spec's bounds: document the server's "
        "rule by hand",
    }


def test_a_limit_past_which_the_server_fails_is_the_servers_to_fix() -> None:
    # A VARCHAR(40) that answers 500 above 40: stating maxLength would hide the 5xx.
    varchar = deviation(
        "createSong", "long_string_accepted", 500, "/title", probe("maxLength", 40, 500)
    )
    proposal = proposal_for(varchar)
    assert proposal.answered == []
    ((_, why),) = proposal.fix_the_server
    assert (
        why
        == "a server error past maxLength: 40: make it answer 4xx there, then state maxLength: 40"
    )


def test_nothing_to_propose_is_still_a_valid_overlay_that_changes_nothing() -> None:
    leak = deviation("getSong", "object_level_authorization", 200, "scope")
    proposal = proposal_for(leak)
    assert_valid_overlay(proposal.overlay)
    assert applied(proposal) == SPEC
    assert (
        "getSong object_level_authorization 200 scope (3 cases)"
        in proposal.overlay["info"]["x-description"]
    )


def test_a_target_is_checked_to_select_exactly_its_node() -> None:
    node = Located(("components", "schemas", "Song"), SPEC["components"]["schemas"]["Song"])
    check_target(SPEC, node)
    assert node.target == "$['components']['schemas']['Song']"
    with pytest.raises(TargetError):
        check_target(SPEC, Located(("components", "schemas", "Nope"), {}))
    with pytest.raises(TargetError, match="not the one meant"):
        check_target(SPEC, Located(node.parts, copy.deepcopy(node.node)))
    # Names with quotes and slashes come out as RFC 9535 normalized paths.
    assert Located(("paths", "/it's"), None).target == "$['paths']['/it\\'s']"


def test_a_missing_spec_or_an_unwritable_proposal_is_refused_before_the_run(
    tmp_path: Path,
) -> None:
    env = user_env("http://127.0.0.1:9/api/4")
    missing = contract(["--spec", str(tmp_path / "nope.yaml")], env)
    assert missing.exit_code == 2
    assert missing.stderr == (  # the one voice: the error, then where to read the usage
        f"error: cannot read the spec {tmp_path / 'nope.yaml'}: no such file\n"
        "hint: see 'imuze contract --help'\n"
    )
    unwritable = contract(["--propose", str(tmp_path)], env)
    assert unwritable.exit_code == 2
    assert unwritable.stderr == (
        f"error: cannot write {tmp_path}: not a writable file path\n"
        "hint: see 'imuze contract --help'\n"
    )
