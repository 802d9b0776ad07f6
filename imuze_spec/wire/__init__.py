"""The wire verdict: each spec change classified for an existing *client*, by direction.

A change that narrows what a client may send, or widens what it may receive, breaks it.
The document (info, servers, security schemes) is compared once; requests and responses
per operation (and per webhook and callback, where the client is the receiver); a change
inside a component (reached through `$ref`) is located in the component and reported once,
with every operation it reaches. Each finding's id is a rule of the table (rules.py).

Parts, by part of the document: document.py (info, servers, security), operations.py
(operations, parameters, callbacks, webhooks), messages.py (bodies, responses, headers,
links), schemas.py and properties.py (schemas), constraints.py (values and bounds).
"""

from __future__ import annotations

import datetime as dt
import sys

from ..findings import Finding
from ..load import Spec, SpecLoadError
from ..normalize import normalize
from ._record import MAX_DEPTH, Recorder, SpecTooDeepError, pointer, subject_of
from .document import document
from .operations import operations

__all__ = ["MAX_DEPTH", "SpecTooDeepError", "pointer", "subject_of", "wire_findings"]

_FRAMES_PER_LEVEL = 12  # the interpreter's stack the comparison takes per level of nesting


def wire_findings(old: Spec, new: Spec, today: dt.date | None = None) -> list[Finding]:
    """Every wire-level change from `old` to `new`, once each, classified for a client.

    Both specs are normalized first (normalize.py), so that no rule sees a mere spelling."""
    try:
        rec = Recorder(normalize(old), normalize(new), today or dt.date.today())
    except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
        raise SpecLoadError(
            f"{old.source} or {new.source} is not a valid OpenAPI document "
            f"({type(exc).__name__}: {exc}); check it with openapi-spec-validator"
        ) from None
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, MAX_DEPTH * _FRAMES_PER_LEVEL))
    try:
        document(rec)
        operations(rec)
    except RecursionError:  # a path the depth count does not see: still one line
        raise SpecTooDeepError(
            f"{old.source} or {new.source}: nested too deeply to compare near {rec.where}"
        ) from None
    except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
        # A structurally invalid spec (a list where a schema belongs...): one line, no traceback.
        raise SpecLoadError(
            f"{old.source} or {new.source} is not a valid OpenAPI document near {rec.where}"
            f" ({type(exc).__name__}: {exc}); check it with openapi-spec-validator"
        ) from None
    finally:
        sys.setrecursionlimit(limit)
    return sorted(rec.findings(), key=lambda f: (-f.level, f.operation, f.location, f.id))
