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


MORE_SPEC_FAILURES: dict[str, tuple[str, bytes, str]] = {
    "ref-loop": (
        "s.yaml",
        _spec_text(
            lambda d: d["components"]["schemas"].update(
                Song={"$ref": "#/components/schemas/Loop"},
                Loop={"$ref": "#/components/schemas/Song"},
            )
        ).encode(),
        "refers to itself",
    ),
    "json-nested-too-deeply": ("s.json", b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
}
MORE_ACCEPTED_FAILURES: dict[str, tuple[bytes | None, str]] = {
    "entry-not-a-mapping": (b"accepted: [1]\n", "is not a mapping"),
    "bad-fingerprint": (
        b"accepted: [{fingerprint: abc, reason: r, date: 2026-01-01}]\n",
        "16-hex-digit",
    ),
    "no-date": (b"accepted: [{fingerprint: 0123456789abcdef, reason: r}]\n", "needs a date"),
    "no-reason": (
        b"accepted: [{fingerprint: 0123456789abcdef, date: 2026-01-01}]\n",
        "needs a reason that says why, not an empty one",
    ),
    "placeholder": (
        b'accepted: [{fingerprint: 0123456789abcdef, reason: "say why", date: 2026-01-01}]\n',
        "needs a reason that says why, not a placeholder",
    ),
    "no-such-rule": (
        b"accepted: [{fingerprint: 0123456789abcdef, rule: nope, reason: r, date: 2026-01-01}]\n",
        "which is no rule",
    ),
}
SPEC_FAILURES.update(MORE_SPEC_FAILURES)
ACCEPTED_FAILURES.update(MORE_ACCEPTED_FAILURES)


@pytest.mark.parametrize("name", sorted(MORE_SPEC_FAILURES))
def test_more_malformed_specs_exit_2(tmp_path: Path, name: str) -> None:
    test_a_malformed_spec_exits_2_with_an_error_and_a_hint(tmp_path, name)


@pytest.mark.parametrize("name", sorted(MORE_ACCEPTED_FAILURES))
def test_more_malformed_acknowledgements_exit_2(tmp_path: Path, name: str) -> None:
    test_a_malformed_acknowledgements_file_exits_2(tmp_path, name)


def test_git_missing_exits_2() -> None:
    result = runner.invoke(
        app, ["diff", "HEAD:spec/openapi.yaml", str(SPEC), "--no-python"], env={"PATH": ""}
    )
    assert "cannot run git" in _one_error_and_a_hint(result)


def test_every_way_the_loader_fails_is_enumerated_here() -> None:
    """By construction: each `raise SpecLoadError(...)` of the loaders has a case above whose
    expected text is a literal part of its message."""
    import ast

    import imuze_ext.accepted
    import imuze_spec.accept
    import imuze_spec.load

    said = [says for _, _, says in SPEC_FAILURES.values()]
    said += [says for _, says in ACCEPTED_FAILURES.values()]
    said += ["cannot read", "is a folder", "from git", "cannot run git"]  # the tests above
    missing = []
    # The acknowledgements are read by the one reader of accepted-findings files: its errors
    # (and the messages `_unreadable` gives them) are the loader's too.
    errors = {"SpecLoadError", "AcceptedFileError"}
    for module in (imuze_spec.load, imuze_spec.accept, imuze_ext.accepted):
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            returned = isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple)
            if returned and module is imuze_ext.accepted:
                assert isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple)
                message = node.value.elts[0]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in errors:
                if not node.args or isinstance(node.args[0], ast.Starred | ast.Call):
                    continue  # *_unreadable(...) or str(exc): enumerated where they are made
                message = node.args[0]
            else:
                continue
            parts = [
                v.value
                for v in getattr(message, "values", [message])
                if isinstance(v, ast.Constant)
            ]
            literal = " ".join(str(p) for p in parts)
            fragments = [str(p).strip(" :(),") for p in parts if len(str(p).strip()) >= 8]
            if not any(says in literal or any(f in says for f in fragments) for says in said):
                missing.append(f"{module.__name__}:{node.lineno} {literal!r}")
    assert missing == []
