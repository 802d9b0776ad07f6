"""Malformed inputs exit 2 with one `error:` line and a `hint:` line; exit 1 is kept for a
finding that reaches --fail-on. The loader's failure modes, enumerated: encodings, YAML and
JSON edges, a folder where a file belongs, a missing git ref, an impossible date."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from spec_edits import SPEC, real_spec
from typer.testing import CliRunner

from imuze_cli.spec import app

runner = CliRunner()
GOOD = SPEC.read_text(encoding="utf-8")


def _spec_text(edit: Callable[[dict], None]) -> str:  # type: ignore[type-arg]
    doc = real_spec()
    edit(doc)
    return yaml.safe_dump(doc, sort_keys=False)


# name -> (file name, bytes, what the error says)
SPEC_FAILURES: dict[str, tuple[str, bytes, str]] = {
    "latin-1": ("s.yaml", GOOD.replace("iMuze API", "iMuzé API").encode("latin-1"), "not UTF-8"),
    "utf-16": ("s.yaml", GOOD.encode("utf-16"), "not UTF-8"),
    "invalid-yaml": ("s.yaml", b"openapi: 3.1.0\npaths: {\n", "line"),
    "tab-indented-yaml": ("s.yaml", b"openapi: 3.1.0\npaths:\n\t/x: {}\n", "line"),
    "two-yaml-documents": ("s.yaml", b"openapi: 3.1.0\n---\nopenapi: 3.1.0\n", "line"),
    "recursive-alias": ("s.yaml", b"openapi: 3.1.0\npaths: {}\nx: &a [*a]\n", "contains itself"),
    "impossible-date": (
        "s.yaml",
        b"openapi: 3.1.0\npaths: {}\nx: 2026-02-30\n",
        "cannot represent",
    ),
    "invalid-json": ("s.json", b'{"openapi": "3.1.0", "paths": {}', "invalid JSON"),
    "json-trailing-comma": ("s.json", b'{"openapi": "3.1.0", "paths": {},}', "invalid JSON"),
    "empty": ("s.yaml", b"", "not an OpenAPI document"),
    "a-list": ("s.yaml", b"- openapi\n", "not an OpenAPI document"),
    "a-scalar": ("s.json", b"42", "not an OpenAPI document"),
    "paths-not-a-mapping": ("s.yaml", b"openapi: 3.1.0\npaths: [1]\n", "'paths' is not a mapping"),
    "dangling-ref": (
        "s.yaml",
        _spec_text(
            lambda d: d["components"]["schemas"]["Song"].update({"$ref": "#/nope"})
        ).encode(),
        "names nothing",
    ),
    "remote-ref": (
        "s.yaml",
        _spec_text(
            lambda d: d["components"]["schemas"].update(X={"$ref": "other.yaml#/X"})
        ).encode(),
        "only local",
    ),
    "list-where-a-schema-belongs": (
        "s.yaml",
        _spec_text(lambda d: d["components"]["schemas"]["Song"].update(properties=[1])).encode(),
        "not a valid OpenAPI document",
    ),
}


def _one_error_and_a_hint(result: object) -> str:
    code, err = result.exit_code, result.stderr  # type: ignore[attr-defined]
    lines = err.strip("\n").splitlines()
    assert code == 2, (code, result.stdout, err)  # type: ignore[attr-defined]
    assert len(lines) == 2 and lines[0].startswith("error: ") and lines[1].startswith("hint: "), err
    return str(lines[0])


@pytest.mark.parametrize("name", sorted(SPEC_FAILURES))
def test_a_malformed_spec_exits_2_with_an_error_and_a_hint(tmp_path: Path, name: str) -> None:
    filename, data, says = SPEC_FAILURES[name]
    bad = tmp_path / filename
    bad.write_bytes(data)
    for args in ([str(SPEC), str(bad)], [str(bad), str(SPEC)]):
        error = _one_error_and_a_hint(runner.invoke(app, ["diff", *args, "--no-python"]))
        assert says in error, error


@pytest.mark.parametrize(
    ("name", "source", "says"),
    [
        ("missing-file", "no/such.yaml", "cannot read"),
        ("a-folder", "spec", "is a folder"),
        ("missing-git-ref", "no-such-ref:spec/openapi.yaml", "from git"),
        ("missing-path-at-a-ref", "HEAD:spec/nothing.yaml", "from git"),
    ],
)
def test_a_spec_that_cannot_be_read_exits_2(name: str, source: str, says: str) -> None:
    error = _one_error_and_a_hint(runner.invoke(app, ["diff", source, str(SPEC), "--no-python"]))
    assert says in error, error


def test_json_loads_with_a_json_parser_escaped_surrogate_pairs_included(tmp_path: Path) -> None:
    doc = real_spec()
    doc["info"]["title"] = "iMuze API 🎵"  # json.dump writes it as \\ud83c\\udfb5
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert "\\ud83c\\udfb5" in path.read_text(encoding="utf-8")
    result = runner.invoke(app, ["diff", str(SPEC), str(path), "--no-python", "--fail-on", "WARN"])
    assert result.exit_code == 0, result.stderr
    assert "title edited" in result.stdout


ACCEPTED_FAILURES: dict[str, tuple[bytes | None, str]] = {
    "a-folder": (None, "is a folder"),
    "impossible-date": (
        b"accepted:\n- {fingerprint: 0123456789abcdef, reason: r, date: 2026-02-30}\n",
        "impossible",
    ),
    "latin-1": ("accepted: []  # café\n".encode("latin-1"), "not UTF-8"),
    "a-list": (b"- 1\n", "not a mapping"),
    "invalid-yaml": (b"accepted: [\n", "invalid YAML"),
    "not-a-list": (b"accepted: {}\n", "must be a list"),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED_FAILURES))
def test_a_malformed_acknowledgements_file_exits_2(tmp_path: Path, name: str) -> None:
    data, says = ACCEPTED_FAILURES[name]
    accepted = tmp_path / "accepted.yaml"
    if data is None:
        accepted.mkdir()
    else:
        accepted.write_bytes(data)
    args = ["check", str(SPEC), "--baseline", str(SPEC), "--accepted", str(accepted), "--no-python"]
    error = _one_error_and_a_hint(runner.invoke(app, args))
    assert says in error, error
