"""The runner's parts: targets from the environment, the shared configuration, the budget, the
scrubber, the shapes a report speaks in, and fixes grouped across operations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from contract_helpers import App, Receive, Scope, Send, mock_config

import imuze_mock
from contract_tests.broken import (
    _read_body,
    _replaying,
    _send_json,
    wrong_type,
)
from imuze_contract import RunOptions, SetupError, Target, User, target_from_env
from imuze_contract.config import contract_config
from imuze_contract.redact import Secrets
from imuze_contract.report import OPS, Deviation, Report
from imuze_contract.runner import run
from imuze_contract.shapes import object_keys, value_shape

SPEC_MOCK_USERS = (
    User("demo", email=imuze_mock.DEMO.email, password=imuze_mock.DEMO.password),
    User("other", email=imuze_mock.OTHER.email, password=imuze_mock.OTHER.password),
)


def test_credentials_come_from_the_same_variables_as_the_rest_of_the_cli() -> None:
    env = {
        "IMUZE_BASE_URL": "https://api.example.test/v4/",
        "IMUZE_API_KEY": "key-1234",
        "IMUZE_EMAIL": "me@example.test",
        "IMUZE_PASSWORD": "pass-1234",
        "IMUZE_OTHER_EMAIL": "you@example.test",
        "IMUZE_OTHER_PASSWORD": "pass-5678",
    }
    target = target_from_env(env=env)
    assert target.base_url == "https://api.example.test/v4"
    assert target.login_path == "/v4/tokens"
    demo, other = target.users
    assert (demo.api_key, demo.logs_in) == ("key-1234", False)  # the key first, as the CLI
    assert (other.email, other.logs_in) == ("you@example.test", True)
    assert set(target.secrets) == {"key-1234", "pass-5678"}
    assert "pass-5678" not in repr(target) and "key-1234" not in repr(target)
    assert target_from_env("http://127.0.0.1:1/api/4", env=env).base_url.endswith(":1/api/4")


def test_half_a_second_user_is_a_setup_error() -> None:
    env = {"IMUZE_API_KEY": "key-1234", "IMUZE_OTHER_EMAIL": "you@example.test"}
    with pytest.raises(SetupError, match="IMUZE_OTHER_PASSWORD"):
        target_from_env(env=env)
    assert len(target_from_env(env={"IMUZE_API_KEY": "key-1234"}).users) == 1


def test_the_runner_keeps_going_rate_limits_and_seeds_on_top_of_schemathesis_toml(
    tmp_path: Path,
) -> None:
    target = Target("http://127.0.0.1:8000/api/4", SPEC_MOCK_USERS)
    config = contract_config(
        target, tmp_path / "wfc.yaml", max_examples=7, scenarios=5, seed=42, rate_limit=3,
        keep_going=True,
    )  # fmt: skip
    project = config.projects.get_default()
    assert project.continue_on_failure is True
    assert project.rate_limit is not None
    assert config.seed == 42 and project.generation.deterministic
    assert project.generation.max_examples == 7
    assert (project.auth.wfc.user, project.auth.wfc.peers) == ("demo", ["demo", "other"])
    # The suite's two documented exceptions come along from schemathesis.toml.
    assert project.phases.stateful.enabled and project.phases.coverage.enabled
    plain = contract_config(target, tmp_path / "wfc.yaml", max_examples=1, scenarios=1, seed=None)
    assert not plain.projects.get_default().continue_on_failure
    assert plain.projects.get_default().rate_limit is None


def test_a_spent_budget_ends_the_run_as_an_answer_not_an_interruption() -> None:
    app = imuze_mock.create_app(mock_config())
    target = Target("http://testserver/api/4", SPEC_MOCK_USERS, app=app)
    report = run(target, RunOptions(budget=0.5, max_examples=1000, rate_limit=None, seed=1))
    assert any("budget of 0.5 s ended the run" in note for note in report.notes)
    assert report.deviations == []
    assert (report.budget_spent, report.interrupted, report.exit_code) == (True, False, 0)
    # With a deviation found before the budget ends: 1, not 130.
    broken = wrong_type(imuze_mock.create_app(mock_config()))
    target = Target("http://testserver/api/4", SPEC_MOCK_USERS, app=broken)
    report = run(target, RunOptions(budget=3, max_examples=1000, seed=1))
    assert report.budget_spent and not report.interrupted
    assert report.deviations and report.exit_code == 1


def test_the_scrubber_hides_every_secret_it_learns_longest_first() -> None:
    secrets = Secrets(["imuze-demo", "imuze-demo-key", None, "abc"])  # type: ignore[list-item]
    secrets.add("3f9c1e0a7b5d4c2e")
    text = "key imuze-demo-key, password imuze-demo, token 3f9c1e0a7b5d4c2e, abc stays"
    assert secrets.scrub(text) == (
        "key [redacted], password [redacted], token [redacted], abc stays"
    )


def test_shapes_read_like_the_spec() -> None:
    assert value_shape({"error": "Invalid email or password"}) == "{error: string}"
    rails_422 = {"errors": {"title": ["is too short"], "tags": ["is invalid"]}}
    assert value_shape(rails_422) == "{errors: {<field>: [string]}}"
    assert value_shape({"count": "2", "response": [{"id": 1}]}) == (
        "{count: string, response: [{id: integer}]}"
    )
    fields = ("code", "error", "message", "field")
    error = {"required": list(fields[:3]), "properties": {name: {} for name in fields}}
    assert object_keys(error) == "{code, error, message, field?}"


def _deviation(operation_id: str, fix: str | None, status: int = 401) -> Deviation:
    return Deviation(
        operation=f"GET /{operation_id}", operation_id=operation_id,
        check="response_schema_conformance", status=status, location="/", expected="Error",
        actual="{error: string}", fix=fix, curl="curl ...", code="ST108", title="t", count=2,
    )  # fmt: skip


def test_a_fix_is_listed_once_with_every_operation_it_applies_to() -> None:
    body = f"the 401 body of {OPS} is {{error: string}}, not Error"
    report = Report("http://x/api/4", seed=1, users=2)
    report.deviations = [
        _deviation("listSongs", body),
        _deviation("getSong", body),
        _deviation("getSong", "a malformed id answered 404", 404),
        _deviation("createToken", None, 422),
    ]
    assert report.fixes() == [
        "the 401 body of getSong, listSongs is {error: string}, not Error",
        "a malformed id answered 404 (getSong)",
    ]
    assert report.sorted_deviations()[0].suggestion is None  # createToken: nothing mechanical
    assert (
        report.deviations[0].suggestion == "the 401 body of listSongs is {error: string}, not Error"
    )
    assert report.exit_code == 1
    data = report.to_dict()
    assert "fix" not in data["deviations"][0] and data["deviations"][1]["count"] == 2


def _stricter_about_titles(app: App) -> App:
    """createSong refuses titles under 8 characters with 422 (the spec allows 4 and more)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) != ("POST", "/api/4/songs"):
            await app(scope, receive, send)
            return
        raw = await _read_body(receive)
        try:
            title = json.loads(raw).get("title")
        except (ValueError, AttributeError):
            title = None
        if isinstance(title, str) and 4 <= len(title) < 8 and re.fullmatch("[a-zA-Z ]*", title):
            error = {"code": 422, "error": "invalid_body", "message": "title: too short",
                     "field": "title"}  # fmt: skip
            await _send_json(send, 422, error, [])
            return
        await app(scope, _replaying(raw), send)

    return wrapped


def test_a_server_stricter_than_the_spec_is_named_at_the_field_it_blames() -> None:
    app = _stricter_about_titles(imuze_mock.create_app(mock_config()))
    target = Target("http://testserver/api/4", SPEC_MOCK_USERS, app=app)
    report = run(target, RunOptions(max_examples=3, rate_limit=None, seed=1))
    (deviation,) = report.deviations
    assert deviation.key == ("POST /songs", "positive_data_acceptance", 422, "/title")
    assert deviation.line.startswith("expected 2xx: the request is schema-valid; got 422")
    assert deviation.suggestion == (
        "createSong rejected a schema-valid request with 422 at /title: the server is stricter "
        "than the spec there (document its rule, or relax the server)"
    )
