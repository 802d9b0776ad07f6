"""Links and media: every URL-valued field the behavioural phase sees is fetched and judged.

The fields are the spec's (behave_places.link_places: `format: uri` or `*_url`, each naming
its media in `x-imuze-media`). A link is fetched once (the first answer that carried it names
it), with its owner's credentials only on the API's own origin (README: the origin rule; off
that origin it is not fetched: not run, and why). It must answer 2xx with the media type the
spec names; where the spec promises ranges, `Range: bytes=0-0` must answer 206 with that one
byte; with two users, the other user must be denied it. A resource with a lifecycle serves its
media only once terminal (spec: Media), so its links are noted only when it was seen there.
At most PER_LINK requests per distinct link, and at most MAX_LINKS links per run, one of each
(operation, field) first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import httpx
from schemathesis.core.transport import Response

from imuze_ext._config import origin

from .behave_places import item_schema, links_of
from .probe_values import operations

if TYPE_CHECKING:
    from .behave import Phase

#: Requests per distinct link: the fetch, the range, the other user's fetch.
PER_LINK = 3
#: Distinct links fetched per run at most (one of each field first).
MAX_LINKS = 4


@dataclass(frozen=True)
class Link:
    """A URL an answer carried: where, in which field, what the spec says it serves."""

    operation_id: str
    field: str
    url: str
    media: Mapping[str, Any]


class Links:
    """The links the phase noted, in order, each URL once."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/") + "/"
        self.found: dict[str, Link] = {}

    def note(
        self, operation_id: str, schema: Mapping[str, Any], body: Any, spec: Mapping[str, Any]
    ) -> None:
        """Note the links of `body`, an answer (or list item) of `schema`."""
        if not isinstance(body, Mapping):
            return
        for name, media in links_of(schema, spec).items():
            value = body.get(name)
            if isinstance(value, str) and value:
                url = urljoin(self.base, value)
                self.found.setdefault(url, Link(operation_id, name, url, media))

    def same_origin(self, url: str) -> bool:
        """Whether `url` is on the API's origin (where the owner's credentials may go)."""
        try:
            return origin(httpx.URL(url)) == origin(httpx.URL(self.base))
        except (httpx.InvalidURL, ValueError):
            return False


def link_places_of_checks(spec: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """The operations whose answers carry a URL field that declares its media: where each
    link check applies (the run's coverage)."""
    media = {oid: links_of(item_schema(op, spec), spec) for oid, _, _, op in operations(spec)}
    linked = frozenset(oid for oid, links in media.items() if links)
    ranged = frozenset(
        oid for oid, links in media.items() if any(m.get("range") is True for m in links.values())
    )
    return {
        "link_serves_its_media": linked,
        "link_honours_range": ranged,
        "link_denied_to_others": linked,
    }


def _media_type(response: Response) -> str:
    values = response.headers.get("content-type") or response.headers.get("Content-Type") or []
    text = values[0] if isinstance(values, list) and values else str(values or "")
    return text.split(";", 1)[0].strip().lower()


def _admits(declared: str, actual: str) -> bool:
    declared = declared.lower()
    if declared.endswith("/*"):
        return actual.startswith(declared[:-1])
    return actual == declared


def follow_links(phase: Phase, links: Links) -> None:
    """Fetch every noted link (at most MAX_LINKS) and judge its answers."""
    off_origin = [link for link in links.found.values() if not links.same_origin(link.url)]
    if off_origin:
        fields = ", ".join(sorted({link.field for link in off_origin}))
        why = f"for {fields}: it led off the API's origin, where the run sends nothing"
        phase.done.not_run.append(("link_serves_its_media", f"{why} (the origin rule)"))
    own = [link for link in links.found.values() if links.same_origin(link.url)]
    kinds: set[tuple[str, str]] = set()
    firsts = [link for link in own if not _seen(kinds, (link.operation_id, link.field))]
    for link in [*firsts, *(link for link in own if link not in firsts)][:MAX_LINKS]:
        _fetch(phase, link)


def _seen(seen: set[tuple[str, str]], key: tuple[str, str]) -> bool:
    found = key in seen
    seen.add(key)
    return found


def _fetch(phase: Phase, link: Link) -> None:
    owner = phase.users[0]
    declared = str(link.media.get("type", ""))
    got = phase.raw(link.operation_id, "GET", link.url, user=owner)
    if got is not None and phase.session.traffic is not None:
        phase.session.traffic.link(link.operation_id, link.field)
    if got is None or not 200 <= got.status_code < 300 or not _admits(declared, _media_type(got)):
        kind = "" if got is None else _media_type(got) or "untyped"
        actual = "no answer" if got is None else f"{got.status_code} {kind}"
        phase.report(link.operation_id, "link_serves_its_media", got, f"/{link.field}",
                     f"{link.field} fetched 2xx as {declared} (x-imuze-media)", actual)  # fmt: skip
        return
    if link.media.get("range") is True:
        part = phase.raw(link.operation_id, "GET", link.url, user=owner,
                         headers={"Range": "bytes=0-0"})  # fmt: skip
        ranged = part is not None and part.status_code == 206 and len(part.content or b"") == 1
        if not ranged:
            actual = "no answer" if part is None else (
                f"{part.status_code} with {len(part.content or b'')} bytes")  # fmt: skip
            phase.report(link.operation_id, "link_honours_range", part, f"/{link.field}",
                         f"206 with the one byte of Range: bytes=0-0 ({link.field}, "
                         "x-imuze-media range)", actual)  # fmt: skip
    if len(phase.users) > 1:
        other = phase.raw(link.operation_id, "GET", link.url, user=phase.users[1])
        if other is None or 200 <= other.status_code < 300 or other.status_code >= 500:
            actual = "no answer" if other is None else f"{other.status_code} to {phase.users[1]}"
            phase.report(link.operation_id, "link_denied_to_others", other, f"/{link.field}",
                         f"{phase.users[0]}'s {link.field} denied to another user (4xx)",
                         actual)  # fmt: skip
