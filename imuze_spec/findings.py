"""One finding of `imuze-spec diff`, shared by the wire and the Python verdicts."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field


class Level(enum.IntEnum):
    """How a change affects an existing client: ordered, so `level >= fail_on` gates CI."""

    INFO = 0
    WARN = 1
    ERR = 2


@dataclass(frozen=True, order=True)
class Finding:
    """One classified change.

    `id` names the kind of change (e.g. "request-property-became-required"); `side` is
    "wire" (the HTTP contract) or "python" (the generated package's public API).
    `operation` is an operationId, or "" for a change outside any operation (a Python
    module, a shared component reported once); `operations` lists every operation a shared
    change reaches. `location` is a JSON pointer on the wire side, a dotted Python name on
    the Python side.
    """

    level: Level
    side: str
    id: str
    operation: str
    location: str
    message: str
    operations: tuple[str, ...] = field(default=(), compare=False)
    used_by: tuple[str, ...] = field(default=(), compare=False)

    @property
    def fingerprint(self) -> str:
        """Stable across runs and message rewording: id + operation + location."""
        key = f"{self.side}|{self.id}|{self.operation}|{self.location}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, object]:
        """The JSON shape of `--format json`."""
        return {
            "id": self.id,
            "level": self.level.name,
            "side": self.side,
            "operation": self.operation,
            "operations": list(self.operations),
            "location": self.location,
            "message": self.message,
            "fingerprint": self.fingerprint,
            "used_by": list(self.used_by),
        }
