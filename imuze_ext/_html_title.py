"""The title of an HTML error page (a proxy's or gateway's), for the error's message.

Its own module so that html.parser loads with the first HTML page, not with `import imuze`.
"""

from __future__ import annotations

import html.parser

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class TitleFinder(html.parser.HTMLParser):
    """Collects an HTML page's <title> and first heading."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.heading = ""
        self._in: str | None = None
        self._done: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = "title" if tag == "title" else "heading" if tag in _HEADINGS else None
        if kind and kind not in self._done:
            self._in = kind

    def handle_endtag(self, tag: str) -> None:
        if self._in and (tag == "title" or tag in _HEADINGS):
            self._done.add(self._in)
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "heading":
            self.heading += data
