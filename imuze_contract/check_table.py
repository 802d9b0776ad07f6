"""One row per contract check: its rule in a sentence, who fixes it, what it judges, its fix.

The rows are data, one a line of checks.toml; `Check` says what each field means.

Every other list of checks derives from `CHECKS`: the sentence of a failure no handler shapes
(sentences.py), the reason `--propose` gives no spec edit (propose.py), the checks that judge
one answer on their own (session.py, judge_again.py), the checks a baseline entry was tested
by only at its status (baseline.py), and the names a deviation may carry (catalog.py). Adding
a check touches two places: its row in checks.toml, and its code (a `@schemathesis.check`
function, or a phase of the runner). tests/contract/test_propose.py and test_sentences.py
fail when a check of schemathesis's registry or ours has no row.

No schemathesis here: a report reader imports it without the heavy import.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .report import OPS

#: Dispositions: why a finding gets no spec edit from `--propose`. A security or 5xx finding
#: is never edited away; a server looser than the spec is not answered by relaxing the spec;
#: a rule the spec states in prose is the server's to keep.
SECURITY = "a security finding"
SERVER_ERROR = "a server error"
#: The disposition of a check whose findings may get a mechanical spec edit.
SPEC_EDIT = None


@dataclass(frozen=True)
class Check:
    """A contract check's metadata; `fix` has OPS where the operation(s) go."""

    id: str
    #: What the check expects, as the expected half of a row ("expected X; got Y").
    rule: str
    #: Why its findings are the server's to fix, or SPEC_EDIT (None): a candidate spec edit.
    disposition: str | None
    #: Whether it judges one answer on its own (no generated case, no run history).
    single_answer: bool
    fix: str
    #: Whether it judges only the body of an answer with the deviation's status (a baseline
    #: entry is tested only when the operation answered that status).
    per_status: bool = False
    #: Whether it needs a second user (it cannot run in a one-user run).
    two_users: bool = False
    #: Why the contract never runs it, or None.
    off: str | None = None
    #: The spec place or norm the rule derives from ("" for the older shape checks).
    source: str = ""
    #: How bad a deviation is: "high" (security, data loss), "medium" or "low".
    severity: str = "medium"
    #: The behavioural family it belongs to (behave.py), or "" for a shape check.
    family: str = ""


#: The sentences many rows share, named `@name` in checks.toml.
NAMED: Mapping[str, str] = {
    "@security": SECURITY,
    "@server-error": SERVER_ERROR,
    "@fix-server": f"{OPS} breaks this rule: fix the server",
    "@fix-schema": f"{OPS} answers what the spec does not say: fix the server, or document it",
}


def _rows() -> tuple[Check, ...]:
    """The rows of checks.toml, in their order, each `@name` value spelled out."""
    text = resources.files(__package__).joinpath("checks.toml").read_text("utf-8")
    rows = []
    for fields in tomllib.loads(text)["checks"]:
        named: dict[str, Any] = {"disposition": SPEC_EDIT}
        named |= {k: NAMED.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
        named["fix"] = named["fix"].replace("@OPS@", OPS)
        rows.append(Check(**named))
    return tuple(rows)


_ROWS = _rows()

#: Every check, by id.
CHECKS: Mapping[str, Check] = {row.id: row for row in _ROWS}
#: The checks that judge one answer on its own, in the order they judge it.
SINGLE_ANSWER = tuple(row.id for row in _ROWS if row.single_answer)
#: The checks that judge only the answers of one status.
PER_STATUS = frozenset(row.id for row in _ROWS if row.per_status)


#: Why a check that needs a second user did not run.
NO_SECOND_USER = (
    "it needs a second user: set IMUZE_OTHER_EMAIL and IMUZE_OTHER_PASSWORD "
    "(or IMUZE_OTHER_API_KEY)"
)


#: Why a behavioural check did not run in a run that switched them off (the bench's baseline).
BEHAVIOUR_OFF = "the behavioural checks were switched off (RunOptions(behaviour=False))"


def behavioural() -> frozenset[str]:
    """The behavioural checks: the rows of a family."""
    return frozenset(row.id for row in _ROWS if row.family)


def checks_of_run(
    users: int, behaviour: bool = True
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(the checks a run with this many users runs, (check, why) for those it cannot);
    without `behaviour`, the behavioural checks are among the latter."""
    ran, not_run = [], []
    for row in _ROWS:
        why = row.off or (NO_SECOND_USER if row.two_users and users < 2 else None)
        why = why or (BEHAVIOUR_OFF if row.family and not behaviour else None)
        if why is None:
            ran.append(row.id)
        else:
            not_run.append((row.id, why))
    return tuple(ran), tuple(not_run)


def row_of(check: Callable[..., Any] | str) -> Check:
    """The row of a check, by its id or by the function that implements it."""
    return CHECKS[check if isinstance(check, str) else check.__name__]


#: The README's behavioural-check table sits between these lines (tests/contract/test_behave.py
#: fails when it drifts from the rows).
TABLE_START = "<!-- behavioural checks: generated from imuze_contract/check_table.py -->"
TABLE_END = "<!-- end of behavioural checks -->"


def behaviour_table() -> str:
    """The behavioural checks as a Markdown table, from their rows."""
    lines = [
        "| check | family | rule | derived from | severity | a deviation is |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in _ROWS:
        if row.family:
            whose = (
                "a candidate spec edit" if row.disposition is SPEC_EDIT else "the server's to fix"
            )
            lines.append(
                f"| `{row.id}` | {row.family} | {row.rule} | {row.source} | {row.severity} "
                f"| {whose} |"
            )
    return "\n".join(lines)
