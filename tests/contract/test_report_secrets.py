"""No credential in any report, whatever the number of users and whatever the password: the
tokens the server issues and the password in every form a serializer writes it (raw,
JSON-escaped with or without ensure_ascii), in the terminal, JSON, Markdown and JUnit
reports; and the reproduction's login line sends such a password as it is."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest
from contract_helpers import FAST, TokenTap, contract, mock_config, serving, user_env

import imuze_mock
from imuze_contract.redact import Secrets
from imuze_contract.steps import Step, reproduction

# Non-ASCII, a quote, a backslash and a space: each serialized otherwise in JSON.
PASSWORD = 'geheim-pässwort"42\\ x'
ODD = imuze_mock.Account("odd@imuze.io", PASSWORD, None)


def _forms(value: str) -> set[str]:
    """Every way a report could spell `value`."""
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}


def test_a_one_user_run_writes_no_token_and_no_password_form(tmp_path: Path) -> None:
    # Only IMUZE_EMAIL and IMUZE_PASSWORD: schemathesis sends every case with no identity.
    config = dataclasses.replace(mock_config("rails"), accounts=(ODD, imuze_mock.OTHER))
    tap = TokenTap(imuze_mock.create_app(config))
    md, xml, js = tmp_path / "r.md", tmp_path / "r.xml", tmp_path / "r.json"
    with serving(tap) as base_url:
        env = {**user_env(base_url, two_users=False), "IMUZE_EMAIL": ODD.email,
               "IMUZE_PASSWORD": PASSWORD}  # fmt: skip
        args = [*FAST, "--report-md", str(md), "--junit", str(xml), "--report-json", str(js)]
        result = contract(args, env)
    assert result.exit_code == 1, result.output
    report = json.loads(js.read_text(encoding="utf-8"))
    assert report["users"] == 1
    curls = [row["curl"] for row in report["deviations"]]
    assert any("${IMUZE_TOKEN}" in curl for curl in curls), "no authenticated reproduction"
    assert len(tap.tokens) >= 2, "schemathesis's own login and the runner's"
    outputs = [result.stdout, result.stderr, md.read_text(), xml.read_text(), js.read_text()]
    secrets = set(tap.tokens) | _forms(PASSWORD)
    leaked = {secret for secret in secrets for output in outputs if secret in output}
    assert leaked == set()


# Shorter than MIN_SECRET_LENGTH (8): a password the run knows all the same.
SHORT_PASSWORDS = ['Ö" \\q7', "pw42x", "q7Zk"]


@pytest.mark.parametrize("password", [PASSWORD, *SHORT_PASSWORDS])
def test_a_json_escaped_password_becomes_its_variable(password: str) -> None:
    secrets = Secrets()
    secrets.name(password, "IMUZE_PASSWORD")
    for ensure_ascii in (True, False):
        body = json.dumps({"token": {"email": "a@b.c", "password": password}},
                          ensure_ascii=ensure_ascii).encode()  # fmt: skip
        step = Step.build("POST", "http://api.test/tokens", {}, body, secrets)
        assert step.body == '{"token": {"email": "a@b.c", "password": "${IMUZE_PASSWORD}"}}'
        assert not {form for form in _forms(password) if form in secrets.scrub(body.decode())}


@pytest.mark.parametrize("password", SHORT_PASSWORDS)
def test_a_short_known_password_is_scrubbed_from_free_text(password: str) -> None:
    secrets = Secrets([password])
    message = f"the server said: wrong password {password} (try {json.dumps(password)})"
    scrubbed = secrets.scrub(message)
    assert not {form for form in _forms(password) if form in scrubbed}, scrubbed
    assert scrubbed.startswith("the server said: wrong password [redacted]")


def _run_with_fake_curl(script: str, tmp_path: Path, env: dict[str, str]) -> tuple[list[str], str]:
    """Run `script` in bash with a `curl` that records each body it sends and answers a token;
    the bodies, and the token the script exported."""
    fake = (
        'curl() { while [ $# -gt 0 ]; do if [ "$1" = --data-binary ]; then '
        f"printf '%s\\n' \"$2\" >> {tmp_path}/bodies; fi; shift; done; "
        'echo \'{"response": "tok-1"}\'; }\n'
    )
    done = subprocess.run(
        ["bash", "-c", fake + script + '\necho "token=$IMUZE_TOKEN"'], env=env,
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    bodies = (tmp_path / "bodies").read_text(encoding="utf-8").splitlines()
    return bodies, done.stdout.split("token=")[-1].strip()


def test_the_login_line_sends_a_password_with_quotes_and_backslashes(tmp_path: Path) -> None:
    step = Step("GET", "http://api.test/api/4/songs", {"Authorization": "${IMUZE_TOKEN}"})
    script = reproduction([step], "http://api.test/api/4/tokens")
    env = {"PATH": "/usr/bin:/bin", "IMUZE_EMAIL": ODD.email, "IMUZE_PASSWORD": PASSWORD}
    bodies, token = _run_with_fake_curl(script, tmp_path, env)
    assert json.loads(bodies[0]) == {"token": {"email": ODD.email, "password": PASSWORD}}
    assert token == "tok-1"


def test_a_json_body_with_a_variable_is_sent_escaped(tmp_path: Path) -> None:
    body = '{"token": {"email": "${IMUZE_EMAIL}", "password": "${IMUZE_PASSWORD}"}}'
    step = Step("POST", "http://api.test/api/4/tokens", {}, body)
    env = {"PATH": "/usr/bin:/bin", "IMUZE_EMAIL": ODD.email, "IMUZE_PASSWORD": PASSWORD,
           "IMUZE_TOKEN": "set"}  # fmt: skip
    bodies, _ = _run_with_fake_curl(step.curl(), tmp_path, env)
    assert json.loads(bodies[0]) == {"token": {"email": ODD.email, "password": PASSWORD}}
