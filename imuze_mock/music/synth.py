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
    pitches: npt.NDArray[np.float64],
    gains: npt.NDArray[np.float64],
    harmonics: Sequence[float],
    attack: float,
    decay: float,
    total: int,
) -> Samples:
    """One monophonic voice: contiguous notes starting at ``starts`` (s), ending at ``total``."""
    if total == 0 or len(starts) == 0:
        return np.zeros(total, dtype=np.float32)
    bounds = np.append(np.round(starts * SAMPLE_RATE).astype(np.int64), total)
    bounds = np.clip(bounds, 0, total)
    lengths = np.diff(bounds)
    freq = np.repeat((_hz(pitches) * (_TABLE_SIZE / SAMPLE_RATE)).astype(np.float64), lengths)
    phase = np.cumsum(freq)
    index = phase.astype(np.int64) & (_TABLE_SIZE - 1)
    wave = _wavetable(harmonics)[index]
    # The envelope depends only on the time into the note, so it is one table lookup.
    since = np.arange(total, dtype=np.int64) - np.repeat(bounds[:-1], lengths)
    longest = int(lengths.max())
    t = np.arange(longest, dtype=np.float64) / SAMPLE_RATE
    shape = np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-decay * t)
    until_end = np.repeat(bounds[1:], lengths) - np.arange(total, dtype=np.int64)
    release = np.minimum(1.0, until_end / (_RELEASE * SAMPLE_RATE)).astype(np.float32)
    envelope = shape.astype(np.float32)[since] * release
    voice: Samples = wave * envelope * np.repeat(gains.astype(np.float32), lengths)
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
        np.array([n.pitch for n in melody], dtype=np.float64),
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
        mix += 0.35 * _voice(chord_starts, roots - 12, ones, style.bass, 0.01, 1.5, total)
    if style.pad:
        for voice in range(3):
            pitches = np.array([c.pitches[voice] for c in score.chords], dtype=np.float64)
            mix += 0.12 * _voice(chord_starts, pitches, ones, (1.0, 0.2), 0.3, 0.1, total)
    if style.drums:
        mix += 0.4 * _drums(score.tempo, total)
    peak = float(np.max(np.abs(mix))) if total else 0.0
    if peak > 0:
        mix *= np.float32(0.89 / peak)
    return mix
