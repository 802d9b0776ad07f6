"""Rendering findings: text for a terminal, Markdown for a changelog entry, JSON for tools."""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby

from .bump import part_of, reason
from .diff import group_of
from .findings import Finding, Level
from .wire import subject_of

FORMATS = ("text", "markdown", "json")
LEGEND = (
    "ERR breaks existing clients, WARN may break some, INFO is compatible. wire: the HTTP\n"
    "contract; python: the regenerated imuze_client API ([used by] = where our code uses it)."
)


def summary(findings: list[Finding]) -> str:
    """`2 ERR, 1 WARN, 3 INFO (wire 4, python 2)`, or `no changes`."""
    if not findings:
        return "no changes"
    levels = Counter(f.level for f in findings)
    sides = Counter(f.side for f in findings)
    counts = ", ".join(f"{levels[level]} {level.name}" for level in reversed(Level))
    return f"{counts} (" + ", ".join(f"{side} {n}" for side, n in sorted(sides.items())) + ")"


def _where(finding: Finding) -> str:
    used = f"  [used by {', '.join(finding.used_by)}]" if finding.used_by else ""
    return f"{finding.location}{used}"


def _heading(group: str, items: list[Finding]) -> str:
    if not group and all(f.side == "wire" for f in items):
        return "the document as a whole (servers, security schemes, info, webhooks)"
    if not group:
        return "outside any operation"
    if ", " in group:
        return f"{group} (shared)"
    return group


def text(findings: list[Finding], old: str, new: str) -> str:
    """One block per operation, one line per finding (plus its location)."""
    return f"imuze-spec diff {old} -> {new}: {summary(findings)}\n" + body(findings)


def subject(finding: Finding) -> str:
    """What a finding is about, the same on both sides: `song.arrangement_name` for the wire
    property and for the generated model's field; "" when it names nothing so precise."""
    if finding.side == "wire":
        return subject_of(finding.location).lower()
    parts = finding.location.split(".")
    first = next((i for i, part in enumerate(parts) if part[:1].isupper()), None)
    return ".".join(parts[first:]).lower() if first is not None else ""


def rows(findings: list[Finding]) -> list[tuple[Finding, list[Finding]]]:
    """One row per change: its first (most severe, wire first) finding, then the findings
    about the same subject, its consequences (on the other side, or nested), in order."""
    out: list[tuple[Finding, list[Finding]]] = []
    by_subject: dict[str, list[Finding]] = {}
    for finding in findings:
        key = subject(finding)
        owner = by_subject.get(key) if key else None
        if owner is None:
            row: tuple[Finding, list[Finding]] = (finding, [])
            out.append(row)
            if key:
                by_subject[key] = row[1]
        else:
            owner.append(finding)
    return out


def body(findings: list[Finding]) -> str:
    """The findings, one block per operation, one row per change (its consequences
    indented under it), without a summary line."""
    lines: list[str] = []
    for group, grouped in groupby(findings, key=group_of):
        items = list(grouped)
        lines.append("")
        lines.append(_heading(group, items))
        for change, consequences in rows(items):
            lines.append(f"  {change.level.name:<4} {change.side:<6} {change.id}: {change.message}")
            lines.append(f"       {' ' * 6} at {_where(change)}")
            for f in consequences:
                lines.append(f"       -> {f.level.name:<4} {f.side:<6} {f.id}: {f.message}")
                lines.append(f"          {' ' * 11} at {_where(f)}")
    if findings:
        lines += ["", LEGEND]
    return "".join(line + "\n" for line in lines)


def markdown(findings: list[Finding], old: str, new: str) -> str:
    """The API section of a CHANGELOG entry: breaking changes first, then the rest."""
    lines = [f"### API ({old} -> {new})", ""]
    if not findings:
        return "\n".join([*lines, "No change to the API.", ""])
    sections = (
        ("Breaking", [f for f in findings if f.level == Level.ERR]),
        ("Needs attention", [f for f in findings if f.level == Level.WARN]),
        ("Compatible", [f for f in findings if f.level == Level.INFO]),
    )
    for title, items in sections:
        if not items:
            continue
        lines += [f"#### {title}", ""]
        for f in items:
            group = _heading(group_of(f), [f])
            scope = f"`{group}`" if group else "general"
            used = f" (used by {', '.join(f'`{u}`' for u in f.used_by)})" if f.used_by else ""
            lines.append(f"- {scope}: {f.message} [{f.side} `{f.id}` `{f.location}`]{used}")
        lines.append("")
    return "\n".join(lines)


def as_json(findings: list[Finding], bump: bool = False) -> str:
    """A JSON list of findings (Finding.to_json); with `bump`, an object
    `{"bump": "major", "reason": "...", "findings": [...]}`."""
    listed = [f.to_json() for f in findings]
    if not bump:
        return json.dumps(listed, indent=2) + "\n"
    doc = {"bump": part_of(findings), "reason": reason(findings), "findings": listed}
    return json.dumps(doc, indent=2) + "\n"


def render(findings: list[Finding], fmt: str, old: str, new: str, bump: bool = False) -> str:
    """The report in one of FORMATS; with `bump`, the version bump it calls for, last."""
    if fmt == "json":
        return as_json(findings, bump)
    out = markdown(findings, old, new) if fmt == "markdown" else text(findings, old, new)
    if bump:
        out += f"\nbump: {reason(findings)}\n"
    return out


def gate_summary(
    unacknowledged: int, acknowledged: int, stale: int, findings: list[Finding]
) -> str:
    """check-spec-compat's one summary: what it counts, then the rest for context."""
    others = [f for f in findings if f.level != Level.ERR]
    counted = (
        f"{unacknowledged} unacknowledged breaking change(s) (ERR findings not in the "
        f"acknowledgements), {acknowledged} acknowledged, {stale} stale acknowledgement(s)"
    )
    rest = summary(others) if others else "none"
    return f"{counted}; not gated: {rest}"
