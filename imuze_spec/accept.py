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
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import rules
from .findings import Finding, Level
from .load import SpecLoadError, read_file

_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
PLACEHOLDER = "WHY THIS BREAK IS ACCEPTED"
# Reasons that say nothing: the template's placeholder and what people type to silence a gate.
_EMPTY_REASONS = re.compile(
    r"^(why this break is accepted|say why|why|reason|todo|tbd|fixme|xxx+|n/?a|none|ok|"
    r"accepted|because|\.+|-+|\?+)[.!]*$",
    re.IGNORECASE,
)
REASON_HINT = (
    "write why this break is accepted: who is affected and what they do about it "
    "(e.g. 'no released client sends this field; announced in the 4.2 notes')"
)


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
    """The acknowledgements in `path` (none when it does not exist); SpecLoadError if malformed."""
    if not path.exists() and not path.is_symlink():
        return []
    text = read_file(str(path), path, "acknowledgements file")
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise SpecLoadError(
            f"{path}: invalid YAML ({getattr(exc, 'problem', exc)})",
            hint="check it with a YAML linter (yamllint)",
        ) from None
    except ValueError as exc:  # YAML's own date constructor: 2026-02-30
        raise SpecLoadError(
            f"{path}: an impossible value ({exc})", hint="write dates as real YYYY-MM-DD days"
        ) from None
    if not isinstance(doc, dict):
        raise SpecLoadError(
            f"{path}: not a mapping with an 'accepted' list",
            hint="start the file with `accepted:` and list one entry per acknowledged break",
        )
    entries = doc.get("accepted")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise SpecLoadError(f"{path}: 'accepted' must be a list")
    return [_entry(path, n, entry) for n, entry in enumerate(entries, 1)]


def _entry(path: Path, n: int, entry: object) -> Acknowledgement:
    """Entry `n` of the file, checked field by field."""
    if not isinstance(entry, dict):
        raise SpecLoadError(f"{path}: entry {n} is not a mapping")
    fingerprint = str(entry.get("fingerprint", ""))
    reason = str(entry.get("reason") or "").strip()
    date = entry.get("date")
    if not _FINGERPRINT.match(fingerprint):
        raise SpecLoadError(f"{path}: entry {n} needs a 16-hex-digit fingerprint")
    if not reason or _EMPTY_REASONS.match(reason):
        said = f"a placeholder ({reason!r})" if reason else "an empty one"
        raise SpecLoadError(
            f"{path}: entry {n} ({fingerprint}) needs a reason that says why, not {said}",
            hint=REASON_HINT,
        )
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            date = None
    if not isinstance(date, dt.date):
        raise SpecLoadError(
            f"{path}: entry {n} ({fingerprint}) needs a date (YYYY-MM-DD)",
            hint="the day the break was accepted, e.g. 2026-01-31",
        )
    rule = entry.get("rule")
    if rule is not None and str(rule) not in rules.RULES:
        raise SpecLoadError(
            f"{path}: entry {n} ({fingerprint}) cites {rule!r}, which is no rule of "
            "`imuze-spec rules`"
        )
    return Acknowledgement(fingerprint, reason, date, None if rule is None else str(rule))


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
