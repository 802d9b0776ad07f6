"""One reader for accepted-findings files (imuze_ext/accepted.py): the contract baseline and the
spec acknowledgements refuse the same malformed files with the same words, each a line naming
the file (and entry) with a hint; placeholder reasons fail both, unless the baseline is being
updated (its own placeholder, written by --baseline-update, is then expected)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from imuze_contract.baseline import UPDATE_REASON, BaselineError
from imuze_contract.baseline import load as load_baseline
from imuze_contract.report import fingerprint_of
from imuze_ext.accepted import AcceptedFileError, is_placeholder, read_accepted
from imuze_spec import accept
from imuze_spec.load import SpecLoadError

FP = "0123456789abcdef"
# Every way the shared reader refuses a file, and the words it says it with.
MALFORMED: dict[str, tuple[bytes | None, str]] = {
    "a-folder": (None, "is a folder"),
    "not-utf-8": ("accepted: []  # café\n".encode("latin-1"), "is not UTF-8"),
    "invalid-yaml": (b"accepted: [\n", "invalid YAML"),
    "impossible-date": (
        f"accepted: [{{fingerprint: {FP}, reason: r, date: 2026-02-30}}]\n".encode(),
        "an impossible value",
    ),
    "not-a-mapping": (b"- 1\n", "not a mapping with an 'accepted' list"),
    "not-a-list": (b"accepted: {}\n", "'accepted' must be a list"),
    "entry-not-a-mapping": (b"accepted: [1]\n", "entry 1 is not a mapping"),
    "bad-fingerprint": (b"accepted: [{fingerprint: abc}]\n", "needs a 16-hex-digit fingerprint"),
    "no-reason": (f"accepted: [{{fingerprint: {FP}}}]\n".encode(), "not an empty one"),
    "placeholder": (
        f'accepted: [{{fingerprint: {FP}, reason: "say why"}}]\n'.encode(),
        "not a placeholder: it still reads 'say why'",
    ),
    "no-date": (f"accepted: [{{fingerprint: {FP}, reason: r}}]\n".encode(), "needs a date"),
    "a-date-that-is-no-date": (
        f"accepted: [{{fingerprint: {FP}, reason: r, date: soon}}]\n".encode(),
        "needs a date",
    ),
}


def _write(tmp_path: Path, data: bytes | None) -> Path:
    path = tmp_path / "accepted.yaml"
    if data is None:
        path.mkdir()
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_both_readers_refuse_a_malformed_file_in_the_same_words(tmp_path: Path, name: str) -> None:
    data, says = MALFORMED[name]
    path = _write(tmp_path, data)
    with pytest.raises(AcceptedFileError) as shared:
        read_accepted(path, "file", "finding")
    assert says in str(shared.value) and shared.value.hint, shared.value
    with pytest.raises(SpecLoadError) as spec:
        accept.read(path)
    assert says in str(spec.value) and spec.value.hint, spec.value
    with pytest.raises(BaselineError) as contract:
        load_baseline(path, ["getSong"], ["status_code_conformance"])
    assert says in str(contract.value), contract.value


@pytest.mark.parametrize(
    "reason",
    ["", "say why", "WHY THIS BREAK IS ACCEPTED", "TODO", "n/a", UPDATE_REASON, accept.PLACEHOLDER],
)
def test_the_placeholders_the_templates_write_say_nothing(reason: str) -> None:
    assert is_placeholder(reason)


def test_a_real_reason_is_read_with_its_date_and_fields(tmp_path: Path) -> None:
    fingerprint = fingerprint_of("getSong", "status_code_conformance", 200, "status")
    entry = {"fingerprint": fingerprint, "operation": "getSong", "check": "status_code_conformance",
             "status": 200, "location": "status", "reason": "why: the proxy says so",
             "date": "2026-12-01"}  # fmt: skip
    path = tmp_path / "accepted.yaml"
    path.write_text(yaml.safe_dump({"accepted": [entry]}), encoding="utf-8")
    (read,) = read_accepted(path, "file", "finding").entries
    assert (read.fingerprint, read.reason, read.date) == (
        fingerprint,
        "why: the proxy says so",
        dt.date(2026, 12, 1),
    )
    assert read.fields["operation"] == "getSong"
    baseline = load_baseline(path, ["getSong"], ["status_code_conformance"])
    assert [e.reason for e in baseline.entries] == ["why: the proxy says so"]
    assert [a.date for a in accept.read(path)] == [dt.date(2026, 12, 1)]
    assert not (tmp_path / "none.yaml").exists()
    assert read_accepted(tmp_path / "none.yaml", "file", "finding").entries == ()


def test_the_baseline_update_placeholder_passes_only_while_updating(tmp_path: Path) -> None:
    fingerprint = fingerprint_of("getSong", "status_code_conformance", 200, "status")
    entry = {"fingerprint": fingerprint, "operation": "getSong", "check": "status_code_conformance",
             "status": 200, "location": "status", "reason": UPDATE_REASON,
             "date": "2026-12-01"}  # fmt: skip
    path = tmp_path / "baseline.yaml"
    path.write_text(yaml.safe_dump({"accepted": [entry]}), encoding="utf-8")
    kept = load_baseline(path, ["getSong"], ["status_code_conformance"], placeholders=True)
    assert [e.reason for e in kept.entries] == [UPDATE_REASON]
    with pytest.raises(BaselineError, match="write why this deviation is accepted"):
        load_baseline(path, ["getSong"], ["status_code_conformance"])
    with pytest.raises(SpecLoadError, match="not a placeholder"):
        accept.read(path)
