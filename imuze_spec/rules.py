"""The rule table of `imuze-spec diff`: every kind of finding, with its id, level and direction.

A finding's `id` is a rule id. A rule says how severe its findings are (`level`), which way
the data flows (`direction`: a request the client sends, a response it receives, both, the
document as a whole, or `api` for the generated Python package), what it means in one line,
and which keywords or fields of the document it judges (`keywords`, as `object.field`, the
objects named as in the OpenAPI 3.1 schema and `schema` for JSON Schema keywords). A rule
reported below its level says when (`softened`); `adds` marks an addition (a minor bump).
`imuze-spec rules` lists the table; `spec/accepted-changes.yaml` entries may cite a rule id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from .findings import Level

DIRECTIONS = ("request", "response", "both", "document", "api")


@dataclass(frozen=True)
class Rule:
    """One row of the table."""

    id: str
    level: Level
    direction: str
    description: str
    keywords: tuple[str, ...]
    side: str = "wire"
    adds: bool = False
    softened: str = ""

    def to_json(self) -> dict[str, object]:
        """The JSON shape of `imuze-spec rules --format json`."""
        return {
            "id": self.id,
            "level": self.level.name,
            "side": self.side,
            "direction": self.direction,
            "description": self.description,
            "keywords": list(self.keywords),
            "adds": self.adds,
            "softened": self.softened,
        }


def rule(
    id_: str,
    level: Level,
    direction: str,
    description: str,
    keywords: str = "",
    *,
    side: str = "wire",
    adds: bool = False,
    softened: str = "",
) -> Rule:
    """A row, its keywords given as one space-separated string."""
    return Rule(id_, level, direction, description, tuple(keywords.split()), side, adds, softened)


class UnknownRuleError(RuntimeError):
    """A finding named a rule that the table lacks: a bug in imuze-spec, never a spec error."""


def _table() -> dict[str, Rule]:
    from ._python_rules import PYTHON_RULES
    from ._wire_rules import WIRE_RULES

    table: dict[str, Rule] = {}
    for row in (*WIRE_RULES, *PYTHON_RULES):
        if row.id in table:
            raise UnknownRuleError(f"rule {row.id} is listed twice")
        table[row.id] = row
    return table


RULES = _table()


def get(id_: str) -> Rule:
    """The rule with this id; UnknownRuleError when there is none."""
    try:
        return RULES[id_]
    except KeyError:
        raise UnknownRuleError(f"no rule {id_!r} in the table") from None


def level_of(id_: str, softened: Level | None = None) -> Level:
    """The level of a finding of rule `id_`: the rule's, or `softened`, a deliberate lower
    level that only a rule saying when it is reported lower (`Rule.softened`) accepts."""
    row = get(id_)
    if softened is None:
        return row.level
    if softened >= row.level or not row.softened:
        raise UnknownRuleError(
            f"{id_} softened to {softened.name}, but its rule ({row.level.name}) "
            + (f"is lower only {row.softened}" if row.softened else "is never reported lower")
        )
    return softened


def as_text(rules: Iterable[Rule]) -> str:
    """One block per rule: `LEVEL side direction id`, its description, its keywords."""
    lines = []
    for row in rules:
        lines.append(f"{row.level.name:<4} {row.side:<6} {row.direction:<8} {row.id}")
        lines.append(f"     {row.description}")
        if row.softened:
            lines.append(f"     lower when: {row.softened}")
        if row.keywords:
            lines.append(f"     judges: {' '.join(row.keywords)}")
    return "\n".join(lines) + "\n"


def as_json(rules: Iterable[Rule]) -> str:
    """The rules as a JSON list."""
    return json.dumps([row.to_json() for row in rules], indent=2) + "\n"
