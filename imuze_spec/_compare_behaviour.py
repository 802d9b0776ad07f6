"""What the regenerated code does that its signatures do not show: the HTTP method, the path,
the statuses it parses, how it encodes the body, and the wire names of its parameters."""

from __future__ import annotations

from collections.abc import Mapping

from ._behaviour import Behaviour
from ._compare_base import API_FUNCTIONS, Comparer
from .findings import Level
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
    op = c.operation_of(module)
    calls = [f"{target}.{func}()" for func in API_FUNCTIONS]
    short = target.rsplit(".", 1)[1]
    if old.method != new.method:
        c.add(
            Level.ERR,
            "python-operation-method-changed",
            f"{module}._get_kwargs.method",
            f"{short} now sends {new.method} (was {old.method}): a server that still serves "
            f"{old.method} {old.path} answers 405",
            keys=calls,
            operation=op,
        )
    if path_shape(old.path) != path_shape(new.path):
        c.add(
            Level.ERR,
            "python-operation-path-changed",
            f"{module}._get_kwargs.url",
            f"{short} now requests {new.path} (was {old.path}): a server that still serves "
            "the old path answers 404",
            keys=calls,
            operation=op,
        )
    unexpected = "None, or UnexpectedStatus with raise_on_unexpected_status"
    parsing = ", ".join(map(str, sorted(new.success))) or "no success status"
    statuses = (
        (
            old.success - new.statuses,
            Level.ERR,
            "python-success-status-dropped",
            "{short} no longer parses {status}: a server that still answers {status} gets "
            f"{unexpected} (now parses {parsing})",
        ),
        (
            new.success - old.statuses,
            Level.INFO,
            "python-success-status-parsed",
            "{short} parses {status} as a success",
        ),
        (
            old.errors - new.statuses,
            Level.WARN,
            "python-error-status-dropped",
            "{short} no longer parses the {status} error body: it returns " + unexpected,
        ),
        (
            new.errors - old.statuses,
            Level.INFO,
            "python-error-status-parsed",
            "{short} parses a {status} error body",
        ),
    )
    for found, level, rule, template in statuses:
        for status in sorted(found):
            message = template.format(short=short, status=status)
            location = f"{module}._parse_response.{status}"
            c.add(level, rule, location, message, keys=calls, operation=op)
    if old.media - new.media:
        c.add(
            Level.ERR,
            "python-request-media-type-changed",
            f"{module}._get_kwargs.body",
            f"{short} now sends its body {_spell(new.media)} (was {_spell(old.media)}): a "
            "server that still reads the old encoding rejects it",
            keys=calls,
            operation=op,
        )
    for (where, name), wire in sorted(old.wire.items()):
        now = new.wire.get((where, name))
        if where != "path" and now is not None and now != wire:  # path names stay in the URL
            c.add(
                Level.ERR,
                "python-parameter-wire-name-changed",
                f"{module}.{name}",
                f"{short} sends its {where} parameter `{name}` as {now!r} (was {wire!r}): a "
                "server that still reads the old name does not see it",
                keys=calls,
                operation=op,
            )


def _spell(media: frozenset[str]) -> str:
    if not media:
        return "nowhere (no body)"
    parts = []
    for item in sorted(media):
        kwarg, _, content_type = item.partition(":")
        parts.append(f"{_MEDIA.get(kwarg, kwarg)}" + (f" ({content_type})" if content_type else ""))
    return " or ".join(parts)
