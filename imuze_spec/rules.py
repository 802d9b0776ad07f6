"""The rule table of `imuze-spec diff`: every kind of finding, with its id, level and direction.

A finding's `id` is a rule id. A rule says how severe its findings are (`level`), which way
the data flows (`direction`: a request the client sends, a response it receives, both, the
document as a whole, or `api` for the generated Python package), what it means in one line,
and which keywords or fields of the document it judges (`keywords`, as `object.field`, the
objects named as in the OpenAPI 3.1 schema and `schema` for JSON Schema keywords). A rule
reported below its level says when (`softened`); `adds` marks an addition (a minor bump).
The rows are data, one a line of `rules.toml`. `imuze-spec rules` lists the table;
`spec/accepted-changes.yaml` entries may cite a rule id.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

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


class UnknownRuleError(RuntimeError):
    """A finding named a rule that the table lacks: a bug in imuze-spec, never a spec error."""


def _row(side: str, fields: dict[str, Any], sets: dict[str, str]) -> Rule:
    """A rule from its line of `rules.toml`, each `@name` in its keywords expanded."""
    words = str(fields.get("keywords", "")).split()
    keywords = [k for w in words for k in (sets[w[1:]].split() if w.startswith("@") else [w])]
    return Rule(
        id=fields["id"],
        level=Level[fields["level"]],
        direction=fields["direction"],
        description=fields["description"],
        keywords=tuple(keywords),
        side=side,
        adds=fields.get("adds", False),
        softened=fields.get("softened", ""),
    )


def _table() -> dict[str, Rule]:
    """The rows of `rules.toml`, by id: the wire rules, then the Python rules."""
    data = tomllib.loads(resources.files(__package__).joinpath("rules.toml").read_text("utf-8"))
    table: dict[str, Rule] = {}
    for side in ("wire", "python"):
        for fields in data[side]:
            row = _row(side, fields, data["keywords"])
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
