"""The suite's configuration says what the issue asks: every phase, every check, real users."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.wfc.loader import load_from_dict, load_from_file

from contract_tests.targets import (
    CONFIG_PATH,
    ROOT,
    SPEC_PATH,
    WFC_PATH,
    Target,
    User,
    contract_config,
    live_target_from_env,
    mock_users,
)
from imuze_contract import SetupError

PHASES = ("examples", "coverage", "fuzzing", "stateful")
# Needs a time limit to mean anything; speed is measured in bench/, never asserted in tests.
TIMING_CHECKS = {"max_response_time"}


def test_every_phase_is_on() -> None:
    config = SchemathesisConfig.from_path(CONFIG_PATH).projects.get_default()
    assert all(config.phases.get_by_name(name=phase).enabled for phase in PHASES)


@pytest.mark.parametrize("phase", [None, *PHASES])
def test_every_built_in_check_is_on_and_no_expected_status_is_widened(phase: str | None) -> None:
    load_all_checks()
    project = SchemathesisConfig.from_path(CONFIG_PATH).projects.get_default()
    checks = project.checks_config_for(phase=phase)
    names = set(CHECKS.get_all_names()) - TIMING_CHECKS
    assert {"ignored_auth", "object_level_authorization", "use_after_free"} <= names
    for name in sorted(names):
        check = checks.get_by_name(name=name)
        assert check.enabled, name
        defaults = getattr(type(check), "_DEFAULT_EXPECTED_STATUSES", None)
        assert getattr(check, "expected_statuses", None) == defaults, name


def test_the_committed_auth_document_logs_in_the_mocks_two_users() -> None:
    target = Target("http", "http://127.0.0.1:8000/api/4", mock_users(), 1, 1)
    assert load_from_file(WFC_PATH) == load_from_dict(target.wfc_document())
    auth = SchemathesisConfig.from_path(CONFIG_PATH).projects.get_default().auth.wfc
    assert auth is not None
    assert auth.path == "contract_tests/wfc-auth.yaml"
    assert (auth.user, auth.peers) == ("demo", ["demo", "other"])


def test_a_live_api_logs_in_at_its_own_base_path() -> None:
    env = {
        "IMUZE_BASE_URL": "https://api.example.test/v4/",
        "IMUZE_EMAIL": "me@example.test",
        "IMUZE_PASSWORD": "secret-pass",
        "IMUZE_OTHER_API_KEY": "other-key",
    }
    target = live_target_from_env(env)
    assert target is not None
    assert target.base_url == "https://api.example.test/v4"
    assert [user.name for user in target.users] == ["demo", "other"]
    entries = target.wfc_document()["auth"]
    assert entries[0]["loginEndpointAuth"]["endpoint"] == "/v4/tokens"
    assert entries[1]["fixedHeaders"] == [{"name": "Authorization", "value": "other-key"}]
    assert "secret-pass" not in repr(target)


def test_a_live_api_without_credentials_is_refused_with_a_readable_error() -> None:
    with pytest.raises(SetupError, match="IMUZE_EMAIL"):
        live_target_from_env({"IMUZE_BASE_URL": "https://api.example.test/api/4"})
    assert live_target_from_env({}) is None


def test_ci_runs_are_seeded_and_derandomized(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("SEED", raising=False)
    target = Target("x", "http://127.0.0.1:8000/api/4", (User("demo", api_key="k"),), 1, 1)
    wfc = WFC_PATH  # any readable file; only the generation settings matter here
    config = contract_config(target, wfc)
    project = config.projects.get_default()
    assert config.seed == 20261124
    assert project.generation.deterministic
    monkeypatch.setenv("SEED", "7")
    assert contract_config(target, wfc).seed == 7


def test_object_level_authorization_is_off_for_the_arrangement_catalog_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)  # the toml names the auth document relative to the repo
    schema = schemathesis.openapi.from_path(
        SPEC_PATH, config=SchemathesisConfig.from_path(CONFIG_PATH)
    )
    off = {
        operation.ok().definition.raw["operationId"]
        for operation in schema.get_all_operations()
        if not schema.config.checks_config_for(operation=operation.ok(), phase="stateful")
        .get_by_name(name="object_level_authorization")
        .enabled
    }
    assert off == {"getArrangement"}


def test_the_one_widened_status_is_410_for_positive_data_on_get_song(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    schema = schemathesis.openapi.from_path(
        SPEC_PATH, config=SchemathesisConfig.from_path(CONFIG_PATH)
    )
    default = SchemathesisConfig().projects.get_default().checks
    widened = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        checks = schema.config.checks_config_for(operation=operation, phase="fuzzing")
        for name in (
            "not_a_server_error",
            "positive_data_acceptance",
            "negative_data_rejection",
            "missing_required_header",
        ):
            statuses = set(checks.get_by_name(name=name).expected_statuses)
            extra = statuses - set(default.get_by_name(name=name).expected_statuses)
            if extra:
                widened[(operation.definition.raw["operationId"], name)] = extra
    assert widened == {("getSong", "positive_data_acceptance"): {"410"}}
