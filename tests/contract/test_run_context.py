"""A run knows its context (spec path and hash, users, seed, the checks that ran and those that
could not), every artifact carries it, and replay, the rerun line and `--baseline-prune` use
it rather than assume it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from contract_helpers import FAST, contract, mock_config, serving, user_env

import imuze_mock
from imuze_cli.contract_terminal import render_terminal
from imuze_contract.baseline import Baseline, Entry, apply, load, save, updated
from imuze_contract.catalog import check_names, operation_ids
from imuze_contract.check_table import NO_SECOND_USER, checks_of_run
from imuze_contract.config import spec_path
from imuze_contract.junit import render_junit
from imuze_contract.markdown import render_markdown
from imuze_contract.options import RunOptions
from imuze_contract.replay import ReplayError, spec_of
from imuze_contract.report import Report, RunContext, fingerprint_of


def _context(users: tuple[str, ...], spec: str | None = None) -> RunContext:
    ran, not_run = checks_of_run(len(users))
    path = Path(spec) if spec else spec_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return RunContext(spec, str(path), digest, users, 7, ran, not_run)


def _entry(check: str, operation: str = "getSong", status: int | None = 200) -> Entry:
    location = "scope"
    fingerprint = fingerprint_of(operation, check, status, location)
    return Entry(fingerprint, operation, check, status, location, "known", dt.date(2026, 1, 1))


def test_a_one_user_run_cannot_run_the_checks_that_need_two() -> None:
    _, one = checks_of_run(1)
    ran, two = checks_of_run(2)
    assert dict(one)["object_level_authorization"] == NO_SECOND_USER
    assert dict(one)["list_scope"] == NO_SECOND_USER
    assert "object_level_authorization" in ran and "object_level_authorization" not in dict(two)
    assert set(ran) | set(dict(two)) == set(check_names())


@pytest.mark.parametrize("users", [("demo",), ("demo", "other")])
def test_prune_keeps_an_entry_whose_check_could_not_run_and_says_why(
    users: tuple[str, ...],
) -> None:
    # Accepted object-level authorization findings, not seen this time.
    entry = _entry("object_level_authorization")
    report = Report("http://api.test/api/4", 7, len(users), operations=["GET /songs/{id}"])
    report.context = _context(users)
    baseline = Baseline([entry])
    apply(report, baseline, {"getSong"})
    pruned = updated(baseline, report, dt.date(2026, 2, 1), add=False, prune=True)
    if len(users) == 1:  # it could not run: kept, and the report says why
        assert report.stale == [] and pruned.entries == [entry]
        (note,) = report.notes
        assert "object_level_authorization could not run this time" in note
        assert NO_SECOND_USER in note
    else:  # it ran and did not see it: stale, pruned
        assert [s.fingerprint for s in report.stale] == [entry.fingerprint]
        assert pruned.entries == []


def test_the_baseline_records_the_context_of_the_run_that_wrote_it(tmp_path: Path) -> None:
    report = Report("http://api.test/api/4", 7, 1)
    report.context = _context(("demo",))
    path = tmp_path / "baseline.yaml"
    save(updated(Baseline([_entry("ignored_auth")]), report, dt.date.today(), add=True,
                 prune=False), path)  # fmt: skip
    written = yaml.safe_load(path.read_text())
    assert written["context"] == report.context.to_dict()
    assert load(path, operation_ids(), check_names()).context == report.context.to_dict()


def test_a_placeholder_or_empty_reason_fails_with_what_to_do(tmp_path: Path) -> None:
    entry = _entry("ignored_auth").to_dict()
    path = tmp_path / "baseline.yaml"
    for reason in ("accepted with --baseline-update: say why", "", None):
        path.write_text(yaml.safe_dump({"accepted": [{**entry, "reason": reason}]}))
        with pytest.raises(Exception, match="write why this deviation is accepted"):
            load(path, operation_ids(), check_names())


def test_every_format_carries_the_context() -> None:
    report = Report("http://api.test/api/4", 7, 1)
    report.context = _context(("demo",), str(spec_path()))
    sha = report.context.spec_sha256
    data = json.loads(json.dumps(report.to_dict()))
    assert data["context"]["spec_sha256"] == sha
    assert data["context"]["checks_not_run"]["list_scope"] == NO_SECOND_USER
    assert Report.from_dict(data).context == report.context
    markdown = render_markdown(report)
    assert sha[:12] in markdown and "could not run: object_level_authorization" in markdown
    properties = {
        p.attrib["name"]: p.attrib["value"]
        for p in ElementTree.fromstring(render_junit(report).split("\n", 1)[1]).iter("property")
    }
    assert properties["spec_sha256"] == sha and properties["users"] == "demo"
    assert properties["check_not_run.object_level_authorization"] == NO_SECOND_USER
    from rich.console import Console

    console = Console(record=True, width=300)
    render_terminal(report, console)
    text = console.export_text()
    assert sha[:12] in text and "could not run: object_level_authorization" in text


def test_the_rerun_line_names_the_spec() -> None:
    assert RunOptions(spec=Path("branch.yaml")).rerun_args(7)[-2:] == ["--spec", "branch.yaml"]


def test_replay_refuses_a_spec_changed_since_the_run(tmp_path: Path) -> None:
    spec = tmp_path / "branch.yaml"
    spec.write_text(spec_path().read_text())
    report = Report("http://api.test/api/4", 7, 1)
    report.context = _context(("demo",), str(spec))
    assert spec_of(report) == spec
    spec.write_text(spec.read_text() + "\n# edited\n")
    with pytest.raises(ReplayError, match="changed since the run"):
        spec_of(report)


def test_replay_judges_against_the_spec_of_the_run(tmp_path: Path) -> None:
    # A branch spec where listArrangements succeeds with 203: the spec-exact mock's 200 is a
    # deviation there, and not under the packaged spec. Replayed, it is still there.
    document = yaml.safe_load(spec_path().read_text())
    responses = document["paths"]["/arrangements"]["get"]["responses"]
    responses["203"] = responses.pop("200")
    branch = tmp_path / "branch.yaml"
    branch.write_text(yaml.safe_dump(document, sort_keys=False))
    report_file = tmp_path / "report.json"
    with serving(imuze_mock.create_app(mock_config())) as base_url:
        env = user_env(base_url)
        result = contract([*FAST, "--spec", str(branch), "--report-json", str(report_file)], env)
        assert result.exit_code == 1, result.output
        report = json.loads(report_file.read_text())
        assert f"--spec {branch}" in report["rerun"]
        (row,) = [
            r for r in report["deviations"]
            if (r["operation_id"], r["check"], r["status"]) ==
            ("listArrangements", "status_code_conformance", 200)
        ]  # fmt: skip
        replayed = contract(["replay", row["fingerprint"], "--report", str(report_file)], env)
    assert replayed.exit_code == 1, replayed.output
    assert "still there" in replayed.stdout
