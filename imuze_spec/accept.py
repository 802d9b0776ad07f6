"""The compatibility gate: breaking changes since the released spec, unless acknowledged.

`spec/accepted-changes.yaml` lists the breaking findings the maintainers accept, each with
a fingerprint, a reason and a date, and optionally the rule it cites (`rule:`, an id of
`imuze-spec rules`): an entry that cites a rule acknowledges only a finding of that rule.
The gate fails on an ERR that is not listed, and also on
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

from . import rules
from .findings import Finding, Level
from .load import SpecLoadError

_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class Acknowledgement:
    """One accepted breaking change."""

    fingerprint: str
    reason: str
    date: dt.date
    rule: str | None = None

    def covers(self, finding: Finding) -> bool:
        """Whether this entry acknowledges the finding."""
        return self.fingerprint == finding.fingerprint and self.rule in (None, finding.id)


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
        rule = entry.get("rule")
        if rule is not None and str(rule) not in rules.RULES:
            raise SpecLoadError(
                f"{path}: entry {n} ({fingerprint}) cites {rule!r}, which is no rule of "
                "`imuze-spec rules`"
            )
        found.append(
            Acknowledgement(fingerprint, reason, date, None if rule is None else str(rule))
        )
    return found


def judge(findings: list[Finding], acknowledgements: list[Acknowledgement]) -> Verdict:
    """Match the breaking findings against the acknowledgements."""
    breaking = [f for f in findings if f.level == Level.ERR]
    acknowledged, unacknowledged = [], []
    for finding in breaking:
        ack = next((a for a in acknowledgements if a.covers(finding)), None)
        if ack is None:
            unacknowledged.append(finding)
        else:
            acknowledged.append((finding, ack))
    return Verdict(
        unacknowledged=unacknowledged,
        acknowledged=acknowledged,
        stale=[a for a in acknowledgements if not any(a.covers(f) for f in findings)],
    )


def entry_for(finding: Finding, today: dt.date) -> str:
    """The YAML entry that acknowledges a finding, to paste into accepted-changes.yaml."""
    return (
        f"  - fingerprint: {finding.fingerprint}  # at {finding.location}\n"
        f"    rule: {finding.id}\n"
        f"    reason: WHY THIS BREAK IS ACCEPTED\n"
        f"    date: {today.isoformat()}\n"
    )
