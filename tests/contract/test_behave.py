"""The behavioural checks are derived from the spec by construction: each family's places are
read from the spec here, and a place without its check fails (errors, lists, creates, server-
owned fields, secured operations). The checks are fed a deviating answer at every place."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from imuze_contract import behave, behave_inputs, behave_links, checks_behave
from imuze_contract.behave_links import Links
from imuze_contract.behave_places import (
    body_places,
    create_places,
    error_places,
    link_places,
    links_of,
    list_places,
    path_places,
    round_trip_fields,
    schema_depth,
    secured,
    server_owned,
    success_places,
    transforms,
)
from imuze_contract.check_table import (
    CHECKS,
    TABLE_END,
    TABLE_START,
    behaviour_table,
    checks_of_run,
)
from imuze_contract.checks import SpecProseDeviation
from imuze_contract.lifecycle import field_findings, machine_of, machines, transition_findings
from imuze_contract.probe_values import operations, request_example
from imuze_contract.tokens import MIN_TOKENS, entropy_bits, token_findings
from imuze_ext._responses import packaged_spec

# Runs again after the spec changed (tests/test_loop_green.py): every place a behavioural
# check applies is read from the spec in force.
pytestmark = pytest.mark.loop

SPEC = packaged_spec()
LABELS = {oid: f"{method} {path}" for oid, method, path, _ in operations(SPEC)}


class _Answer:
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status_code, self._body = status, body
        self.headers = {k.lower(): [v] for k, v in (headers or {}).items()}

    def json(self) -> Any:
        return self._body


def _case(operation_id: str, headers: dict[str, str] | None = None) -> Any:
    return SimpleNamespace(operation=SimpleNamespace(label=LABELS[operation_id]), headers=headers)


def _catches(check: Callable[..., Any], operation_id: str, answer: _Answer, **case: Any) -> bool:
    try:
        check(None, answer, _case(operation_id, **case))
    except SpecProseDeviation:
        return True
    return False


def test_every_documented_error_answer_has_its_code_checked() -> None:
    places = set(error_places(SPEC))
    documented = {
        (oid, str(status)) for oid, _, _, op in operations(SPEC) for status in op["responses"]
        if int(status) >= 400
    }  # fmt: skip
    assert places == documented  # every error answer of the spec is an Error
    for operation_id, status in places:
        wrong = _Answer(int(status), {"code": 418, "error": "x", "message": "y"})
        right = _Answer(int(status), {"code": int(status), "error": "x", "message": "y"})
        assert _catches(checks_behave.error_code_matches_status, operation_id, wrong)
        assert not _catches(checks_behave.error_code_matches_status, operation_id, right)


def test_every_documented_success_is_checked_for_a_soft_error() -> None:
    places = set(success_places(SPEC))
    assert {oid for oid, _ in places} == set(LABELS)
    for operation_id, status in places:
        soft = _Answer(int(status), {"code": 404, "error": "not_found", "message": "none"})
        assert _catches(checks_behave.success_is_not_an_error, operation_id, soft)


def test_every_list_is_checked_for_duplicates_and_read_back() -> None:
    places = list(list_places(SPEC))
    assert {p.list_id for p in places} == {"listArrangements", "listSongs"}
    for place in places:
        assert place.item_id is not None  # listed_items_readable has a read for each
        twice = _Answer(200, {"count": 2, "response": [{"id": 1}, {"id": 1}]})
        assert _catches(checks_behave.list_ids_unique, place.list_id, twice)


def test_every_secured_operation_is_checked_for_shared_caching_and_only_those() -> None:
    secure = set(secured(SPEC))
    assert secure == set(LABELS) - {"createToken"}
    public = _Answer(200, {}, {"Cache-Control": "public, max-age=60"})
    for operation_id in LABELS:
        caught = _catches(checks_behave.authenticated_answer_not_shared, operation_id, public)
        assert caught == (operation_id in secure)
    private = _Answer(200, {}, {"Cache-Control": "private, max-age=60"})
    assert not _catches(checks_behave.authenticated_answer_not_shared, "listSongs", private)
    # RFC 9111 lets no directive stand in for private/no-store: silence is caught too, and
    # public beside private is still public.
    for said in ({}, {"Cache-Control": "max-age=60"}, {"Cache-Control": "private, public"}):
        for operation_id in secure:
            caught = _catches(checks_behave.authenticated_answer_not_shared, operation_id,
                              _Answer(200, {}, said))  # fmt: skip
            assert caught, (operation_id, said)
    for said in ({"Cache-Control": "no-store"}, {"Cache-Control": "no-store, s-maxage=0"}):
        assert not _catches(checks_behave.authenticated_answer_not_shared, "getSong",
                            _Answer(200, {}, said))  # fmt: skip


@pytest.mark.parametrize("origin", ["*", behave.FOREIGN_ORIGIN])
def test_cors_with_credentials_for_any_origin_is_caught(origin: str) -> None:
    answer = _Answer(200, {}, {"Access-Control-Allow-Origin": origin,
                               "Access-Control-Allow-Credentials": "true"})  # fmt: skip
    headers = {"Origin": behave.FOREIGN_ORIGIN}
    assert _catches(checks_behave.cors_credentials_not_any_origin, "listSongs", answer,
                    headers=headers)  # fmt: skip


def test_every_create_is_read_back_through_every_read_model_with_shared_fields() -> None:
    places = list(create_places(SPEC))
    assert [p.create_id for p in places] == ["createSong"]
    creates = {oid for oid, method, _, op in operations(SPEC) if method == "POST"
               and "201" in op["responses"] and oid != "createToken"}  # fmt: skip
    assert {p.create_id for p in places} == creates
    for place in places:
        assert set(place.reads) == {place.create_id, place.item_id, place.list_id}
        shared = round_trip_fields(place, SPEC)
        assert all(shared[read] for read in place.reads), shared  # something to compare
        assert place.request.get("example") is not None  # the create the phase sends


def test_declared_transformations_are_read_from_the_spec() -> None:
    (place,) = create_places(SPEC)
    assert transforms(place, SPEC) == {"arrangement_id": None}


def test_every_server_owned_field_is_planted_with_a_value_of_its_type() -> None:
    for place in create_places(SPEC):
        owned = server_owned(place, SPEC)
        assert {"id", "status", "mp3_url", "timeline_url", "mp3", "musical_mode",
                "arrangement_name", "status_channel"} <= set(owned)  # fmt: skip
        assert {name for name, prop in owned.items() if behave._sentinel(prop) is None} == set()


def test_every_behavioural_row_names_its_source_and_severity() -> None:
    rows = [row for row in CHECKS.values() if row.family]
    assert {row.family for row in rows} == {"errors", "lists", "round_trip",
                                            "mass_assignment", "caching", "lifecycle",
                                            "links", "inputs", "tokens"}  # fmt: skip
    for row in rows:
        assert row.source and row.severity in {"high", "medium", "low"}
    _, not_run = checks_of_run(1)
    assert {"missing_and_foreign_alike", "link_denied_to_others"} <= set(dict(not_run))


def test_every_model_with_a_lifecycle_is_followed_and_its_machine_is_whole() -> None:
    carriers = dict(machines(SPEC))
    assert set(carriers) == {"Song", "SongSummary"}
    schemas = SPEC["components"]["schemas"]
    followed = {
        read for place in create_places(SPEC) for read, schema in place.reads.items()
        if machine_of(schema, SPEC) is not None
    }  # fmt: skip
    assert followed == {"getSong", "listSongs"}  # each carrier is read after a create
    for name, machine in carriers.items():
        assert machine.terminal <= set(machine.states) and machine.bound_seconds > 0
        assert {s for pair in machine.transitions for s in pair} <= set(machine.states)
        for implied in machine.states.values():  # every implied field exists on the carrier
            assert set(implied) <= set(schemas[name]["properties"])


def test_the_lifecycle_judges_transitions_terminal_states_and_implied_fields() -> None:
    machine = dict(machines(SPEC))["Song"]
    assert transition_findings(machine, ["processing", "rendering", "ready", "ready"]) == []
    assert transition_findings(machine, ["ready", "processing"]) != []
    assert field_findings(machine, {"status": "ready", "mp3_url": None}) != []
    assert field_findings(machine, {"status": "processing", "mp3_url": "https://x"}) != []
    assert field_findings(machine, {"status": "queued", "mp3_url": None}) == []  # unknown
    assert field_findings(machine, {"status": "ready", "mp3_url": "https://x"}) == []


def test_the_readme_lists_the_behavioural_checks_as_their_rows_say() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0]
    assert section.strip() == behaviour_table()


def _read_models() -> dict[str, Any]:
    """Every read model the phase notes links from: the creates' reads, and each list's items
    and item reads, by their components name."""
    schemas = SPEC["components"]["schemas"]
    models = [schema for place in create_places(SPEC) for schema in place.reads.values()]
    for place in list_places(SPEC):
        assert place.item_id is not None
        models += [behave._read_schema(SPEC, place.list_id),
                   behave._read_schema(SPEC, place.item_id)]  # fmt: skip
    return {name: schema for name, schema in schemas.items() if schema in models}


def test_every_url_field_that_names_its_media_is_in_an_answer_the_run_reads() -> None:
    """On the spec in force: every URL-valued property is a link place, and each that
    declares its media (x-imuze-media) is in a read model the phase notes links from. Whether
    every URL field declares it is a rule of our curation (tests/contract/test_curation.py):
    one adopted from a drift report is not judged until someone says what it serves."""
    places = list(link_places(SPEC))
    uris = {(name, prop) for name, schema in SPEC["components"]["schemas"].items()
            for prop, node in (schema.get("properties") or {}).items()
            if node.get("format") == "uri" or prop.endswith("_url")}  # fmt: skip
    assert {(name, prop) for name, prop, _ in places} == uris
    read = _read_models()
    for name, prop, media in places:
        if not media:
            continue
        assert media.get("type") and isinstance(media.get("range"), bool), (name, prop)
        assert name in read, f"{name}.{prop} is in no answer the phase reads"
        assert prop in links_of(read[name], SPEC)


def test_links_resolve_against_the_api_and_only_its_origin_gets_credentials() -> None:
    links = Links("http://testserver/api/4")
    song = {"mp3_url": "//testserver/media/5.mp3", "timeline_url": "/media/5.json"}
    links.note("getSong", _read_models()["Song"], song, SPEC)
    assert sorted(links.found) == ["http://testserver/media/5.json",
                                   "http://testserver/media/5.mp3"]  # fmt: skip
    assert all(links.same_origin(url) for url in links.found)
    assert not links.same_origin("https://api.imuze.io/images/1.png")
    assert not links.same_origin("http://testserver:8080/media/5.mp3")
    assert behave_links._admits("image/*", "image/png")
    assert behave_links._admits("audio/mpeg", "audio/mpeg")
    assert not behave_links._admits("audio/mpeg", "text/html")


def test_every_path_is_probed_with_head_options_and_accept_with_an_id_the_run_knows() -> None:
    places = list(path_places(SPEC))
    assert {p.path for p in places} == set(SPEC["paths"])
    creates = {p.item_id for p in create_places(SPEC)}
    lists = {p.item_id for p in list_places(SPEC)}
    for place in places:
        assert set(place.methods) == {m.upper() for m in SPEC["paths"][place.path]}
        if "{id}" in place.path:  # known_ids fills it from a create or a list
            assert place.get_id in creates | lists, place.path


def test_every_body_operation_gets_the_four_odd_bodies() -> None:
    places = dict(body_places(SPEC))
    assert set(places) == {oid for oid, _, _, op in operations(SPEC) if "requestBody" in op}
    for operation_id, schema in places.items():
        operation = next(op for oid, _, _, op in operations(SPEC) if oid == operation_id)
        example = request_example(operation, SPEC)
        assert isinstance(example, dict) and example, operation_id
        deep = json.dumps(behave_inputs._nested(example, schema_depth(schema, SPEC) + 256))
        assert deep.count("[") > schema_depth(schema, SPEC) + 255
        assert len(behave_inputs._oversized(example)) > behave_inputs.OVERSIZED
        latin = json.dumps(behave_inputs._accented(example), ensure_ascii=False)
        with pytest.raises(UnicodeDecodeError):
            latin.encode("latin-1").decode("utf-8")


def test_tokens_in_a_sequence_or_with_little_entropy_are_caught_and_random_ones_pass() -> None:
    random = [secrets.token_hex(16) for _ in range(MIN_TOKENS)]
    assert token_findings(random) == [] and entropy_bits(random) >= 100
    assert token_findings([f"tok-{i:06d}" for i in range(MIN_TOKENS)])
    shared = ["user-42-session-" + secrets.token_hex(4) for _ in range(MIN_TOKENS)]
    assert token_findings(shared)  # 8 random hex digits: 32 bits, and a long shared prefix
    assert all("tok-" not in finding for finding in token_findings(["tok-1", "tok-2"]))


class _Phase:
    """A phase that answers every raw request with one answer and notes what is reported."""

    def __init__(self, answer: _Answer) -> None:
        self.answer, self.reported = answer, []  # type: list[str]

    def raw(self, *args: Any, **kwargs: Any) -> _Answer:
        return self.answer

    def report(self, operation_id: str, check: str, *args: Any) -> None:
        self.reported.append(check)


@pytest.mark.parametrize(
    ("status", "allow", "caught"),
    [(405, "GET, POST", False), (405, "", True), (405, "GET", True), (204, "", False),
     (200, "GET, POST, HEAD", False), (200, "HEAD", True), (500, "GET, POST", True),
     (404, "GET, POST", True)],
)  # fmt: skip
def test_options_is_judged_as_rfc_9110_says(status: int, allow: str, caught: bool) -> None:
    (songs,) = [place for place in path_places(SPEC) if place.path == "/songs"]
    phase = _Phase(_Answer(status, None, {"Allow": allow} if allow else {}))
    behave_inputs._options(phase, songs, "http://testserver/api/4/songs")  # type: ignore[arg-type]
    assert (phase.reported == ["options_answered"]) == caught
