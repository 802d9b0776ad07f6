"""Canaries by construction: no credential reaches anything the product writes.

A distinct canary stands in every credential slot (each user's API key, email and
password, every token the mock issues, a URL's user info, a presigned query string), with
ASCII, non-ASCII, quotes, backslashes and spaces where the slot allows them. Every product
path that writes something runs on the mock: the client's errors, reprs and DEBUG logs;
every `imuze` command (walked from the CLI's own tree), human and --json, success and
failure; `imuze contract` with every report format, a baseline, a proposed overlay, and
`imuze contract replay`. Every byte is scanned for each canary in every encoding it could
take; one hit fails, naming the artifact, the canary and the encoding.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import itertools
import json
import logging
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

import imuze_mock
from imuze import AsyncImuze, Imuze
from imuze_cli.app import app as cli_app
from imuze_ext import RedactSecretsFilter

sys.path.insert(0, str(Path(__file__).parent / "contract"))
from contract_helpers import serving

# Header slots (keys, tokens) take ASCII only; the others take anything.
CANARIES = {
    "api key": 'kQ7v"Zr\\ Wm3xJp-akey',
    "email": "cnry.mQ4tLw9e@imuze.test",
    "password": 'pÄ8x"Rw\\ üTq5Kz-pass',
    "other api key": 'kH2n"Yb\\ Fs6wLd-okey',
    "other email": "cnry.oV7dXk2u@imuze.test",
    # Shorter than MIN_SECRET_LENGTH: a password the run knows all the same.
    "other password": 'Ö" \\q7',
    "token": 'tX5q"Jd\\ Bn8rWk-tokn',
    "url user info": 'uÜ6y"Kh\\ Pz4sCf-uinf',
    "presigned signature": 'sG9w"Lf\\ Ät2bNm-sign',
}
# Who is who is printed by design ("logged in as ..."): the emails are identities, not
# secrets; they are planted (the logins need them) and not scanned for.
SECRET_SLOTS = [slot for slot in CANARIES if "email" not in slot]
MIN_BASE64_FORM = 6
"""A shorter base64 form (the middle of a short canary's encoding) is a common string."""


def _base64_forms(data: bytes) -> dict[str, bytes]:
    """The base64 text that appears whatever surrounds `data`, at each of the 3 alignments."""
    forms: dict[str, bytes] = {}
    for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
        for shift in range(3):
            text = encode(b"\0" * shift + data)
            form = text[4 if shift else 0 : -4]
            if len(form) >= MIN_BASE64_FORM:
                forms[f"{name} (alignment {shift})"] = form
    return forms


def encodings(canary: str) -> dict[str, bytes]:
    """Every form a canary could take in an artifact, by the name of its encoding."""
    raw = canary.encode()
    forms = {
        "raw": raw,
        "JSON-escaped (ensure_ascii)": json.dumps(canary)[1:-1].encode(),
        "JSON-escaped (utf-8)": json.dumps(canary, ensure_ascii=False)[1:-1].encode(),
        "URL-encoded (quote)": urllib.parse.quote(canary, safe="").encode(),
        "URL-encoded (quote, / safe)": urllib.parse.quote(canary).encode(),
        "URL-encoded (quote_plus)": urllib.parse.quote_plus(canary).encode(),
        **_base64_forms(raw),
    }
    for start in range(len(canary) - 7):
        forms[f"fragment {canary[start : start + 8]!r}"] = canary[start : start + 8].encode()
    return forms


def scan(artifacts: dict[str, bytes], slots: list[str]) -> list[str]:
    """Every hit: (artifact, canary slot, encoding)."""
    hits = []
    for slot in slots:
        for encoding, form in encodings(CANARIES[slot]).items():
            hits += [
                f"{artifact}: the {slot} canary, {encoding}"
                for artifact, data in artifacts.items()
                if form and form in data
            ]
    return hits


def _presigned_query() -> str:
    """The query string a presigned media URL carries, its signature the canary."""
    signature = urllib.parse.quote(CANARIES["presigned signature"], safe="")
    return f"X-Amz-Credential=AKIA%2Fx&X-Amz-Signature={signature}"


@pytest.fixture(autouse=True, scope="module")
def _logging_left_as_found() -> Iterator[None]:
    """The commands run here with IMUZE_LOG=debug, which (as in a real process) turns the
    client's logger on for good: put it back, so that later tests meet it as they expect."""
    ours = logging.getLogger("imuze_ext")
    level, handlers = ours.level, list(ours.handlers)
    yield
    ours.setLevel(level)
    ours.handlers[:] = handlers


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    """The mock (rails dialect: deviations to report), two canary users, canary tokens,
    presigned media URLs; its base URL."""
    accounts = (
        imuze_mock.Account(CANARIES["email"], CANARIES["password"], CANARIES["api key"]),
        imuze_mock.Account(
            CANARIES["other email"], CANARIES["other password"], CANARIES["other api key"]
        ),
    )
    issued = itertools.count(1)
    config = imuze_mock.MockConfig(
        render_delay=0.05, render_workers=1, max_queue=1_000_000, dialect="rails",
        accounts=accounts, media_query=_presigned_query(),
        issue_token=lambda: f"{CANARIES['token']}{next(issued):04d}",
    )  # fmt: skip
    with serving(imuze_mock.create_app(config)) as base_url:
        yield base_url


def _user_info_url(base_url: str) -> str:
    password = urllib.parse.quote(CANARIES["url user info"], safe="")
    return base_url.replace("http://", f"http://deploy:{password}@")


@contextlib.contextmanager
def _logs() -> Iterator[list[str]]:
    """Every record at DEBUG: the client's own (unfiltered), and its dependencies' through
    the filter the README tells users to install."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    own, deps = Keep(logging.DEBUG), Keep(logging.DEBUG)
    deps.addFilter(RedactSecretsFilter())
    ours = logging.getLogger("imuze_ext")
    ours.addHandler(own)
    ours.propagate, old = False, ours.propagate
    root = logging.getLogger()
    root.addHandler(deps)
    levels = [(lg, lg.level) for lg in (root, ours)]
    for lg, _ in levels:
        lg.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        for lg, level in levels:
            lg.setLevel(level)
        root.removeHandler(deps)
        ours.removeHandler(own)
        ours.propagate = old


def _client_artifacts(base_url: str, tmp: Path) -> dict[str, bytes]:
    """Run the client's paths (successes and failures); what they wrote, by name."""
    out: dict[str, str] = {}
    with _logs() as lines:
        with Imuze(email=CANARIES["email"], password=CANARIES["password"], base_url=base_url) as c:
            out["client repr"] = repr(c) + repr(getattr(c, "__dict__", {}))
            c.arrangements.list()
            song = c.songs.create(title="canary", desired_length=5)
            ready = c.songs.wait(song.id, timeout=20)
            out["song repr"] = repr(song) + repr(ready) + repr(c.songs.get(ready.id))
            out["song list repr"] = repr(c.songs.list())
            c.songs.download(ready, tmp)
            out["raw response repr"] = repr(c.with_raw_response.songs.get(ready.id))
            out |= _failure("not found", lambda: c.songs.get(999_999))
        with Imuze(api_key=CANARIES["other api key"], base_url=base_url) as c:
            out["key client repr"] = repr(c)
            out |= _failure("other user's song", lambda: c.songs.get(ready.id))
        for name, kwargs in {
            "wrong password": {"email": CANARIES["email"], "password": CANARIES["other password"]},
            "wrong key": {"api_key": CANARIES["token"]},
            "user info": {"api_key": CANARIES["api key"], "base_url": _user_info_url(base_url)},
            "bad scheme": {
                "api_key": CANARIES["api key"],
                "base_url": "ftp" + _user_info_url(base_url)[4:],
            },
        }.items():
            out |= _failure(name, lambda kw=kwargs: _list(base_url, kw))  # type: ignore[misc]
        out["async song list repr"] = _alist(base_url, CANARIES["other password"])
        out |= _failure("async wrong password", lambda: _alist(base_url, CANARIES["password"]))
    out["DEBUG logs"] = "\n".join(lines)
    return {f"client: {k}": v.encode() for k, v in out.items()}


def _list(base_url: str, kwargs: dict[str, str]) -> None:
    with Imuze(**{"base_url": base_url, **kwargs}, max_retries=0) as client:  # type: ignore[arg-type]
        client.songs.list()


def _alist(base_url: str, password: str) -> str:
    """The other user's songs through the async client, as a repr."""

    async def run() -> str:
        async with AsyncImuze(
            email=CANARIES["other email"], password=password, base_url=base_url
        ) as client:
            return repr(await client.songs.list())

    return asyncio.run(run())


def _failure(name: str, call: Any) -> dict[str, str]:
    try:
        call()
    except Exception as exc:
        return {f"{name} error": f"{exc}\n{exc!r}\n{exc.args!r}"}
    return {f"{name} (no error)": ""}


def cli_commands() -> list[str]:
    """Every `imuze` command path, from the CLI's own tree."""
    group = typer.main.get_command(cli_app)

    def walk(command: Any, path: str) -> Iterator[str]:
        if not hasattr(command, "list_commands"):  # a command, not a group
            yield path
            return
        if path and command.invoke_without_command:
            yield path
        context = type(command).context_class(command)
        for name in command.list_commands(context):
            yield from walk(command.get_command(context, name), f"{path} {name}".strip())

    return sorted(walk(group, ""))


def _cli_cases(tmp: Path, song: int) -> dict[str, list[str]]:
    """One invocation per command (its arguments); failures come from the environment."""
    return {
        "login": ["login"],
        "compose": ["compose", "--title", "canary", "--length", "5", "--out", str(tmp)],
        "play": ["play", "999999"],
        "arrangements list": ["arrangements", "list"],
        "arrangements show": ["arrangements", "show", "1"],
        "songs list": ["songs", "list"],
        "songs show": ["songs", "show", str(song)],
        "songs create": ["songs", "create", "--title", "canary", "--length", "5"],
        "songs wait": ["songs", "wait", str(song), "--timeout", "20"],
        "songs download": ["songs", "download", str(song), "--out", str(tmp)],
    }


def _env(base_url: str, **extra: str | None) -> dict[str, str | None]:
    return {
        "IMUZE_BASE_URL": base_url, "IMUZE_API_KEY": None, "IMUZE_LOG": "debug",
        "IMUZE_EMAIL": CANARIES["email"], "IMUZE_PASSWORD": CANARIES["password"],
        "IMUZE_OTHER_EMAIL": CANARIES["other email"],
        "IMUZE_OTHER_PASSWORD": CANARIES["other password"], "IMUZE_OTHER_API_KEY": None,
        "IMUZE_TOKEN": None, "IMUZE_OTHER_TOKEN": None,
        "CI": None, "SEED": None, "COLUMNS": "100", "XDG_CACHE_HOME": None, **extra,
    }  # fmt: skip


def _invoke(name: str, args: list[str], env: dict[str, str | None]) -> dict[str, bytes]:
    result = CliRunner(env=env).invoke(cli_app, args)
    return {
        f"{name} stdout": result.stdout_bytes,
        f"{name} stderr": result.stderr_bytes,
        f"{name} exception": repr(result.exception).encode(),
    }


def _cli_artifacts(base_url: str, tmp: Path, song: int) -> dict[str, bytes]:
    """Every command, human and --json, with good credentials, a wrong password, a wrong
    key, and a base URL with user info (valid, then with a bad scheme)."""
    user_info = _user_info_url(base_url)
    envs = {
        "ok": _env(base_url, XDG_CACHE_HOME=str(tmp / "cache")),
        "wrong password": _env(base_url, IMUZE_PASSWORD=CANARIES["other password"]),
        "wrong key": _env(base_url, IMUZE_API_KEY=CANARIES["token"]),
        "user info": _env(user_info, IMUZE_API_KEY=CANARIES["api key"]),
        "bad scheme": _env("ftp" + user_info[4:], IMUZE_API_KEY=CANARIES["api key"]),
    }
    out: dict[str, bytes] = {}
    for args in _cli_cases(tmp, song).values():
        for env_name, env in envs.items():
            for flags in ([], ["--json"]):
                name = f"imuze {' '.join(args + flags)} [{env_name}]"
                out |= _invoke(name, [*args, *flags], env)
    return out


CONTRACT_OUTPUTS = {
    "--report-md": "md", "--junit": "xml", "--report-json": "json", "--baseline": "baseline",
    "--propose": "overlay",
}  # fmt: skip
"""Every file `imuze contract` writes, by its option (and the file's suffix here)."""
CONTRACT_INPUTS = {
    "--budget", "--max-examples", "--rate-limit", "--seed", "--spec", "--base-url", "--email",
    "--deadline", "--min-coverage",
}  # fmt: skip
"""Its options that take a value and write nothing."""


def _contract_artifacts(base_url: str, tmp: Path) -> dict[str, bytes]:
    """One `imuze contract` run: every report format, --json, a baseline, an overlay."""
    paths = {option: tmp / f"contract.{suffix}" for option, suffix in CONTRACT_OUTPUTS.items()}
    args = [
        "contract", "--max-examples", "1", "--seed", "20261206", "--rate-limit", "1000/s",
        *(part for option, path in paths.items() for part in (option, str(path))),
        "--baseline-update", "--json",
    ]  # fmt: skip
    out = _invoke("imuze contract", args, _env(base_url))
    for option, path in paths.items():
        out[f"imuze contract {option} file"] = path.read_bytes() if path.exists() else b""
    return out


def _rendered_as_new(report_json: bytes) -> dict[str, bytes]:
    """The run's accepted deviations rendered again as new ones (their reproductions in
    full), by every renderer, with no scrubbing at the end: what a report holds is clean."""
    from imuze_cli.contract_terminal import render_terminal
    from imuze_contract.junit import render_junit
    from imuze_contract.markdown import render_markdown
    from imuze_contract.report import Report

    report = Report.from_dict(json.loads(report_json))
    report.deviations = [item.deviation for item in report.accepted] + report.deviations
    report.accepted = []
    assert report.deviations, "the run found nothing to report"
    console = Console(file=io.StringIO(), width=200, record=True)
    render_terminal(report, console)
    return {
        "as new: Markdown": render_markdown(report).encode(),
        "as new: JUnit": render_junit(report).encode(),
        "as new: JSON": json.dumps(report.to_dict(), indent=2).encode(),
        "as new: terminal": console.export_text().encode(),
    }


def _replays(report_path: Path, base_url: str) -> dict[str, bytes]:
    """`imuze contract replay` of every row that sends a credential, human and --json."""
    rows = json.loads(report_path.read_text(encoding="utf-8"))
    rows = rows["deviations"] + rows["accepted"]
    out: dict[str, bytes] = {}
    for number, row in enumerate(rows, 1):
        if "${" not in json.dumps(row.get("steps", [])):
            continue
        replay = ["contract", "replay", str(number), "--report", str(report_path)]
        flags = ["--json"] if number % 2 else []  # each form, on alternate rows
        out |= _invoke(f"imuze {' '.join(replay + flags)}", [*replay, *flags], _env(base_url))
    assert out, "no row sends a credential: the replay runs nothing worth scanning"
    return out


@pytest.fixture(scope="module")
def ready_song(api: str) -> int:
    """A ready song of the first user, for the commands that show, wait and download."""
    with Imuze(email=CANARIES["email"], password=CANARIES["password"], base_url=api) as client:
        created = client.songs.create(title="canary", desired_length=5)
        song = client.songs.wait(created.id, timeout=20)
        signature = urllib.parse.quote(CANARIES["presigned signature"], safe="")
        assert song.mp3_url and signature in song.mp3_url, "the mock signs no media URL"
        return song.id


def _assert_clean(artifacts: dict[str, bytes]) -> None:
    hits = scan(artifacts, SECRET_SLOTS)
    assert not hits, f"{len(hits)} hit(s):\n" + "\n".join(sorted(set(hits)))


def test_every_command_has_a_case(tmp_path: Path) -> None:
    """A new command fails here until the canary run invokes it."""
    covered = {*_cli_cases(tmp_path, 1), "contract", "contract replay"}
    assert set(cli_commands()) == covered


def test_every_contract_output_is_written() -> None:
    """A new option of `imuze contract` fails here until it is named an input or an output
    (then the canary run writes it)."""
    group: Any = typer.main.get_command(cli_app)
    contract: Any = group.get_command(type(group).context_class(group), "contract")
    options = {
        option
        for param in contract.params
        if not getattr(param, "is_flag", False) and param.param_type_name == "option"
        for option in param.opts
        if option.startswith("--")
    }
    assert options == CONTRACT_INPUTS | set(CONTRACT_OUTPUTS)


def test_the_scan_finds_each_encoding() -> None:
    """The scanner is not blind: each encoding of a canary, embedded, is a hit."""
    for slot in SECRET_SLOTS:
        for encoding, form in encodings(CANARIES[slot]).items():
            hits = scan({"probe": b"before " + form + b" after"}, [slot])
            assert any(encoding in hit for hit in hits), (slot, encoding)
        embedded = base64.b64encode(b"Authorization: " + CANARIES[slot].encode() + b"!")
        assert scan({"b64": embedded}, [slot]), slot


def test_the_mock_issues_canary_tokens(api: str) -> None:
    answer = httpx.post(
        f"{api}/tokens",
        json={"token": {"email": CANARIES["email"], "password": CANARIES["password"]}},
    )
    assert answer.json()["response"].startswith(CANARIES["token"])


SHOWN_SIGNED = b"X-Amz-Signature=[redacted]"
"""How a presigned media URL is shown: the path kept, the signature the marker."""


def test_the_client_writes_no_canary(api: str, tmp_path: Path) -> None:
    artifacts = _client_artifacts(api, tmp_path)
    _assert_clean(artifacts)
    assert SHOWN_SIGNED in artifacts["client: song repr"]


def test_the_cli_writes_no_canary(api: str, ready_song: int, tmp_path: Path) -> None:
    artifacts = _cli_artifacts(api, tmp_path, ready_song)
    _assert_clean(artifacts)
    shown = [name for name, data in artifacts.items() if SHOWN_SIGNED in data]
    assert any("songs show" in name for name in shown), "no command showed a signed URL"


def test_imuze_contract_writes_no_canary(api: str, ready_song: int, tmp_path: Path) -> None:
    artifacts = _contract_artifacts(api, tmp_path)
    report = artifacts["imuze contract --report-json file"]
    steps = json.dumps([row.get("steps") for row in json.loads(report)["accepted"]])
    assert "${IMUZE_TOKEN}" in steps and "${IMUZE_OTHER_TOKEN}" in steps, "no user's request"
    artifacts |= _rendered_as_new(report)
    artifacts |= _replays(tmp_path / "contract.json", api)
    _assert_clean(artifacts)
