"""`imuze contract` end to end, over real sockets: zero deviations against the spec-exact mock,
exactly the known ones against the rails dialect and the broken variants, exit codes 0/1/2, one
readable line on a setup error, and no secret in any output."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from contract_helpers import (
    FAST,
    TokenTap,
    assert_no_secret,
    contract,
    mock_config,
    secrets_of,
    serving,
    user_env,
)

import imuze_mock
from contract_tests.broken import VARIANTS
from contract_tests.in_force import operation_ids, rails_deviations, spec_in_force
from imuze_ext.redaction import REDACTED

# What the rails dialect (imuze_mock/dialects.py) does that today's spec forbids, as
# (operation, check, status, location). Each must be reported once, and nothing else. The run
# expects what the spec in force forbids (contract_tests/in_force.py derives it), which is this
# set on today's spec (test_the_rails_deviations_derived_from_today_s_spec_are_these).
RAILS_DEVIATIONS = {
    # 200 on creates and on login: undocumented statuses. (Their bodies are not judged: the
    # spec has no schema for a 200 there, so createSong's relative `mp3` goes unseen.)
    ("createSong", "status_code_conformance", 200, "status"),
    ("createToken", "status_code_conformance", 200, "status"),
    # Relative media URLs: the spec says format: uri.
    ("getSong", "response_schema_conformance", 200, "/mp3_url (format)"),
    ("getSong", "response_schema_conformance", 200, "/timeline_url (format)"),
    ("listSongs", "response_schema_conformance", 200, "/response/*/mp3_url (format)"),
    # A non-integer path id answered 404 where the spec says 400.
    ("getArrangement", "malformed_path_id_answers_400", 404, "path id"),
    ("getSong", "malformed_path_id_answers_400", 404, "path id"),
    # Rails error bodies instead of Error, on every documented error the run provokes: each
    # shape a row of its own, named by the fields it lacks ({error: string} lacks code and
    # message; a validation error's {errors: {...}} lacks error too).
    ("createSong", "response_schema_conformance", 401, "/ lacks code, message"),
    ("createSong", "response_schema_conformance", 404, "/ lacks code, message"),
    ("createSong", "response_schema_conformance", 415, "/ lacks code, message"),
    ("createSong", "response_schema_conformance", 422, "/ lacks code, message"),
    ("createSong", "response_schema_conformance", 422, "/ lacks code, error, message"),
    ("createToken", "response_schema_conformance", 400, "/ lacks code, message"),
    ("createToken", "response_schema_conformance", 401, "/ lacks code, message"),
    ("createToken", "response_schema_conformance", 415, "/ lacks code, message"),
    ("createToken", "response_schema_conformance", 422, "/ lacks code, message"),
    ("createToken", "response_schema_conformance", 422, "/ lacks code, error, message"),
    ("getArrangement", "response_schema_conformance", 401, "/ lacks code, message"),
    ("getArrangement", "response_schema_conformance", 404, "/ lacks code, message"),
    ("getSong", "response_schema_conformance", 401, "/ lacks code, message"),
    ("getSong", "response_schema_conformance", 404, "/ lacks code, message"),
    ("listArrangements", "response_schema_conformance", 401, "/ lacks code, message"),
    ("listSongs", "response_schema_conformance", 401, "/ lacks code, message"),
    # Not deviations: extra fields (created_at, updated_at), which the spec's objects allow.
}


def junit_rows(path: Path) -> list[tuple[str, str, int, str]]:
    """(operation, check, status, location) of each failed test of the JUnit report."""
    rows = []
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None:
            check, status, location = case.attrib["name"].split(" ", 2)
            operation = case.attrib["classname"].removeprefix("imuze contract.")
            rows.append((operation, check, int(status), location))
    return rows


# Runs again after the spec changed (tests/test_loop_green.py): the mock follows the spec in
# force, so a contract run against it finds nothing.
@pytest.mark.loop
def test_the_spec_exact_mock_has_no_deviation(tmp_path: Path) -> None:
    tap = TokenTap(imuze_mock.create_app(mock_config()))
    md, xml = tmp_path / "report.md", tmp_path / "junit.xml"
    with serving(tap) as base_url:
        args = [*FAST, "--json", "--report-md", str(md), "--junit", str(xml)]
        result = contract(args, user_env(base_url))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["deviations"] == []
    assert report["cases"] > 100
    assert len(report["operations"]) == 6
    assert report["users"] == 2
    assert "no deviation" in md.read_text()
    assert junit_rows(xml) == []
    assert tap.tokens, "the run logged in"
    assert_no_secret(secrets_of(tap), result.stdout, result.stderr, md.read_text(), xml.read_text())


def test_the_rails_deviations_derived_from_today_s_spec_are_these() -> None:
    """Not `loop`: pins the spec as written today, the witness that the derivation is right."""
    assert rails_deviations(spec_in_force()) == RAILS_DEVIATIONS
    assert len(operation_ids(spec_in_force())) == 6


# Runs again after the spec changed (tests/test_loop_green.py): it expects the deviations the
# spec in force does not allow, and the report's parts for those.
@pytest.mark.loop
def test_the_rails_dialect_shows_exactly_its_deviations_each_once(tmp_path: Path) -> None:
    expected = rails_deviations(spec_in_force())
    tap = TokenTap(imuze_mock.create_app(mock_config("rails")))
    md, xml = tmp_path / "report.md", tmp_path / "junit.xml"
    with serving(tap) as base_url:
        result = contract([*FAST, "--report-md", str(md), "--junit", str(xml)], user_env(base_url))
    assert result.exit_code == (1 if expected else 0), result.output
    rows = junit_rows(xml)
    assert len(rows) == len(set(rows)), "a deviation was reported twice"
    assert set(rows) == expected
    # The Markdown report: one table row per deviation (the coverage table, a row per
    # operation, comes after it), and the mechanical fixes.
    markdown = md.read_text()
    deviations, coverage = markdown.split("\n### Coverage\n")
    table = [line for line in deviations.splitlines() if line.startswith("| ") and "|-" not in line]
    assert len(table) == 1 + len(expected)
    # its header, then a row per operation of the spec
    assert coverage.count("\n| ") == 1 + len(operation_ids(spec_in_force()))
    parts = {  # a sentence of the report, and whether one of the expected rows calls for it
        "createSong, createToken answered 200: add a 200 response, or fix the server": {
            ("createSong", "status_code_conformance", 200, "status"),
            ("createToken", "status_code_conformance", 200, "status"),
        }
        <= expected,
        "is {error: string}, not Error": any(r[3] == "/ lacks code, message" for r in expected),
        "{errors: {<field>: [string]}}": any(r[3].endswith("error, message") for r in expected),
        "a protocol-relative URL": any(r[3].endswith("(format)") for r in expected),
    }
    assert {part: part in markdown for part in parts} == parts
    assert markdown.count("```sh") == len(expected)
    # The terminal summary fits a screen or two.
    assert len(result.stdout.splitlines()) <= 100
    assert f"{len(expected)} deviations from the spec" in result.stdout
    assert_no_secret(secrets_of(tap), result.stdout, result.stderr, markdown, xml.read_text())


def test_a_mock_that_leaks_songs_across_users_shows_one_deviation_as_json() -> None:
    # Two users: the other user reads the demo user's song (contract_tests/broken.py).
    breaking, _ = VARIANTS["other_users_song_visible"]
    tap = TokenTap(breaking(imuze_mock.create_app(mock_config())))
    with serving(tap) as base_url:
        result = contract([*FAST, "--json"], user_env(base_url))
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    (deviation,) = report["deviations"]
    key = (deviation["operation_id"], deviation["check"], deviation["status"])
    assert (*key, deviation["location"]) == ("getSong", "object_level_authorization", 200, "scope")
    assert deviation["count"] >= 1
    # The reproduction: the owner creates, the peer reads, each with the token a variable
    # stands for (logging in from IMUZE_EMAIL/IMUZE_PASSWORD when no token is exported).
    assert "# as demo (owner)" in deviation["curl"] and "# as other (peer)" in deviation["curl"]
    assert 'Authorization: \'"${IMUZE_TOKEN}"' in deviation["curl"]
    assert 'Authorization: \'"${IMUZE_OTHER_TOKEN}"' in deviation["curl"]
    assert REDACTED not in deviation["curl"]
    assert deviation["expected_vs_actual"].startswith("expected 404")
    assert report["fixes"] == ["getSong leaks other users' data: fix the server (security)"]
    assert_no_secret(secrets_of(tap), result.stdout, result.stderr)


def test_a_wrong_password_is_a_setup_error_in_one_line() -> None:
    with imuze_mock.running(mock_config()) as server:
        env = {**user_env(server.base_url), "IMUZE_PASSWORD": "not-the-password"}
        result = contract(FAST, env)
    assert result.exit_code == 2
    assert result.stdout == ""
    line, hint = result.stderr.splitlines()
    assert line.startswith("error: login as demo@imuze.io failed: 401 unauthorized: ")
    assert line.endswith(" (POST /api/4/tokens)")  # worded as every imuze command words it
    assert hint.startswith("hint: check IMUZE_API_KEY, or IMUZE_EMAIL and IMUZE_PASSWORD")
    assert "not-the-password" not in result.stderr


def test_an_unreachable_api_is_a_setup_error_in_one_line() -> None:
    # Bound but never listening, so connections are refused at once (imuze_mock's own
    # bind() listens, so that clients queue while uvicorn starts).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    base_url = imuze_mock.server.base_url_of(sock)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMUZE_")}
    env |= {k: v for k, v in user_env(base_url).items() if v is not None}
    try:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "imuze"), "contract", *FAST],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        sock.close()
    assert done.returncode == 2, done.stderr
    line, hint = done.stderr.splitlines()
    assert line.startswith(f"error: cannot reach the API at {base_url}")
    assert hint == "hint: is the API up at that address? pass --base-url or set IMUZE_BASE_URL"
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_no_credentials_is_a_usage_error_in_one_line() -> None:
    env = {**user_env("http://127.0.0.1:9/api/4"), "IMUZE_EMAIL": None, "IMUZE_PASSWORD": None}
    result = contract(FAST, env)
    assert result.exit_code == 2
    line, hint = result.stderr.splitlines()
    # The variables to set, as `imuze songs list` says it, never Python's argument names.
    assert line == "error: no credentials: set IMUZE_API_KEY, or IMUZE_EMAIL and IMUZE_PASSWORD"
    assert hint == "hint: see 'imuze contract --help'"


def test_without_the_contract_extra_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if schemathesis were not installed (the runner's modules are imported afresh).
    for name in [name for name in sys.modules if name.startswith("imuze_contract.")]:
        if name not in ("imuze_contract.options", "imuze_contract.redact",
                        "imuze_contract.report", "imuze_contract.target"):  # fmt: skip
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "schemathesis", None)
    result = contract(FAST, user_env("http://127.0.0.1:9/api/4"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: imuze contract needs the 'contract' extra (schemathesis is not installed): "
        "pip install 'imuze[contract]'",
        "hint: see 'imuze contract --help'",
    ]


def test_help_states_the_defaults_and_the_cli_does_not_import_schemathesis() -> None:
    result = contract(["--help"], user_env("http://127.0.0.1:9/api/4"))
    assert result.exit_code == 0
    assert "10/s" in result.stdout and "300" in result.stdout
    assert "loopback API" in result.stdout and "not throttled" in result.stdout
    probe = "import sys, imuze_cli.app; print('schemathesis' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


def test_a_report_path_that_cannot_be_written_is_refused_before_the_run(tmp_path: Path) -> None:
    result = contract([*FAST, "--report-md", str(tmp_path)], user_env("http://127.0.0.1:9/api/4"))
    assert result.exit_code == 2
    line, hint = result.stderr.splitlines()
    assert line == f"error: cannot write {tmp_path}: not a writable file path"
    assert hint == "hint: see 'imuze contract --help'"
