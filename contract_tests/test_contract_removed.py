"""A removed song answers 410 Gone, as the spec documents, and the contract accepts it."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import given, settings
from schemathesis import GenerationMode

import imuze_mock
from contract_tests.counting import CASES
from contract_tests.targets import Target, load_schema, mock_users

SONG = {"title": "Night Drive", "arrangement_id": None, "tags": [], "desired_length": 1}


def test_a_valid_id_of_a_removed_song_answers_410_within_the_contract(tmp_path: Path) -> None:
    # A mock that keeps one song: creating a second removes the first.
    app = imuze_mock.create_app(imuze_mock.MockConfig(max_songs=1, render_delay=0.01))
    target = Target("removed", "http://testserver/api/4", mock_users(), 1, 1, app=app)
    schema = load_schema(target, tmp_path)
    ids: list[int] = []
    statuses: list[int] = []

    @settings(max_examples=1, database=None)
    @given(case=schema.find_operation_by_id("createSong").as_strategy(body=SONG))
    def create(case: schemathesis.Case) -> None:
        CASES.add()
        ids.append(case.call_and_validate().json()["id"])

    create()
    create()

    @settings(max_examples=1, database=None)
    @given(
        case=schema.find_operation_by_id("getSong").as_strategy(
            generation_mode=GenerationMode.POSITIVE, path_parameters={"id": ids[0]}
        )
    )
    def show_the_first(case: schemathesis.Case) -> None:
        CASES.add()
        # Every check runs; positive_data_acceptance accepts 410 on getSong (schemathesis.toml).
        statuses.append(case.call_and_validate().status_code)

    show_the_first()
    assert statuses == [410]
