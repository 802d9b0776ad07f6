"""Vectorised additive synthesis: a score and a style become mono PCM samples."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .style import Style
from .theory import Score

SAMPLE_RATE = 22050
_TABLE_SIZE = 4096
_RELEASE = 0.012  # seconds of fade at each note's end, so notes do not click

Samples = npt.NDArray[np.float32]


def _wavetable(harmonics: Sequence[float]) -> Samples:
    x = np.arange(_TABLE_SIZE, dtype=np.float64) / _TABLE_SIZE
    wave = sum(
        (amp * np.sin(2 * np.pi * (k + 1) * x) for k, amp in enumerate(harmonics)),
        np.zeros(_TABLE_SIZE),
    )
    peak = float(np.max(np.abs(wave))) or 1.0
    return (wave / peak).astype(np.float32)


def _hz(pitches: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return 440.0 * np.power(2.0, (pitches - 69.0) / 12.0)


def _voice(
    starts: npt.NDArray[np.float64],
    pitch_rows: Sequence[npt.NDArray[np.float64]],
    gains: npt.NDArray[np.float64],
    harmonics: Sequence[float],
    attack: float,
    decay: float,
    total: int,
) -> Samples:
    """Notes starting at ``starts`` (s), each lasting until the next and the last until
    ``total``; one row of pitches per simultaneous line (a melody has one, a chord three)."""
    if total == 0 or len(starts) == 0:
        return np.zeros(total, dtype=np.float32)
    bounds = np.clip(np.append(np.round(starts * SAMPLE_RATE).astype(np.int64), total), 0, total)
    lengths = np.diff(bounds)
    table = _wavetable(harmonics)
    wave = np.zeros(total, dtype=np.float32)
    for pitches in pitch_rows:
        # Phase in wavetable steps; float64 keeps long songs in tune.
        phase = np.cumsum(np.repeat(_hz(pitches) * (_TABLE_SIZE / SAMPLE_RATE), lengths))
        wave += table[phase.astype(np.int64) & (_TABLE_SIZE - 1)]
    # The envelope depends only on the time into the note, so it is one table lookup.
    position = np.arange(total, dtype=np.int64)
    since = position - np.repeat(bounds[:-1], lengths)
    t = np.arange(int(lengths.max()), dtype=np.float64) / SAMPLE_RATE
    shape = (np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-decay * t)).astype(np.float32)
    until_end = np.repeat(bounds[1:], lengths) - position
    release = np.minimum(1.0, until_end * (1.0 / (_RELEASE * SAMPLE_RATE))).astype(np.float32)
    voice: Samples = wave * shape[since] * release * np.repeat(gains.astype(np.float32), lengths)
    return voice


def _drums(tempo: float, total: int) -> Samples:
    """A kick on every beat and a hat on every off-beat."""
    out = np.zeros(total, dtype=np.float32)
    beat = 60.0 / tempo
    k = np.arange(int(0.18 * SAMPLE_RATE)) / SAMPLE_RATE
    kick = (
        np.sin(2 * np.pi * (50 * k + 60 * (1 - np.exp(-30 * k)) / 30)) * np.exp(-18 * k)
    ).astype(np.float32)
    noise = np.random.default_rng(7).uniform(-1, 1, int(0.05 * SAMPLE_RATE))
    hat = (noise * np.exp(-80 * k[: len(noise)]) * 0.3).astype(np.float32)
    for n, sound in ((0.0, kick), (0.5, hat)):
        for start in np.round((np.arange(n, total / SAMPLE_RATE / beat, 1.0)) * beat * SAMPLE_RATE):
            s = int(start)
            end = min(total, s + len(sound))
            out[s:end] += sound[: end - s]
    return out


def synthesize(score: Score, style: Style) -> Samples:
    """The whole song as float32 samples in [-1, 1], exactly ``score.length`` seconds long."""
    total = round(score.length * SAMPLE_RATE)
    melody = score.melody
    mix = 0.55 * _voice(
        np.array([n.start for n in melody]),
        [np.array([n.pitch for n in melody], dtype=np.float64)],
        np.array([n.velocity for n in melody]),
        style.harmonics,
        style.attack,
        style.decay,
        total,
    )
    chord_starts = np.array([c.start for c in score.chords])
    roots = np.array([c.pitches[0] for c in score.chords], dtype=np.float64)
    ones = np.ones(len(score.chords))
    if style.bass:
        mix += 0.35 * _voice(chord_starts, [roots - 12], ones, style.bass, 0.01, 1.5, total)
    if style.pad:
        triads = np.array([c.pitches for c in score.chords], dtype=np.float64).reshape(-1, 3)
        mix += 0.12 * _voice(chord_starts, list(triads.T), ones, (1.0, 0.2), 0.3, 0.1, total)
    if style.drums:
        mix += 0.4 * _drums(score.tempo, total)
    peak = float(np.max(np.abs(mix))) if total else 0.0
    if peak > 0:
        mix *= np.float32(0.89 / peak)
    return mix
