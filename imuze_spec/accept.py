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
from dataclasses import dataclass, field
from pathlib import Path

from imuze_ext.accepted import AcceptedEntry, AcceptedFileError, read_accepted

from . import rules
from .findings import Finding, Level
from .load import SpecLoadError

PLACEHOLDER = "WHY THIS BREAK IS ACCEPTED"


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
    not_judged: list[Acknowledgement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the gate passes."""
        return not self.unacknowledged and not self.stale


def read(path: Path) -> list[Acknowledgement]:
    """The acknowledgements in `path` (none when it does not exist); SpecLoadError if malformed
    (imuze_ext.accepted reads the file: the contract baseline's reader too)."""
    try:
        entries = read_accepted(path, "acknowledgements file", "break").entries
    except AcceptedFileError as exc:
        raise SpecLoadError(str(exc), hint=exc.hint) from None
    return [_entry(entry) for entry in entries]


def _entry(entry: AcceptedEntry) -> Acknowledgement:
    """An entry read, with the rule it cites checked."""
    rule = entry.fields.get("rule")
    if rule is not None and str(rule) not in rules.RULES:
        raise SpecLoadError(
            f"{entry.where} cites {rule!r}, which is no rule of `imuze-spec rules`",
            hint="`imuze-spec rules` lists them; or drop `rule:`",
        )
    return Acknowledgement(
        entry.fingerprint, entry.reason, entry.date, None if rule is None else str(rule)
    )


def judge(
    findings: list[Finding],
    acknowledgements: list[Acknowledgement],
    sides: frozenset[str] = frozenset({"wire", "python"}),
) -> Verdict:
    """Match the breaking findings against the acknowledgements. `sides` are the sides that
    were judged: an entry for a side that was not (its rule's side, or any entry matching
    nothing when a side was skipped) is "not judged", never stale."""
    breaking = [f for f in findings if f.level == Level.ERR]
    acknowledged, unacknowledged = [], []
    for finding in breaking:
        ack = next((a for a in acknowledgements if a.covers(finding)), None)
        if ack is None:
            unacknowledged.append(finding)
        else:
            acknowledged.append((finding, ack))
    unmatched = [a for a in acknowledgements if not any(a.covers(f) for f in findings)]
    judged = [a for a in unmatched if _side_judged(a, sides)]
    return Verdict(
        unacknowledged=unacknowledged,
        acknowledged=acknowledged,
        stale=judged,
        not_judged=[a for a in unmatched if a not in judged],
    )


def _side_judged(ack: Acknowledgement, sides: frozenset[str]) -> bool:
    if ack.rule is not None:
        return rules.RULES[ack.rule].side in sides
    return sides >= {"wire", "python"}  # no rule: its side is unknown, so both must be judged


def entry_for(finding: Finding, today: dt.date) -> str:
    """The YAML entry that acknowledges a finding, to paste into accepted-changes.yaml."""
    return (
        f"  - fingerprint: {finding.fingerprint}  # at {finding.location}\n"
        f"    rule: {finding.id}\n"
        f'    reason: "{PLACEHOLDER}"\n'  # quoted: a reason may hold a colon
        f"    date: {today.isoformat()}\n"
    )
