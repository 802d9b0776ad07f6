"""The compatibility gate: breaking changes since the released spec, unless acknowledged.

`spec/accepted-changes.yaml` lists the breaking findings the maintainers accept, each with
a fingerprint, a reason and a date. The gate fails on an ERR that is not listed, and also on
an entry whose finding no longer occurs: such an entry would silently pre-approve any later
change with the same fingerprint, and it is exactly what must be cleared when a release
becomes the new baseline. So the list always equals the accepted breaks since the release.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .findings import Finding, Level
from .load import SpecLoadError

_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class Acknowledgement:
    """One accepted breaking change."""

    fingerprint: str
    reason: str
    date: dt.date


@dataclass(frozen=True)
class Verdict:
    """What the gate found: breaking changes not acknowledged, acknowledged, and stale entries."""

    unacknowledged: list[Finding]
    acknowledged: list[tuple[Finding, Acknowledgement]]
    stale: list[Acknowledgement]

    @property
    def ok(self) -> bool:
        """Whether the gate passes."""
        return not self.unacknowledged and not self.stale


def read(path: Path) -> list[Acknowledgement]:
    """The acknowledgements in `path` (none when it does not exist); SpecLoadError if malformed."""
    if not path.exists():
        return []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SpecLoadError(f"{path}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
    entries = doc.get("accepted") if isinstance(doc, dict) else None
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise SpecLoadError(f"{path}: 'accepted' must be a list")
    found = []
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise SpecLoadError(f"{path}: entry {n} is not a mapping")
        fingerprint = str(entry.get("fingerprint", ""))
        reason = str(entry.get("reason") or "").strip()
        date = entry.get("date")
        if not _FINGERPRINT.match(fingerprint):
            raise SpecLoadError(f"{path}: entry {n} needs a 16-hex-digit fingerprint")
        if not reason:
            raise SpecLoadError(f"{path}: entry {n} ({fingerprint}) needs a reason")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                date = None
        if not isinstance(date, dt.date):
            raise SpecLoadError(f"{path}: entry {n} ({fingerprint}) needs a date (YYYY-MM-DD)")
        found.append(Acknowledgement(fingerprint, reason, date))
    return found


def judge(findings: list[Finding], acknowledgements: list[Acknowledgement]) -> Verdict:
    """Match the breaking findings against the acknowledgements."""
    by_print = {ack.fingerprint: ack for ack in acknowledgements}
    breaking = [f for f in findings if f.level == Level.ERR]
    present = {f.fingerprint for f in findings}
    return Verdict(
        unacknowledged=[f for f in breaking if f.fingerprint not in by_print],
        acknowledged=[(f, by_print[f.fingerprint]) for f in breaking if f.fingerprint in by_print],
        stale=[ack for ack in acknowledgements if ack.fingerprint not in present],
    )


def entry_for(finding: Finding, today: dt.date) -> str:
    """The YAML entry that acknowledges a finding, to paste into accepted-changes.yaml."""
    return (
        f"  - fingerprint: {finding.fingerprint}  # {finding.id} at {finding.location}\n"
        f"    reason: WHY THIS BREAK IS ACCEPTED\n"
        f"    date: {today.isoformat()}\n"
    )
