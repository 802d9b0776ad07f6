"""Boundary probes: a phase of the runner's own, after schemathesis's, for every operation.

schemathesis's coverage phase tries a schema's declared bounds; where the spec declares none
it has nothing to try, and its generators rarely reach 2^31 or a 4,096-character title. Those
are the values real servers break on (probe_values.py derives them from the spec). A value
the spec allows must get neither a 5xx nor a rejection (400, 413, 414, 422, 431). A 404 for
an id no resource has, or a 401 for credentials no account has, is the spec's own answer for
that value, not a refusal of it. When a value fails, the phase bisects to the real limit and
reports one row whose fix carries the bound, with the finding as data (`ProbeFinding`) for
tools that edit the spec.

Every probe goes through Session.send, so it is rate limited and judged by the same checks as
any answer; the phase stops when the run's deadline passes.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from schemathesis.core.transport import Response

from . import probe_values as values
from .probe_values import Slot
from .report import OPS
from .session import RESPONSE_CHECKS, Session, Unreachable, step_of

#: Answers that refuse a value; 5xx answers fail it too.
REJECTIONS = frozenset({400, 413, 414, 422, 431})
#: A probe answer is judged by every response check but not_a_server_error: the probe's own
#: row says what the 5xx means (the limit), once, instead of a second row without it.
PROBE_CHECKS = tuple(name for name in RESPONSE_CHECKS if name != "not_a_server_error")
MAX_BISECTION = 70  # steps; 2^64 needs 64

#: The check name per kind of probe (each a row of its own: one field can fail two ways).
CHECK_OF_KIND = {
    "maximum": "large_integer_accepted",
    "minimum": "large_integer_accepted",
    "maxLength": "long_string_accepted",
    "maxItems": "long_array_accepted",
    "unicode": "unicode_string_accepted",
}
PROBE_CHECK_NAMES = frozenset(CHECK_OF_KIND.values())


@dataclass(frozen=True)
class ProbeFinding:
    """A boundary that fails, as data: where, which bound the spec lacks, and the real limit."""

    operation_id: str
    where: str  # "body" or "path"
    field: str  # /title, /tags/*, or the path parameter's name
    pointer: str  # the JSON pointer of the slot's schema in the spec
    keyword: str  # maximum | minimum | maxLength | maxItems | unicode
    status: int
    # The last value that passed (maximum/minimum: the value; maxLength/maxItems: the count),
    # None for a Unicode class.
    limit: int | None
    # The first that failed (the same measure), or the Unicode class's name.
    failing: int | str

    @property
    def check(self) -> str:
        """The row's check name."""
        return CHECK_OF_KIND[self.keyword]

    def to_dict(self) -> dict[str, Any]:
        """As JSON: the finding, plus the schema keywords that would state the limit."""
        data = asdict(self)
        data["suggested_schema"] = {self.keyword: self.limit} if self.limit is not None else None
        return data


class Prober:
    """Sends the probes of every slot, as the demo user, until done or the deadline."""

    def __init__(
        self,
        session: Session,
        deadline: float,
        on_finding: Callable[..., None],
        on_error: Callable[[str, str, str], None] | None = None,
    ) -> None:
        self.session = session
        self.deadline = deadline
        self.on_finding = on_finding
        self.on_error = on_error
        self.spec = session.schema.raw_schema
        self.out_of_time = False

    def run(self) -> None:
        """Probe every slot of the spec."""
        for slot in values.slots(self.spec):
            if self._late():
                return
            self._probe(slot)

    def _late(self) -> bool:
        self.out_of_time = self.out_of_time or time.monotonic() >= self.deadline
        return self.out_of_time

    def _probe(self, slot: Slot) -> None:
        up, down = values.integers(slot.schema)
        if up:
            self._ascending(slot, "maximum", up, int)
        if down:
            self._ascending(slot, "minimum", [-v for v in down], lambda n: -n)
        lengths = values.lengths(slot.schema)
        if lengths:
            example = self._example_at(slot)
            self._ascending(
                slot, "maxLength", lengths, lambda n: values.string_of(slot.schema, n, example)
            )
        counts = values.item_counts(slot.schema)
        if counts:
            item = values.minimal(slot.schema.get("items"), self.spec)
            self._ascending(slot, "maxItems", counts, lambda n: [item] * n)
        for name, text in values.unicode_values(slot.schema):
            if self._late():
                return
            answer = self._send(slot, text)
            if answer is not None and _fails(answer):
                self._report(slot, "unicode", answer, None, name, text)

    def _ascending(
        self, slot: Slot, keyword: str, sizes: list[int], build: Callable[[int], Any]
    ) -> None:
        """Probe growing sizes; at the first failure, bisect from the last size that passed."""
        passed = self._baseline_size(slot, keyword)
        for size in sizes:
            if self._late():
                return
            value = build(size)
            if value is None:
                return
            answer = self._send(slot, value)
            if answer is None:
                return
            if not _fails(answer):
                passed = size
                continue
            limit = passed
            if passed is not None:
                limit, size, answer, value = self._bisect(slot, passed, size, build, answer, value)
            if keyword == "minimum":  # sizes are magnitudes below zero
                limit, size = (None if limit is None else -limit), -size
            self._report(slot, keyword, answer, limit, size, value)
            return

    def _bisect(
        self, slot: Slot, low: int, high: int, build: Callable[[int], Any], answer: Response,
        value: Any,
    ) -> tuple[int, int, Response, Any]:  # fmt: skip
        """(the largest passing size, the smallest failing one, its answer, its value)."""
        for _ in range(MAX_BISECTION):
            if high - low <= 1 or self._late():
                break
            middle = (low + high) // 2
            candidate = build(middle)
            reply = self._send(slot, candidate) if candidate is not None else None
            if reply is None:
                break
            if _fails(reply):
                high, answer, value = middle, reply, candidate
            else:
                low = middle
        return low, high, answer, value

    def _baseline_size(self, slot: Slot, keyword: str) -> int | None:
        """The size the spec's own example has there, which passes (the requests build on it)."""
        example = self._example_at(slot)
        if keyword == "maxLength" and isinstance(example, str):
            return len(example)
        if keyword == "maxItems" and isinstance(example, list):
            return len(example)
        if keyword == "maximum" and isinstance(example, int) and not isinstance(example, bool):
            return example
        if keyword == "minimum" and isinstance(example, int) and example <= 0:
            return -example
        return None

    def _example_at(self, slot: Slot) -> Any:
        if slot.where == "path":
            return None
        node: Any = values.request_example(self._operation(slot), self.spec)
        for part in slot.field.strip("/").split("/"):
            if part == "*":
                node = node[0] if isinstance(node, list) and node else None
            elif part:
                node = node.get(part) if isinstance(node, dict) else None
        return node

    def _operation(self, slot: Slot) -> dict[str, Any]:
        operation: dict[str, Any] = self.spec["paths"][slot.path][slot.method.lower()]
        return operation

    def _send(self, slot: Slot, value: Any) -> Response | None:
        """Send the operation's example request with `value` at the slot (None: cannot, or
        no answer: a connection the server drops on a value it allows is a row, not the end
        of the run)."""
        body = None
        if slot.where == "body":
            body = copy.deepcopy(values.request_example(self._operation(slot), self.spec))
            if not _put(body, slot.field, value):
                return None
        path = {slot.field: value} if slot.where == "path" else None
        try:
            return self.session.send(slot.operation_id, body=body, path=path, checks=PROBE_CHECKS)
        except Unreachable as exc:
            if self.on_error is None:
                raise
            self.on_error(
                f"{slot.method} {slot.path}", f"no answer to a {slot.name} probe", str(exc)
            )
            return None

    def _report(
        self, slot: Slot, keyword: str, answer: Response, limit: int | None, failing: int | str,
        value: Any,
    ) -> None:  # fmt: skip
        finding = ProbeFinding(
            slot.operation_id, slot.where, slot.field, slot.pointer, keyword,
            answer.status_code, limit, failing,
        )  # fmt: skip
        expected, actual, fix = sentence(slot, finding, value)
        self.on_finding(
            slot, finding, answer, expected, actual, fix, [step_of(answer, self.session.secrets)]
        )


def _fails(answer: Response) -> bool:
    return answer.status_code >= 500 or answer.status_code in REJECTIONS


def _put(body: Any, field: str, value: Any) -> bool:
    """Set `value` at the body pointer (`*`: the first item, made if the array is empty)."""
    parts = [part for part in field.strip("/").split("/") if part]
    node = body
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if part == "*":
            if not isinstance(node, list):
                return False
            if not node:
                node.append(None)
            if last:
                node[0] = value
                return True
            node = node[0]
        elif isinstance(node, dict):
            if last:
                node[part] = value
                return True
            node = node.setdefault(part, {})
        else:
            return False
    return False


def sentence(slot: Slot, finding: ProbeFinding, value: Any) -> tuple[str, str, str]:
    """(expected, actual, fix) in plain English, the bound in the fix."""
    status = finding.status
    what = "fix the server" if status >= 500 else "relax the server"
    name = slot.name
    allowed = f"a 2xx: the spec sets no {finding.keyword} on {name}"
    if finding.keyword == "unicode":
        allowed = f"a 2xx: {name} is a free-form string"
        return (
            allowed, f"{status} for {_a(name)} with {finding.failing} characters",
            f"{OPS}: {_a(name)} with {finding.failing} characters answers {status}: {what}, or "
            f"restrict {name} with a `pattern` in the spec",
        )  # fmt: skip
    measure = {
        "maxLength": ("longer than", "characters"), "maxItems": ("with more than", "items"),
        "maximum": ("above", ""), "minimum": ("below", ""),
    }[finding.keyword]  # fmt: skip
    unit = f" {measure[1]}" if measure[1] else ""
    if finding.limit is None:
        bound = f"of {finding.failing}{unit}"
        return (
            allowed, f"{status} for {_a(name)} {bound}",
            f"{OPS}: {_a(name)} {bound} answers {status}: set a {finding.keyword} in the spec, "
            f"or {what}",
        )  # fmt: skip
    return (
        allowed, f"{status} for {_a(name)} {measure[0]} {finding.limit}{unit}",
        f"{OPS}: {_a(name)} {measure[0]} {finding.limit}{unit} answers {status}: add "
        f"`{finding.keyword}: {finding.limit}` to the spec, or {what}.",
    )  # fmt: skip


def _a(name: str) -> str:
    """`a title`, `an email`."""
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name
