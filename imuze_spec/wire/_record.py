"""What every part of the wire verdict shares: where it is, which way data flows, the findings.

Findings are keyed by (rule id, location), so a change reached from several operations is
one finding listing them all; each is checked against the rule table as it is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .. import rules
from ..findings import Finding, Level
from ..load import Node, Spec, SpecLoadError, refs_below
from ..schema import DOC_KEYS, Schemas

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO
# How deeply schemas may nest (each level a property, item or branch, through $refs or not):
# the comparison recurses once per level. Deeper specs are refused with SpecTooDeepError.
MAX_DEPTH = 2000


class SpecTooDeepError(SpecLoadError):
    """Schemas nest deeper than MAX_DEPTH levels: refused in one line, never a crash."""


REQUEST, RESPONSE = "request", "response"


def pointer(base: str, *keys: object) -> str:
    """A JSON pointer (as a URI fragment) extended by escaped keys."""
    escaped = (str(key).replace("~", "~0").replace("/", "~1") for key in keys)
    return "/".join([base, *escaped])


@dataclass(frozen=True)
class Ctx:
    """Where a comparison is, and which way the data flows.

    `inverted` holds inside callbacks and webhooks, where the client receives the request
    and sends the response.
    """

    direction: str
    operation: str
    location: str
    open_enum: bool = False
    inverted: bool = False

    def at(self, *keys: object) -> Ctx:
        """A nested location; openness of an enum does not carry into nested schemas."""
        return replace(self, location=pointer(self.location, *keys), open_enum=False)

    def sending(self) -> Ctx:
        """The context of what the client sends (a request, or a callback's response)."""
        return replace(self, direction=RESPONSE if self.inverted else REQUEST)

    def receiving(self) -> Ctx:
        """The context of what the client receives."""
        return replace(self, direction=REQUEST if self.inverted else RESPONSE)

    @property
    def request(self) -> bool:
        """Whether the client sends the data compared here."""
        return self.direction == REQUEST


@dataclass
class _Raw:
    level: Level
    id: str
    location: str
    message: str
    operations: set[str] = field(default_factory=set)


class Recorder:
    """The two specs, the date (for x-sunset), and the findings so far."""

    def __init__(self, old: Spec, new: Spec, today: dt.date) -> None:
        self.old, self.new = Schemas(old), Schemas(new)
        self.today = today
        self.found: dict[tuple[str, str], _Raw] = {}
        self.where = "#"  # what is being compared, for the error on a malformed spec
        self.seen: set[tuple[int, int, str, bool]] = set()
        self.depth = 0  # schemas being compared, one inside the other
        self._reads: dict[str, set[str]] | None = None

    def deeper(self) -> None:
        """Enter a nested schema; SpecTooDeepError past MAX_DEPTH levels."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SpecTooDeepError(
                f"schemas nest more than {MAX_DEPTH} levels deep near {self.where}"
            )

    def emit(
        self, kind: str, ctx: Ctx, message: str, *keys: object, softened: Level | None = None
    ) -> None:
        """Record a finding of rule `kind` at the context's location (extended by `keys`), at
        its rule's level, or at `softened` when the rule says when it is reported lower."""
        level = rules.level_of(kind, softened)
        location = pointer(ctx.location, *keys)
        subject = subject_of(location)
        message = f"{subject}: {message}" if subject else message
        raw = self.found.get((kind, location))
        if raw is None:
            raw = self.found[(kind, location)] = _Raw(level, kind, location, message)
        elif level > raw.level:
            raw.level, raw.message = level, message
        if ctx.operation:
            raw.operations.add(ctx.operation)

    def already_read(self, operation: str, ref: str | None) -> bool:
        """Whether the old spec's `operation` already answers with the component `ref`
        (in any response): its clients read that shape, so it is not unknown to them."""
        if not ref or not operation:
            return False
        if self._reads is None:
            self._reads = _reads(self.old.spec)
        return ref in self._reads.get(operation, set())

    def judge(self, tightened: bool, relaxed: bool, change: str, ctx: Ctx, *keys: object) -> None:
        """A constraint change, by direction: tighter breaks senders, looser breaks readers;
        a change that is neither (a different pattern) breaks both."""
        if ctx.request:
            if relaxed and not tightened:
                self.emit("request-constraint-relaxed", ctx, change, *keys)
            else:
                change += ": requests valid before may now be rejected"
                self.emit("request-constraint-tightened", ctx, change, *keys)
        elif tightened and not relaxed:
            self.emit("response-constraint-narrowed", ctx, change, *keys)
        else:
            change += ": clients may receive values they did not expect"
            self.emit("response-constraint-widened", ctx, change, *keys)

    def docs(self, old: Mapping[str, Any], new: Mapping[str, Any], ctx: Ctx) -> None:
        """Documentation edits (INFO) and a new deprecation."""
        changed = [key for key in DOC_KEYS if old.get(key) != new.get(key)]
        if changed:
            self.emit("documentation-changed", ctx, f"{', '.join(changed)} edited")
        if not old.get("deprecated") and new.get("deprecated"):
            self.emit("deprecated", ctx, "now deprecated")

    def findings(self) -> list[Finding]:
        """The findings, each with every operation it reaches."""
        out = []
        for raw in self.found.values():
            ops = tuple(sorted(raw.operations))
            shared = not raw.location.startswith("#/paths/")
            out.append(
                Finding(
                    level=raw.level,
                    side="wire",
                    id=raw.id,
                    operation="" if shared or not ops else ops[0],
                    location=raw.location,
                    message=raw.message,
                    operations=ops,
                )
            )
        return out


def _reads(spec: Spec) -> dict[str, set[str]]:
    """Per operation (operationId, else METHOD path), every $ref its responses reach."""
    found: dict[str, set[str]] = {}
    for (method, _), entry in spec.operations().items():
        op = entry["op"]
        name = str(op.get("operationId") or f"{method} {entry['path']}")
        refs = set(refs_below(spec, op.get("responses"), follow=True))
        found[name] = refs
    return found


def deref(spec: Spec, node: Any) -> Node:
    """A node with its `$ref`s followed; {} when it is not a mapping."""
    target, _ = spec.deref(node)
    return target if isinstance(target, dict) else {}


_STRUCTURE = {"schema", "content", "items", "anyOf", "oneOf", "allOf", "additionalProperties"}
_COMPONENTS = {
    "securitySchemes": "security scheme",
    "requestBodies": "request body",
    "pathItems": "path item",
}
_NAMED = {"parameters": "parameter", "headers": "header", "links": "link", "callbacks": "callback"}


def subject_of(location: str) -> str:
    """What a pointer names, for a reader: `SongCreate.title`, `createSong request body`..."""
    keys = [k.replace("~1", "/").replace("~0", "~") for k in location.split("/")[1:]]
    words: list[str] = []
    if keys[:2] == ["components", "schemas"] and len(keys) > 2:
        words, rest = [keys[2]], keys[3:]
    elif keys[:1] == ["components"] and len(keys) > 2:
        kind = _COMPONENTS.get(keys[1], keys[1].removesuffix("s"))
        words, rest = [f"{kind} {keys[2]}"], keys[3:]
    elif keys[:1] in (["paths"], ["webhooks"]) and len(keys) > 2:
        words, rest = [f"{keys[2].upper()} {keys[1]}"], keys[3:]
    elif keys[:1] == ["servers"] and len(keys) > 1:
        return f"server {keys[1]}"
    else:
        return ""
    while rest:
        key, rest = rest[0], rest[1:]
        if key == "properties" and rest:
            words[-1] += f".{rest[0]}"
            rest = rest[1:]
        elif key in _NAMED and rest:
            words.append(f"{_NAMED[key]} {rest[0]}")
            rest = rest[1:]
        elif key == "requestBody":
            words.append("request body")
        elif key == "responses" and rest:
            words.append(f"{rest[0]} response")
            rest = rest[1:]
        elif key in _STRUCTURE or key.isdigit() or "/" in key:
            continue
        else:
            break  # a keyword (maxLength, enum...): the message says it
    return " ".join(words)
