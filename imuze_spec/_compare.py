"""Classify the differences between two snapshots of the generated client: its public API,
and what each operation module does (method, path, statuses, media type, wire names).

Each change becomes a Finding (side "python") plus the `keys` that a use in imuze_ext, the
CLI or the mock must match to be in its blast radius (see _usage.py). The ids and their
levels are the Python rows of the rule table (rules.toml). The parts, by kind of
change: _compare_operations.py (api modules, modules, functions), _compare_signatures.py
(parameters and returns), _compare_models.py (models, fields, enums, classes) and
_compare_behaviour.py (what the generated code does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import griffe

from ._behaviour import Behaviour
from ._compare_base import API_FUNCTIONS, PACKAGE, Change, Comparer
from ._compare_behaviour import behaviour
from ._compare_models import classes, enums, models
from ._compare_operations import functions, modules, operations
from ._compare_signatures import griffe_breakages, signatures
from ._snapshot import Snapshot

__all__ = ["API_FUNCTIONS", "PACKAGE", "Change", "compare"]


def compare(
    old: Snapshot,
    new: Snapshot,
    breakages: Iterable[griffe.Breakage],
    old_ops: Mapping[str, str],
    new_ops: Mapping[str, str],
    behaviours: tuple[Mapping[str, Behaviour], Mapping[str, Behaviour]] | None = None,
) -> list[Change]:
    """Every public-API change from `old` to `new`. `old_ops`/`new_ops` map api modules to
    their operationIds; `breakages` are griffe's, for the signatures it checks;
    `behaviours` (old, new) are what each generation's operation modules do."""
    comparer = Comparer(old, new, old_ops, new_ops)
    handled = operations(comparer)
    modules(comparer, handled)
    functions(comparer, handled)
    griffe_breakages(
        comparer, (b for b in breakages if b.obj.path.rsplit(".", 1)[0] not in handled)
    )
    signatures(comparer, handled)
    models(comparer)
    enums(comparer)
    classes(comparer)
    if behaviours is not None:
        behaviour(comparer, *behaviours)
    return comparer.changes
