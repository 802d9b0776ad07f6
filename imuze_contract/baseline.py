"""A baseline of accepted deviations, as spec/accepted-changes.yaml is for spec changes.

Each entry: the deviation's fingerprint (report.fingerprint_of: stable across seeds and runs),
what it stands for (operation, check, status, location: for the reader, and checked against
the fingerprint), why it is accepted, and when. A run fails only on deviations not listed;
listed ones are reported apart. An entry whose deviation the run tested and did not see is
stale: `--baseline-prune` drops it. An entry naming an operation or check that no longer
exists is a usage error, not a silent pass.

schemathesis 4 has a baseline of its own (`st run --baseline`), keyed by the failure's class
and its `_unique_key`, which for a schema mismatch is the validator's message with the values
the fuzzer generated in it: the same deviation gets a new key with each seed. This one keys on
(operation, check, status, location), which describe.py builds from the spec, never from a
generated value; and its entries carry the reason and date a reviewer needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from imuze_ext.accepted import AcceptedEntry, AcceptedFileError, read_accepted

from .check_table import PER_STATUS
from .report import Accepted, Report, StaleEntry, fingerprint_of

HEADER = """\
# Deviations of the API from the iMuze spec that this project accepts (imuze contract
# --baseline). A run fails only on a deviation not listed here; listed ones are reported apart.
# Each entry: the fingerprint imuze contract prints, what it stands for, why it is accepted
# and since when. --baseline-update adds this run's new deviations: write their reason, a
# run fails while one still reads the placeholder. --baseline-prune drops the entries this run
# tested and did not see (reported as stale); an entry whose check could not run is kept.
# `context`: the spec, users, seed and checks of the run that last wrote this file.
"""
UPDATE_REASON = "accepted with --baseline-update: say why"


class BaselineError(Exception):
    """A baseline file that cannot be used: the message says which entry and why."""


@dataclass(frozen=True)
class Entry:
    """One accepted deviation."""

    fingerprint: str
    operation: str  # the operationId
    check: str
    status: int | None
    location: str
    reason: str
    date: dt.date

    def to_dict(self) -> dict[str, Any]:
        """As YAML data."""
        return {
            "fingerprint": self.fingerprint, "operation": self.operation, "check": self.check,
            "status": self.status, "location": self.location, "reason": self.reason,
            "date": self.date.isoformat(),
        }  # fmt: skip


@dataclass
class Baseline:
    """The entries of one baseline file."""

    entries: list[Entry] = field(default_factory=list)
    # The context of the run that last wrote the file (report.RunContext.to_dict), if any.
    context: dict[str, Any] | None = None

    def by_fingerprint(self) -> dict[str, Entry]:
        """Entries by fingerprint."""
        return {entry.fingerprint: entry for entry in self.entries}


def load(
    path: Path,
    operations: Collection[str],
    checks: Collection[str],
    *,
    placeholders: bool = False,
) -> Baseline:
    """The baseline at `path` (empty when the file does not exist yet); BaselineError when an
    entry is malformed, names an operation or check not in `operations` / `checks`, or still
    has the reason --baseline-update wrote (unless `placeholders`: a run that updates it)."""
    try:
        read = read_accepted(path, "baseline file", "deviation", placeholders)
    except AcceptedFileError as exc:
        raise BaselineError(f"{exc} ({exc.hint})") from None
    context = (read.document or {}).get("context")
    entries = [_entry(entry, operations, checks) for entry in read.entries]
    return Baseline(entries, dict(context) if isinstance(context, Mapping) else None)


def _entry(entry: AcceptedEntry, operations: Collection[str], checks: Collection[str]) -> Entry:
    """An entry read (imuze_ext.accepted: fingerprint, reason, date), with what it stands for
    checked against the spec, the checks and its fingerprint."""
    item, where = entry.fields, entry.where
    operation, check = str(item.get("operation", "")), str(item.get("check", ""))
    if operation not in operations:
        raise BaselineError(f"{where} names the operation {operation!r}, which the spec has not")
    if check not in checks:
        raise BaselineError(f"{where} names the check {check!r}, which does not exist")
    status = item.get("status")
    if status is not None and not isinstance(status, int):
        raise BaselineError(f"{where}: status must be an integer or null")
    location = str(item.get("location", ""))
    if fingerprint_of(operation, check, status, location) != entry.fingerprint:
        raise BaselineError(f"{where} does not match its operation, check, status and location")
    return Entry(entry.fingerprint, operation, check, status, location, entry.reason, entry.date)


def tested(entry: Entry, report: Report, tested_operations: Collection[str]) -> bool:
    """Whether this run gave the entry's check a chance to see its deviation again.

    A per-status check (check_table.py) judges only answers of the entry's status: it was
    tested only when the operation answered that status. The others judge every answer of
    the operation (a fixed undocumented status no longer appears: that makes it stale)."""
    if entry.operation not in tested_operations:
        return False
    if report.context is not None and report.context.could_not_run(entry.check):
        return False
    if entry.check in PER_STATUS and entry.status is not None:
        return (entry.operation, entry.status) in report.answered
    return True


def apply(report: Report, baseline: Baseline, tested_operations: Collection[str]) -> None:
    """Move the deviations the baseline accepts out of `report.deviations` into
    `report.accepted`, and list as stale the entries this run tested (to the end: not when
    the budget or an interruption cut it short; see `tested`) whose deviation it did not see."""
    entries = baseline.by_fingerprint()
    new, seen = [], set()
    for deviation in report.deviations:
        entry = entries.get(deviation.fingerprint)
        if entry is None:
            new.append(deviation)
            continue
        seen.add(entry.fingerprint)
        report.accepted.append(Accepted(deviation, entry.reason, entry.date.isoformat()))
    report.deviations = new
    if report.budget_spent or report.interrupted:
        return
    report.stale = [
        StaleEntry(
            e.fingerprint, e.operation, e.check, e.status, e.location, e.reason, e.date.isoformat()
        )
        for e in baseline.entries
        if e.fingerprint not in seen and tested(e, report, tested_operations)
    ]
    _note_untested_checks(report, [e for e in baseline.entries if e.fingerprint not in seen])


def _note_untested_checks(report: Report, unseen: list[Entry]) -> None:
    """Say which unseen entries are kept because their check could not run this time."""
    context = report.context
    by_check: dict[str, int] = {}
    for entry in unseen:
        if context is not None and context.could_not_run(entry.check):
            by_check[entry.check] = by_check.get(entry.check, 0) + 1
    for check, count in sorted(by_check.items()):
        why = context.could_not_run(check) if context is not None else None
        report.notes.append(
            f"baseline: {count} entr{'y' if count == 1 else 'ies'} of {check} kept, not "
            f"judged stale: {check} could not run this time ({why})"
        )


def updated(
    baseline: Baseline, report: Report, today: dt.date, *, add: bool, prune: bool
) -> Baseline:
    """The baseline with this run's new deviations added (`add`) and its stale entries
    dropped (`prune`)."""
    stale = {entry.fingerprint for entry in report.stale} if prune else set()
    kept = [entry for entry in baseline.entries if entry.fingerprint not in stale]
    known = {entry.fingerprint for entry in kept}
    for d in report.sorted_deviations() if add else []:
        if d.fingerprint not in known:
            kept.append(Entry(d.fingerprint, d.operation_id, d.check, d.status, d.location,
                              UPDATE_REASON, today))  # fmt: skip
            known.add(d.fingerprint)
    context = report.context.to_dict() if report.context is not None else baseline.context
    return Baseline(kept, context)


def save(baseline: Baseline, path: Path) -> None:
    """Write the baseline, its entries in a stable order, and the context of the run that
    wrote it."""
    entries = sorted(
        baseline.entries, key=lambda e: (e.operation, e.check, e.status or 0, e.location)
    )
    document: dict[str, Any] = {"accepted": [entry.to_dict() for entry in entries]}
    if baseline.context is not None:
        document["context"] = baseline.context
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body, encoding="utf-8")


@dataclass(frozen=True)
class Gate:
    """What `--baseline`, `--baseline-update` and `--baseline-prune` ask of a run."""

    path: Path
    update: bool = False
    prune: bool = False

    def load(self) -> Baseline:
        """The baseline, checked against the spec's operations and the known checks."""
        from .catalog import check_names, operation_ids  # schemathesis: only once it runs

        return load(self.path, operation_ids(), check_names(), placeholders=self.update)

    def settle(self, report: Report, baseline: Baseline, today: dt.date) -> None:
        """Split the report by the baseline, then update or prune the file as asked; the
        report's notes say what changed."""
        from .catalog import operation_ids

        labels = {label: operation_id for operation_id, label in operation_ids().items()}
        tested = {labels.get(label, label) for label in report.operations}
        apply(report, baseline, tested)
        if not (self.update or self.prune):
            return
        before = {entry.fingerprint for entry in baseline.entries}
        result = updated(baseline, report, today, add=self.update, prune=self.prune)
        after = {entry.fingerprint for entry in result.entries}
        save(result, self.path)
        added, dropped = len(after - before), len(before - after)
        report.notes.append(
            f"baseline {self.path}: {added} entr{'y' if added == 1 else 'ies'} added, "
            f"{dropped} pruned"
        )
        if self.update:
            # What the file now accepts no longer fails this run either.
            for d in list(report.deviations):
                report.accepted.append(Accepted(d, UPDATE_REASON, today.isoformat()))
            report.deviations = []
