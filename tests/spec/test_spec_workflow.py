"""The maintainer's workflow end to end: a spec edit, the rendered report with its version
bump, `imuze-spec bump`, `imuze-spec rules`, the gate's one summary, acknowledgements that
cite a rule, and `imuze-spec generate` leaving generated/ alone when it fails.

The two realistic scenarios (the API moves from /api/4 to /api/5; the security scheme's
header is renamed) run both verdicts; the rest runs the wire verdict alone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from spec_edits import ROOT, SPEC, apply, real_spec
from typer.testing import CliRunner

import imuze_spec.regenerate
from imuze_cli.spec import app
from imuze_spec.bump import BumpError, next_version, read_version, write_version
from imuze_spec.regenerate import GenerationError

runner = CliRunner()
MOVED = [
    {"op": "replace", "path": "/servers/0/url", "value": "https://api.imuze.io/api/5"},
    {"op": "replace", "path": "/servers/1/url", "value": "http://127.0.0.1:8000/api/5"},
]
RENAMED_HEADER = [
    {"op": "replace", "path": "/components/securitySchemes/ApiKey/name", "value": "X-Api-Key"}
]
ADDED = [
    {"op": "add", "path": "/components/schemas/Song/properties/genre", "value": {"type": "string"}}
]
BREAKING = [
    {
        "op": "add",
        "path": "/components/schemas/SongCreate/properties/genre",
        "value": {"type": "string"},
    },
    {"op": "add", "path": "/components/schemas/SongCreate/required/-", "value": "genre"},
]


def write(tmp_path: Path, edits: list[dict[str, object]], name: str = "openapi.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(apply(real_spec(), edits), sort_keys=False), encoding="utf-8")
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_moving_the_base_path_is_reported_in_one_screen_as_a_major_change(tmp_path: Path) -> None:
    code, out, _ = invoke("diff", str(SPEC), str(write(tmp_path, MOVED)), "--bump")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].endswith(": 2 ERR, 0 WARN, 0 INFO (wire 2)")  # no Python change
    assert out.count("ERR  wire   server-url-changed: server ") == 2
    assert "base path /api/4 -> /api/5: every call now goes to another place" in out
    assert lines[-1] == "bump: major: 2 ERR (wire server-url-changed x2)"
    # what breaks in our own code: the default base URL and the mock's route prefix
    assert "imuze_ext/_config.py:" in lines[4] and "imuze_mock/dialects.py:" in lines[4]
    assert len(lines) <= 24  # one screen


def test_renaming_the_scheme_header_breaks_every_authenticated_call(tmp_path: Path) -> None:
    new = write(tmp_path, RENAMED_HEADER)
    code, out, _ = invoke("diff", str(SPEC), str(new), "--bump", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert (report["bump"], report["reason"]) == (
        "major",
        "major: 1 ERR (wire security-scheme-name-changed)",
    )
    (finding,) = report["findings"]
    assert (finding["level"], finding["id"]) == ("ERR", "security-scheme-name-changed")
    assert finding["location"] == "#/components/securitySchemes/ApiKey/name"
    assert "'Authorization' -> 'X-Api-Key'" in finding["message"]
    assert any(place.startswith("imuze_ext/_auth.py:") for place in finding["used_by"])
    assert set(finding) == {
        "id",
        "level",
        "side",
        "operation",
        "operations",
        "location",
        "message",
        "fingerprint",
        "used_by",
    }
    code, out, _ = invoke("diff", str(SPEC), str(new), "--fail-on", "ERR")
    assert code == 1 and "security-scheme-name-changed" in out


def test_bump_writes_the_version_the_change_calls_for(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    shutil.copy(ROOT / "pyproject.toml", pyproject)
    literal = tmp_path / "imuze_ext" / "_version.py"  # the dynamic version hatch reads
    literal.parent.mkdir()
    shutil.copy(ROOT / "imuze_ext" / "_version.py", literal)
    current = read_version(pyproject)
    before = pyproject.read_text(encoding="utf-8")
    code, out, err = invoke(
        "bump", str(SPEC), str(write(tmp_path, ADDED)), "--pyproject", str(pyproject), "--no-python"
    )
    assert code == 0, err
    assert read_version(pyproject) == next_version(current, "minor")
    assert literal.read_text(encoding="utf-8") == (ROOT / "imuze_ext" / "_version.py").read_text(
        encoding="utf-8"
    ).replace(f'"{current}"', f'"{next_version(current, "minor")}"')  # nothing else changed
    assert pyproject.read_text(encoding="utf-8") == before
    assert f"version {current} -> {next_version(current, 'minor')} (minor: 1 addition(s)" in out
    code, _, err = invoke("bump", str(SPEC), str(SPEC), "--pyproject", str(tmp_path / "none"))
    assert code == 2 and err.count("\n") == 2  # an error: and a hint: line
    assert err.startswith("error: ") and err.splitlines()[1] == "hint: see 'imuze-spec bump --help'"


def test_versions_bump_by_semver() -> None:
    assert [next_version("1.4.2", p) for p in ("major", "minor", "patch")] == [
        "2.0.0",
        "1.5.0",
        "1.4.3",
    ]
    with pytest.raises(BumpError):
        next_version("1.4", "patch")


def test_a_documentation_edit_is_a_patch(tmp_path: Path) -> None:
    edit = [{"op": "replace", "path": "/info/description", "value": "Songs."}]
    code, out, _ = invoke("diff", str(SPEC), str(write(tmp_path, edit)), "--bump", "--no-python")
    assert code == 0
    assert "INFO wire   documentation-changed: info description edited" in out
    assert out.rstrip().endswith("bump: patch: no breaking change and no addition")


def test_a_dynamic_version_is_refused(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndynamic = ["version"]\n', encoding="utf-8")
    with pytest.raises(BumpError, match="dynamic"):
        from imuze_spec.bump import read_version

        read_version(pyproject)
    pyproject.write_text(
        '[tool.x]\nversion = "1"\n[project]\nversion = "0.1.0"  # v\n', encoding="utf-8"
    )
    write_version(pyproject, "0.2.0")
    assert pyproject.read_text(encoding="utf-8").endswith('version = "0.2.0"  # v\n')
    assert 'version = "1"' in pyproject.read_text(encoding="utf-8")


def test_rules_lists_the_table_in_text_and_json() -> None:
    code, out, _ = invoke("rules")
    assert code == 0
    assert "ERR  wire   request  request-constraint-tightened" in out
    assert "judges: " in out and "schema.multipleOf" in out
    code, out, _ = invoke("rules", "--format", "json")
    listed = {row["id"]: row for row in json.loads(out)}
    assert listed["server-url-changed"]["direction"] == "document"
    assert listed["python-success-status-dropped"]["side"] == "python"


def check(spec: Path, accepted: Path) -> tuple[int, str, str]:
    return invoke(
        "check", str(spec), "--baseline", str(SPEC), "--accepted", str(accepted), "--no-python"
    )


def test_the_gate_prints_one_summary_saying_what_it_counts(tmp_path: Path) -> None:
    spec = write(tmp_path, [*BREAKING, *ADDED])
    accepted = tmp_path / "accepted.yaml"
    code, out, _ = check(spec, accepted)
    assert code == 1
    assert out.count("unacknowledged") == 1 and "imuze-spec diff" not in out
    assert out.splitlines()[0].endswith(
        ": 1 unacknowledged breaking change(s) (ERR findings not in the acknowledgements), "
        "0 acknowledged, 0 stale acknowledgement(s); not gated: 0 ERR, 0 WARN, 1 INFO (wire 1)"
    )
    assert "    rule: request-property-added-required" in out


def test_an_acknowledgement_citing_another_rule_acknowledges_nothing(tmp_path: Path) -> None:
    spec, accepted = write(tmp_path, BREAKING), tmp_path / "accepted.yaml"
    _, out, _ = check(spec, accepted)
    entry = out[out.index("accepted:\n") :].replace("WHY THIS BREAK IS ACCEPTED", "needed")
    accepted.write_text(entry, encoding="utf-8")
    assert check(spec, accepted)[0] == 0
    accepted.write_text(
        entry.replace(
            "rule: request-property-added-required", "rule: request-constraint-tightened"
        ),
        encoding="utf-8",
    )
    code, out, _ = check(spec, accepted)
    assert code == 1 and "STALE acknowledgement" in out
    accepted.write_text(
        entry.replace("rule: request-property-added-required", "rule: nope"), encoding="utf-8"
    )
    code, _, err = check(spec, accepted)
    assert code == 2 and "no rule of `imuze-spec rules`" in err


def test_a_failed_generation_leaves_generated_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    into = tmp_path / "generated"
    (into / "imuze_client").mkdir(parents=True)
    (into / "imuze_client" / "__init__.py").write_text("old = 1\n", encoding="utf-8")

    def fail(specs: list[Path], roots: list[Path]) -> list[Path]:
        (roots[0] / "imuze_client").mkdir()
        (roots[0] / "imuze_client" / "half.py").write_text("", encoding="utf-8")
        raise GenerationError("cannot generate the client from x: GET /songs: status code 200")

    monkeypatch.setattr(imuze_spec.regenerate, "generate_clients", fail)
    code, out, err = invoke("generate", str(SPEC), "--into", str(into))
    assert (code, out) == (2, "")
    assert err == (
        "error: cannot generate the client from x: GET /songs: status code 200\n"
        "hint: see 'imuze-spec generate --help'\n"
    )
    assert [p.name for p in into.rglob("*")] == ["imuze_client", "__init__.py"]

    def succeed(specs: list[Path], roots: list[Path]) -> list[Path]:
        (roots[0] / "imuze_client").mkdir()
        (roots[0] / "imuze_client" / "__init__.py").write_text("new = 1\n", encoding="utf-8")
        return [roots[0] / "imuze_client"]

    monkeypatch.setattr(imuze_spec.regenerate, "generate_clients", succeed)
    code, out, _ = invoke("generate", str(SPEC), "--into", str(into))
    assert code == 0 and out.startswith(f"{into / 'imuze_client'} from {SPEC} in ")
    assert (into / "imuze_client" / "__init__.py").read_text(encoding="utf-8") == "new = 1\n"
    assert sorted(p.name for p in into.iterdir()) == ["imuze_client"]


def test_old_urls_and_header_names_are_found_as_literals_not_in_docstrings(tmp_path: Path) -> None:
    from imuze_spec._wire_uses import with_uses
    from imuze_spec.load import Spec
    from imuze_spec.wire import wire_findings

    user = tmp_path / "user"
    user.mkdir()
    (user / "config.py").write_text(
        '"""Talks to https://api.imuze.io/api/4 by default."""\n'
        'BASE = "https://api.imuze.io/api/4"\n'
        'PREFIX = "/api/4"\n'
        'OTHER = "/api/40"\n'
        'ROUTE = r"^/api/4/songs$"\n'
        'HEADERS = {"authorization": "x"}\n',
        encoding="utf-8",
    )
    old, new = Spec("old", real_spec()), Spec("new", apply(real_spec(), [*MOVED, *RENAMED_HEADER]))
    found = {f.location: f.used_by for f in with_uses(old, wire_findings(old, new), [user])}
    assert found["#/servers/0/url"] == ("user/config.py:2", "user/config.py:3", "user/config.py:5")
    assert found["#/components/securitySchemes/ApiKey/name"] == ("user/config.py:6",)
