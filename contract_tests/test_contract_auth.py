"""The suite logs in as a user does and logs in again when the API says its token expired."""

from __future__ import annotations

import time
from pathlib import Path

import schemathesis
from hypothesis import given, settings

import imuze_mock
from contract_tests.broken import App, Receive, Scope, Send
from contract_tests.counting import CASES
from contract_tests.targets import Target, load_schema, mock_users


def test_an_expired_token_is_refreshed_on_401_and_the_call_replayed(tmp_path: Path) -> None:
    app = imuze_mock.create_app(imuze_mock.MockConfig(token_ttl=0.3))
    logins: list[str] = []

    async def counting_logins(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/tokens"):
            logins.append(scope["method"])
        await app(scope, receive, send)

    wrapped: App = counting_logins
    target = Target("refresh", "http://testserver/api/4", mock_users(), 1, 1, app=wrapped)
    operation = load_schema(target, tmp_path).find_operation_by_id("listSongs")
    statuses: list[int] = []

    @settings(max_examples=1, database=None)
    @given(case=operation.as_strategy())
    def list_songs(case: schemathesis.Case) -> None:
        CASES.add()
        statuses.append(case.call_and_validate().status_code)

    list_songs()
    time.sleep(0.5)  # the token of the first login expires (not a timing assertion)
    list_songs()
    assert statuses == [200, 200]
    assert logins == ["POST", "POST"]
