"""Song rendering: a melody from the title, voiced by an arrangement's style, encoded to MP3."""

from .render import Rendered, render_song
from .style import Style
from .theory import MODES, mode_for_title

__all__ = ["MODES", "Rendered", "Style", "mode_for_title", "render_song"]
