"""Modes and composition: the title seeds a melody, the style lays it out in time."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .style import Style

#: The seven church modes, spelled as upstream sends them ("Mixolydia", sic).
MODES: tuple[str, ...] = (
    "Ionian",
    "Dorian",
    "Phrygian",
    "Lydian",
    "Mixolydia",
    "Aeolian",
    "Locrian",
)
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
#: Semitone offsets of each mode's seven degrees: the major scale rotated.
SCALES: dict[str, tuple[int, ...]] = {
    mode: tuple((_MAJOR[(i + k) % 7] - _MAJOR[i]) % 12 for k in range(7))
    for i, mode in enumerate(MODES)
}
#: Chord roots (scale degrees) of a few four-bar progressions.
_PROGRESSIONS = ((0, 5, 3, 4), (0, 3, 4, 3), (0, 4, 5, 3), (5, 3, 0, 4), (0, 2, 3, 4), (0, 6, 5, 4))
#: Song form as (section name, share of the song, melodic lift in scale degrees).
_FORM = (
    ("intro", 0.1, 0),
    ("verse", 0.25, 0),
    ("chorus", 0.2, 2),
    ("verse", 0.2, 0),
    ("chorus", 0.15, 2),
    ("outro", 0.1, -1),
)
_BEATS_PER_BAR = 4


def _seed(title: str) -> int:
    return int.from_bytes(hashlib.sha256(title.encode()).digest()[:8], "big")


def mode_for_title(title: str) -> str:
    """The song's musical mode: one of the church modes, chosen by the title."""
    return MODES[_seed("mode:" + title) % len(MODES)]


@dataclass(frozen=True)
class Note:
    """One note of the timeline: times in seconds, pitch as a MIDI number."""

    start: float
    duration: float
    pitch: int
    velocity: float


@dataclass(frozen=True)
class Chord:
    """A bar's chord: its root and triad as MIDI numbers."""

    start: float
    duration: float
    pitches: tuple[int, int, int]


@dataclass(frozen=True)
class Section:
    """A named stretch of the song."""

    name: str
    start: float
    duration: float


@dataclass(frozen=True)
class Score:
    """Everything the synthesizer needs: the lead melody, the chords, the form."""

    mode: str
    tempo: float
    length: float
    sections: tuple[Section, ...]
    melody: tuple[Note, ...]
    chords: tuple[Chord, ...]


def _motif(rng: np.random.Generator, size: int) -> list[int]:
    """A singable line of scale degrees: mostly steps, a few leaps, back home at the end."""
    steps = rng.choice([-2, -1, -1, 0, 1, 1, 2, 3, -3], size=size)
    line = np.clip(np.cumsum(steps), -4, 9).tolist()
    line[-1] = int(rng.choice([0, 2, 4]))
    return [int(d) for d in line]


def _pitch(tonic: int, scale: tuple[int, ...], degree: int) -> int:
    octave, step = divmod(degree, 7)
    return tonic + 12 * octave + scale[step]


def _sections(length: float) -> tuple[Section, ...]:
    if length < 8:
        return (Section("theme", 0.0, float(length)),)
    bounds = np.cumsum([0.0] + [share for _, share, _ in _FORM]) * length
    return tuple(
        Section(name, float(bounds[i]), float(bounds[i + 1] - bounds[i]))
        for i, (name, _, _) in enumerate(_FORM)
    )


def compose(title: str, style: Style, length: int) -> Score:
    """Lay the title's melody out over ``length`` seconds in the style's tempo and rhythm.

    The scale degrees depend on the title only, so every arrangement plays the same tune;
    the style decides when each note sounds and how long it lasts.
    """
    rng = np.random.default_rng(_seed("melody:" + title))
    mode = mode_for_title(title)
    scale = SCALES[mode]
    a_part, b_part = _motif(rng, 8), _motif(rng, 8)
    tune = a_part + a_part[:6] + [a_part[6] + 1, a_part[7]] + b_part + a_part
    progression = _PROGRESSIONS[_seed("chords:" + title) % len(_PROGRESSIONS)]
    sections = _sections(float(length))
    lift_at = [(s.start, lift) for s, (_, _, lift) in zip(sections, _FORM, strict=False)]
    beat = 60.0 / style.tempo

    melody: list[Note] = []
    t, i = 0.0, 0
    while t < length - 1e-9:
        beats = style.rhythm[i % len(style.rhythm)]
        duration = min(beats * beat, length - t)
        lift = [lf for start, lf in lift_at if start <= t + 1e-9][-1]
        degree = tune[i % len(tune)] + lift
        velocity = 0.8 if lift > 0 else 0.65
        pitch = _pitch(style.tonic, scale, degree)
        melody.append(Note(round(t, 6), round(duration, 6), pitch, velocity))
        t += beats * beat
        i += 1

    chords: list[Chord] = []
    bar = _BEATS_PER_BAR * beat
    t, i = 0.0, 0
    while t < length - 1e-9:
        root = progression[i % len(progression)]
        duration = min(bar, length - t)
        triad = tuple(_pitch(style.tonic - 12, scale, root + k) for k in (0, 2, 4))
        chords.append(Chord(round(t, 6), round(duration, 6), (triad[0], triad[1], triad[2])))
        t += bar
        i += 1
    return Score(mode, style.tempo, float(length), sections, tuple(melody), tuple(chords))
