"""How an arrangement voices a melody: tempo, timbre, rhythm and accompaniment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Style:
    """The musical traits an arrangement gives every song it voices."""

    #: Beats per minute.
    tempo: float
    #: Relative amplitudes of the lead's harmonics 1, 2, 3, ... (its timbre).
    harmonics: tuple[float, ...]
    #: Note lengths of one bar of the lead, in beats; repeated through the song.
    rhythm: tuple[float, ...]
    #: MIDI note of the tonic the melody is built on.
    tonic: int = 60
    #: How fast each lead note fades, in 1/s (0 = sustained like a bowed string).
    decay: float = 3.0
    #: Attack time of each note, in seconds.
    attack: float = 0.01
    #: Harmonics of the bass voice; empty = no bass.
    bass: tuple[float, ...] = (1.0, 0.3)
    #: Kick and hat on the beat.
    drums: bool = False
    #: A sustained chord under the melody.
    pad: bool = False
