"""Object-level authorization on a list: one user's new song must not show in another's list.

schemathesis's `object_level_authorization` replays a read of one user's resource as another;
a list has no id to replay, so a leak through `listSongs` goes unseen (spec, Scope: "a user
sees only their own songs"). This phase, run when the target has two users, creates a song as
the first (the spec's example request) and lists the second user's songs.
"""

from __future__ import annotations

from typing import Any

from .collect import Collector
from .probe_values import operations, request_example
from .report import OPS, Deviation
from .session import Session, step_of

CHECK = "list_scope"
CREATE, LIST = "createSong", "listSongs"


def probe_list_scope(session: Session, collector: Collector) -> None:
    """Report a listSongs that shows the other user a song they do not own."""
    users = [user.name for user in session.target.users]
    if len(users) < 2:
        return
    spec = session.schema.raw_schema
    found = {
        operation_id: (method, path, op) for operation_id, method, path, op in operations(spec)
    }
    if CREATE not in found or LIST not in found:
        return
    created = session.send(CREATE, body=request_example(found[CREATE][2], spec), user=users[0])
    song_id = _id(created)
    if song_id is None:
        return
    listed = session.send(LIST, user=users[1])
    items = _items(listed)
    if not any(isinstance(item, dict) and item.get("id") == song_id for item in items):
        return
    method, path, _ = found[LIST]
    steps = [step_of(created, session.secrets), step_of(listed, session.secrets)]
    collector.add_deviation(
        Deviation(
            operation=f"{method} {path}",
            operation_id=LIST,
            check=CHECK,
            status=listed.status_code,
            location="scope",
            expected=f"{users[1]}'s list without {users[0]}'s songs (spec: Scope)",
            actual=f"{users[1]}'s list shows {users[0]}'s new song {song_id}",
            fix=f"{OPS} lists other users' songs: fix the server (security)",
            curl="",
            code="IMZ310",
            title="Another user's resource listed",
            steps=steps,
        ),
        f"scope-{song_id}",
    )


def _id(response: Any) -> int | None:
    try:
        body = response.json()
    except ValueError:
        return None
    value = body.get("id") if isinstance(body, dict) else None
    return value if isinstance(value, int) else None


def _items(response: Any) -> list[Any]:
    try:
        body = response.json()
    except ValueError:
        return []
    items = body.get("response") if isinstance(body, dict) else None
    return items if isinstance(items, list) else []
