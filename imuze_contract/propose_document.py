"""The Overlay document of a proposal: its info (what the run found, what the server must fix),
its actions (each naming the rows it answers), and its YAML."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import yaml

from .report import Deviation, Report

if TYPE_CHECKING:
    from .propose import Proposal
    from .propose_edits import Action

OVERLAY_VERSION = "1.0.0"


def key_text(deviation: Deviation) -> str:
    """`createSong status_code_conformance 200 status`: (operation, check, status, location)."""
    status = "-" if deviation.status is None else str(deviation.status)
    return f"{deviation.operation_id} {deviation.check} {status} {deviation.location}"


def render(proposal: Proposal) -> str:
    """The overlay as YAML, descriptions as block text."""
    return yaml.dump(
        proposal.overlay, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _example(deviation: Deviation) -> str:
    evidence = deviation.evidence
    for key in ("value", "body"):
        if key in evidence:
            text = json.dumps(evidence[key], ensure_ascii=False)
            return text if len(text) <= 100 else text[:99] + "…"
    return deviation.actual


def _line(deviation: Deviation) -> str:
    cases = f"{deviation.count} case{'s' if deviation.count != 1 else ''}"
    return f"[{deviation.fingerprint}] {key_text(deviation)} ({cases}), e.g. {_example(deviation)}"


def document(
    report: Report, rows: int, source: str, actions: list[Action], proposal: Proposal
) -> dict[str, Any]:
    lines = [
        f"Spec edits proposed by `imuze contract` against {report.base_url} (seed "
        f"{report.seed}, {report.cases} cases): {len(actions)} action(s) answering "
        f"{len(proposal.answered)} of {rows} deviation(s) from {source}.",
        "Review each, then see what adopting them means for clients: "
        "`imuze-spec diff SPEC --overlay THIS-FILE`.",
    ]
    if proposal.fix_the_server:
        lines += ["", "Fix the server (no spec edit is proposed for these):"]
        lines += [f"- {_line(d)}: {why}; {d.line}" for d, why in proposal.fix_the_server]
    entries = [
        {
            "target": action.target.target,
            "description": "; ".join(action.what)
            + ". Answers:\n"
            + "\n".join(f"- {_line(d)}" for d in action.deviations)
            + "\n",
            "update": action.update,
            "x-imuze-deviations": [d.fingerprint for d in action.deviations],
        }
        for action in actions
    ]
    if not entries:  # Overlay 1.0 needs one action: this one changes nothing
        entries = [{"target": "$['info']", "description": "No spec edit to propose.", "update": {}}]
    return {
        "overlay": OVERLAY_VERSION,
        "info": {
            "title": f"Drift of {report.base_url} from {source}",
            "version": f"seed-{report.seed}",
            # Overlay 1.0's info has no description (1.1 adds one): an extension says it.
            "x-description": "\n".join(lines) + "\n",
            "x-imuze-fix-the-server": [d.fingerprint for d, _ in proposal.fix_the_server],
        },
        "actions": entries,
    }
