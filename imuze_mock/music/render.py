"""Render a song end to end: compose, synthesize, encode, describe."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .encode import encode_mp3
from .style import Style
from .synth import synthesize
from .theory import compose


@dataclass(frozen=True)
class Rendered:
    """A finished song: its MP3 and its timeline as JSON bytes."""

    mp3: bytes
    timeline: bytes
    mode: str

    @property
    def size(self) -> int:
        """Bytes this song holds in memory."""
        return len(self.mp3) + len(self.timeline)


def render_song(title: str, style: Style, length: int) -> Rendered:
    """The song for ``title`` voiced in ``style``, ``length`` seconds long. Deterministic.

    The timeline lists the sections and the melody's notes (start and duration in seconds,
    pitch as a MIDI note number).
    """
    score = compose(title, style, length)
    mp3 = encode_mp3(synthesize(score, style))
    timeline = {
        "title": title,
        "musical_mode": score.mode,
        "tempo": score.tempo,
        "length": score.length,
        "sections": [asdict(s) for s in score.sections],
        "notes": [
            {"start": n.start, "duration": n.duration, "pitch": n.pitch, "voice": "melody"}
            for n in score.melody
        ],
    }
    return Rendered(mp3, json.dumps(timeline, separators=(",", ":")).encode(), score.mode)
