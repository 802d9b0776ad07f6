"""What a run exercised, in every report format: every operation of the spec in force (one no
request reached included, with 0), its statuses observed and not, its inputs, the checks that
ran and those that did not with why, the routes the server answered that the spec lacks;
`--min-coverage` failing a run that exercised less (exit 3), and refusing a percent outside
0..100 (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from contract_helpers import FAST, App, Receive, Scope, Send, contract, mock_config, serving
from contract_helpers import user_env as env_of
from rich.console import Console
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.checks import load_all_checks

import imuze_mock
from imuze_cli.contract_terminal import render_terminal
from imuze_contract.catalog import check_names
from imuze_contract.check_table import CHECKS, SINGLE_ANSWER, behavioural, checks_of_run
from imuze_contract.coverage import Coverage
from imuze_contract.junit import render_junit
from imuze_contract.markdown import render_markdown
from imuze_contract.options import RunOptions
from imuze_contract.probe_values import operations
from imuze_contract.probes import CHECK_OF_KIND
from imuze_contract.report import EXIT_COVERAGE, Report
from imuze_contract.traffic import (
    ENGINE,
    OFF_HERE,
    Traffic,
    documented_inputs,
    phase_places,
)
from imuze_ext._responses import packaged_spec

BASE = "http://api.test/api/4"
SPEC = packaged_spec()
OPERATIONS = [oid for oid, _, _, _ in operations(SPEC)]


def _traffic() -> Traffic:
    """A run that reached only getSong (200 and 404, its path id) and answered one route the
    spec does not have, plus requests that are not routes of the API."""
    traffic = Traffic(SPEC, BASE)
    body = {"id": 1, "status": "ready"}
    traffic.answer("GET", f"{BASE}/songs/1", 200, ["path id"], ["not_a_server_error"],
                   lambda: body, ENGINE)  # fmt: skip
    traffic.answer("GET", f"{BASE}/songs/2", 404, ["path id"], ["not_a_server_error"], None,
                   ENGINE)  # fmt: skip
    traffic.answer("HEAD", f"{BASE}/songs", 200)  # a probe method the spec does not document
    traffic.answer("OPTIONS", f"{BASE}/songs/1", 405)  # refused: not a route
    traffic.answer("GET", f"{BASE}/nowhere", 404)  # not served
    traffic.answer("GET", "http://cdn.test/media/1.mp3", 200)  # another host: a link
    return traffic


def _report(coverage: Coverage, minimum: float | None = None) -> Report:
    report = Report(BASE, 7, 2)
    report.operations = ["GET /songs/{id}"]
    report.coverage, report.min_coverage = coverage, minimum
    return report


def _zero(op: dict[str, object]) -> bool:
    return op["requests"] == 0 and op["statuses_observed"] == []


def test_every_operation_of_the_spec_is_listed_zero_traffic_included() -> None:
    coverage = _traffic().coverage()
    assert [op.operation_id for op in coverage.operations] == OPERATIONS
    song = next(op for op in coverage.operations if op.operation_id == "getSong")
    assert song.requests == 2
    assert song.statuses_observed == ["200", "404"]
    assert "500" in song.statuses_not_observed and "200" not in song.statuses_not_observed
    assert song.inputs_exercised == ["path id"] and song.inputs_not_exercised == []
    assert song.states_reached == ["ready"]
    assert "not_a_server_error" in song.checks_ran
    arrangement = next(op for op in coverage.operations if op.operation_id == "getArrangement")
    assert arrangement.checks_not_run["object_level_authorization"] == OFF_HERE
    token = next(op for op in coverage.operations if op.operation_id == "createToken")
    assert token.requests == 0 and token.statuses_observed == []
    body = ["body /token", "body /token/email", "body /token/password"]
    assert token.inputs_not_exercised == body
    assert token.checks_not_run["not_a_server_error"] == "no request reached this operation"


def test_the_percentage_counts_documented_statuses_and_inputs() -> None:
    coverage = _traffic().coverage()
    documented = sum(len(op["responses"]) for _, _, _, op in operations(SPEC))
    inputs = sum(len(documented_inputs(path, method, SPEC)) for _, method, path, _ in
                 operations(SPEC))  # fmt: skip
    assert coverage.percent == pytest.approx(100 * (2 + 1) / (documented + inputs))


def test_a_route_the_spec_lacks_that_the_server_answers_is_listed_not_in_the_spec() -> None:
    routes = _traffic().coverage().not_in_spec
    assert [(r.method, r.path, r.statuses) for r in routes] == [("HEAD", "/songs", (200,))]
    assert routes[0].line == "HEAD /songs answered 200 (1 requests)"


def test_the_json_report_carries_the_coverage_and_reads_it_back() -> None:
    data = json.loads(json.dumps(_report(_traffic().coverage()).to_dict()))
    listed = {op["operation_id"]: op for op in data["coverage"]["operations"]}
    assert list(listed) == OPERATIONS
    assert _zero(listed["createToken"])
    assert data["coverage"]["not_in_spec"][0]["method"] == "HEAD"
    back = Report.from_dict(data).coverage
    assert back is not None and back.to_dict() == data["coverage"]


def test_the_junit_report_is_valid_and_lists_every_operation() -> None:
    xml = render_junit(_report(_traffic().coverage(), minimum=50))
    root = ElementTree.fromstring(xml.split("\n", 1)[1])
    assert root.tag == "testsuites"
    suites = list(root)
    assert [s.tag for s in suites] == ["testsuite", "testsuite"]
    for total in ("tests", "failures", "errors", "skipped"):  # the root's totals add up
        assert int(root.attrib[total]) == sum(int(s.attrib[total]) for s in suites)
    coverage = suites[1]
    assert int(coverage.attrib["tests"]) == len(coverage.findall("testcase"))
    properties = {p.attrib["name"]: p.attrib["value"] for p in coverage.iter("property")}
    for operation_id in OPERATIONS:
        assert f"coverage.{operation_id}.requests" in properties
    assert properties["coverage.createToken.requests"] == "0"
    assert properties["coverage.getSong.statuses_observed"] == "200,404"
    assert properties["not_in_spec.HEAD /songs"].startswith("HEAD /songs answered 200")
    gate = [case for case in coverage.iter("testcase") if case.find("failure") is not None]
    assert [case.attrib["name"] for case in gate] == ["coverage >= 50%"]


def test_markdown_and_terminal_list_every_operation_and_the_routes() -> None:
    report = _report(_traffic().coverage(), minimum=0)
    markdown = render_markdown(report)
    section = markdown.split("### Coverage", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "|---" not in line]
    assert len(rows) == 1 + len(OPERATIONS)
    assert "| createToken (POST /tokens) | 0 |" in section
    assert "HEAD /songs answered 200" in section and "meets --min-coverage 0%" in section
    console = Console(record=True, width=300)
    render_terminal(report, console)
    text = console.export_text()
    assert all(f"  {operation_id}  " in text for operation_id in OPERATIONS)
    assert "not in the spec: HEAD /songs answered 200" in text


def test_a_run_short_of_min_coverage_exits_3_only_without_new_deviations() -> None:
    coverage = _traffic().coverage()
    assert _report(coverage, minimum=100).exit_code == EXIT_COVERAGE == 3
    assert _report(coverage, minimum=0).exit_code == 0
    assert _report(coverage).exit_code == 0


@pytest.mark.parametrize("value", [-1, 100.5])
def test_min_coverage_outside_0_100_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="percent"):
        RunOptions(min_coverage=value)
    result = contract(["--min-coverage", str(value)], env_of(BASE))
    assert result.exit_code == 2, result.output
    assert "--min-coverage" in result.output and "0<=x<=100" in result.output
    assert "Traceback" not in result.output


def test_every_check_has_a_place_in_the_coverage() -> None:
    """A check judges answers the engine records (registered with schemathesis), every answer
    of the runner's own (single-answer), or runs in a phase whose places traffic.py knows;
    a new check without any of these would never show as run."""
    check_names()  # registers the contract's own checks with schemathesis
    load_all_checks()
    registered = set(REGISTRY.get_all_names())
    places = phase_places(SPEC)
    assert {check for check, _ in places.items() if check in CHECK_OF_KIND.values()} == set(
        CHECK_OF_KIND.values()
    )
    for check, row in CHECKS.items():
        if row.off or check == "error":
            continue
        assert check in places or check in registered or check in SINGLE_ANSWER, (
            f"{check}: give its phase's places (e.g. behave.behaviour_places) to "
            "traffic.phase_places, or coverage cannot say where it ran"
        )


def test_switching_the_behavioural_checks_off_says_why_they_did_not_run() -> None:
    ran, not_run = checks_of_run(2, behaviour=False)
    assert behavioural() and not behavioural() & set(ran)
    assert behavioural() <= {check for check, _ in not_run}


class ExtraRoute:
    """The mock, answering PUT /songs (a method the spec does not have there) with 200."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "PUT" and scope["path"].endswith(
            "/songs"):  # fmt: skip
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"{}"})
            return
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def spec_mock_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Two runs of the spec-exact mock, --min-coverage 0 with every format, then 100."""
    tmp = tmp_path_factory.mktemp("coverage")
    paths = {name: tmp / f"report.{name}" for name in ("md", "xml", "json")}
    with serving(imuze_mock.create_app(mock_config())) as base_url:
        formats = ["--report-md", str(paths["md"]), "--junit", str(paths["xml"]),
                   "--report-json", str(paths["json"])]  # fmt: skip
        low = contract([*FAST, "--min-coverage", "0", *formats], env_of(base_url))
        high = contract([*FAST, "--min-coverage", "100", "--json"], env_of(base_url))
    yield {"low": low, "high": high, **paths}


def test_min_coverage_0_passes_and_every_format_has_the_section(
    spec_mock_runs: dict[str, object],
) -> None:
    low = spec_mock_runs["low"]
    assert low.exit_code == 0, low.output  # type: ignore[attr-defined]
    assert "Coverage " in low.stdout and "meets --min-coverage 0%" in low.stdout  # type: ignore[attr-defined]
    data = json.loads(Path(str(spec_mock_runs["json"])).read_text())
    listed = [op["operation_id"] for op in data["coverage"]["operations"]]
    assert listed == OPERATIONS
    assert 0 < data["coverage"]["percent"] < 100  # a healthy mock never answers 500 or 503
    added = data["coverage"]["added_requests"]
    assert 0 < added["per_created"] <= added["bound"]
    root = ElementTree.parse(str(spec_mock_runs["xml"])).getroot()
    names = {p.attrib["name"] for p in root.iter("property")}
    assert {f"coverage.{oid}.statuses_observed" for oid in OPERATIONS} <= names
    assert "### Coverage" in Path(str(spec_mock_runs["md"])).read_text()


def test_min_coverage_100_fails_a_run_that_cannot_reach_it(
    spec_mock_runs: dict[str, object],
) -> None:
    high = spec_mock_runs["high"]
    assert high.exit_code == EXIT_COVERAGE, high.output  # type: ignore[attr-defined]
    data = json.loads(high.stdout)  # type: ignore[attr-defined]
    assert data["deviations"] == [] and data["exit_code"] == EXIT_COVERAGE
    assert any("less than --min-coverage 100%" in note for note in data["notes"])


def test_a_server_answering_a_route_the_spec_lacks_shows_it_not_in_the_spec() -> None:
    with serving(ExtraRoute(imuze_mock.create_app(mock_config()))) as base_url:
        result = contract([*FAST, "--json"], env_of(base_url))
    data = json.loads(result.stdout)
    routes = {(r["method"], r["path"]): r for r in data["coverage"]["not_in_spec"]}
    assert ("PUT", "/songs") in routes, data["coverage"]["not_in_spec"]
    assert routes[("PUT", "/songs")]["statuses"] == [200]
