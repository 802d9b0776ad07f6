"""Comparing two regular expressions by what they match, as far as that can be decided.

Both are parsed with the standard library's regex parser; character classes are normalized
(members sorted and merged, \\d as [0-9], a literal as a one-character class). Trees equal but
for classes that are each a subset (or each a superset) of their peer are narrower (wider);
anything else is undecided, which the rules report as a WARN, never an ERR.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The stdlib's own regex parser (what `re.compile` runs), read as data; typeshed does not
# describe it the same way on every version, so it is typed as Any.
sre_parse: Any = importlib.import_module("re._parser")

_CATEGORIES = {
    "CATEGORY_DIGIT": [(48, 57)],
    "CATEGORY_WORD": [(48, 57), (65, 90), (95, 95), (97, 122)],
}


def same_pattern(old: str, new: str) -> bool | None:
    """Whether two regexes match the same strings: True when their normalized parse trees are
    equal, None when that cannot be decided (a different tree may still match the same)."""
    return True if compare_patterns(old, new) == "same" else None


def compare_patterns(old: str, new: str) -> str | None:
    """How `new` relates to `old`: "same", "narrower" or "wider" when the two parse to the same
    tree but for character classes, each a subset (or each a superset) of its peer; None when
    that cannot be decided."""
    if old == new:
        return "same"
    try:
        a, b = _canonical(sre_parse.parse(old)), _canonical(sre_parse.parse(new))
    except (re.error, RecursionError, TypeError, ValueError):
        return None
    found = _relation(a, b)
    if found is None:
        return None
    sub, sup = found
    return "same" if sub and sup else "narrower" if sub else "wider" if sup else None


def _relation(a: Any, b: Any) -> tuple[bool, bool] | None:
    """(every class of b within a's, every class of b covering a's), or None when the trees
    differ elsewhere."""
    if isinstance(a, tuple) and len(a) == 2 and a[0] == "IN" and isinstance(b, tuple):
        if len(b) != 2 or b[0] != "IN" or "opaque" in (a[1][:1] + b[1][:1]):
            return None if a != b else (True, True)
        return _within(b[1], a[1]), _within(a[1], b[1])
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return None
        sub = sup = True
        for x, y in zip(a, b, strict=True):
            found = _relation(x, y)
            if found is None:
                return None
            sub, sup = sub and found[0], sup and found[1]
        return sub, sup
    return (True, True) if a == b else None


def _within(inner: Any, outer: Any) -> bool:
    return all(any(lo <= i_lo and i_hi <= hi for lo, hi in outer) for i_lo, i_hi in inner)


def _canonical(parsed: Any) -> Any:
    items: list[Any] = []
    for op, arg in parsed:
        name = str(op)
        if name == "IN":
            items.append(("IN", _ranges(arg)))
        elif name in ("LITERAL",):
            items.append(("IN", ((arg, arg),)))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            items.append((name, low, int(high), _canonical(sub)))
        elif name == "SUBPATTERN":
            items.append(("GROUP", _canonical(arg[-1])))
        elif name == "BRANCH":
            items.append(("BRANCH", tuple(_canonical(b) for b in arg[1])))
        else:
            items.append((name, repr(arg)))
    return tuple(items)


def _ranges(arg: Any) -> tuple[tuple[int, int], ...] | tuple[str, str]:
    spans: list[tuple[int, int]] = []
    for op, value in arg:
        name = str(op)
        if name == "LITERAL":
            spans.append((value, value))
        elif name == "RANGE":
            spans.append((value[0], value[1]))
        elif name == "CATEGORY" and str(value) in _CATEGORIES:
            spans.extend(_CATEGORIES[str(value)])
        else:
            return ("opaque", repr(arg))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return tuple(merged)
