"""What the regenerated code does that its signatures do not show: the HTTP method, the path,
the statuses it parses, how it encodes the body, and the wire names of its parameters."""

from __future__ import annotations

from collections.abc import Mapping

from ._behaviour import Behaviour
from ._compare_base import API_FUNCTIONS, Comparer
from .load import path_shape

_MEDIA = {"json": "JSON", "data": "form-encoded", "files": "multipart", "content": "raw"}


def behaviour(c: Comparer, old: Mapping[str, Behaviour], new: Mapping[str, Behaviour]) -> None:
    """Compare each operation module both generations have (a moved one is paired by route)."""
    moved = {
        module: target for module, target in _moves(c).items() if module in old and target in new
    }
    for module in sorted((old.keys() & new.keys()) | moved.keys()):
        target = moved.get(module, module)
        _module(c, module, target, old[module], new[target])


def _moves(c: Comparer) -> dict[str, str]:
    gone = set(c.old.operations) - set(c.new.operations)
    by_route = {route: m for m, route in c.new.operations.items() if m not in c.old.operations}
    return {m: by_route[c.old.operations[m]] for m in gone if c.old.operations[m] in by_route}


def _module(c: Comparer, module: str, target: str, old: Behaviour, new: Behaviour) -> None:
    calls = [f"{target}.{func}()" for func in API_FUNCTIONS]
    where = _Where(c, module, target.rsplit(".", 1)[1], calls, c.operation_of(module))
    _route(where, old, new)
    _statuses(where, old, new)
    _encoding(where, old, new)


class _Where:
    """One operation module being compared: where its findings go and what they reach."""

    def __init__(self, c: Comparer, module: str, short: str, calls: list[str], op: str) -> None:
        self.c, self.module, self.short, self.calls, self.op = c, module, short, calls, op

    def add(self, rule: str, location: str, message: str) -> None:
        self.c.add(rule, f"{self.module}.{location}", message, keys=self.calls, operation=self.op)


def _route(w: _Where, old: Behaviour, new: Behaviour) -> None:
    """The HTTP method and the path template."""
    if old.method != new.method:
        w.add(
            "python-operation-method-changed",
            "_get_kwargs.method",
            f"{w.short} now sends {new.method} (was {old.method}): a server that still serves "
            f"{old.method} {old.path} answers 405",
        )
    if path_shape(old.path) != path_shape(new.path):
        w.add(
            "python-operation-path-changed",
            "_get_kwargs.url",
            f"{w.short} now requests {new.path} (was {old.path}): a server that still serves "
            "the old path answers 404",
        )


_UNEXPECTED = "None, or UnexpectedStatus with raise_on_unexpected_status"


def _statuses(w: _Where, old: Behaviour, new: Behaviour) -> None:
    """The statuses each generation parses, as a success or as an error body."""
    parsing = ", ".join(map(str, sorted(new.success))) or "no success status"
    statuses = (
        (
            old.success - new.statuses,
            "python-success-status-dropped",
            "{short} no longer parses {status}: a server that still answers {status} gets "
            f"{_UNEXPECTED} (now parses {parsing})",
        ),
        (
            new.success - old.statuses,
            "python-success-status-parsed",
            "{short} parses {status} as a success",
        ),
        (
            old.errors - new.statuses,
            "python-error-status-dropped",
            "{short} no longer parses the {status} error body: it returns " + _UNEXPECTED,
        ),
        (
            new.errors - old.statuses,
            "python-error-status-parsed",
            "{short} parses a {status} error body",
        ),
    )
    for found, rule, template in statuses:
        for status in sorted(found):
            message = template.format(short=w.short, status=status)
            w.add(rule, f"_parse_response.{status}", message)


def _encoding(w: _Where, old: Behaviour, new: Behaviour) -> None:
    """How the body is encoded, and the wire names of query and header parameters."""
    if old.media - new.media:
        w.add(
            "python-request-media-type-changed",
            "_get_kwargs.body",
            f"{w.short} now sends its body {_spell(new.media)} (was {_spell(old.media)}): a "
            "server that still reads the old encoding rejects it",
        )
    for (where, name), wire in sorted(old.wire.items()):
        now = new.wire.get((where, name))
        if where == "header" and now is not None and now.lower() == wire.lower():
            continue  # header names are case-insensitive (RFC 9110 §5.1)
        if where != "path" and now is not None and now != wire:  # path names stay in the URL
            w.add(
                "python-parameter-wire-name-changed",
                name,
                f"{w.short} sends its {where} parameter `{name}` as {now!r} (was {wire!r}): a "
                "server that still reads the old name does not see it",
            )


def _spell(media: frozenset[str]) -> str:
    if not media:
        return "nowhere (no body)"
    parts = []
    for item in sorted(media):
        kwarg, _, content_type = item.partition(":")
        parts.append(f"{_MEDIA.get(kwarg, kwarg)}" + (f" ({content_type})" if content_type else ""))
    return " or ".join(parts)
