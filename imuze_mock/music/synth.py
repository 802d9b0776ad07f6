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
_RELEASE_SCALE = np.float32(1.0 / (_RELEASE * SAMPLE_RATE))
_BLOCK = 1 << 15  # samples rendered at a time: small enough to stay in cache

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


class _Voice:
    """Notes starting at ``starts`` (s), each lasting until the next, the last until the end;
    one row of pitches per simultaneous line (a melody has one, a chord three).

    Rendered block by block, so that long songs stay in the CPU cache and memory stays flat.
    """

    def __init__(
        self,
        starts: npt.NDArray[np.float64],
        pitch_rows: Sequence[npt.NDArray[np.float64]],
        gains: npt.NDArray[np.float64],
        harmonics: Sequence[float],
        attack: float,
        decay: float,
        total: int,
    ) -> None:
        first = np.round(starts * SAMPLE_RATE).astype(np.int64)
        self.bounds = np.clip(np.append(first, total), 0, total)
        # Phase advance per sample, in wavetable steps, for each line and note.
        self.steps = [_hz(pitches) * (_TABLE_SIZE / SAMPLE_RATE) for pitches in pitch_rows]
        self.phases = [0.0] * len(pitch_rows)
        self.gains = gains.astype(np.float32)
        self.table = _wavetable(harmonics)
        longest = int(np.diff(self.bounds).max()) if len(starts) else 0
        t = np.arange(longest, dtype=np.float64) / SAMPLE_RATE
        # The envelope depends only on the time into the note, so it is one table lookup.
        self.shape = (np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-decay * t)).astype(
            np.float32
        )

    def render(self, begin: int, end: int) -> Samples:
        """Samples ``begin`` (inclusive) to ``end`` (exclusive)."""
        bounds = self.bounds
        if len(bounds) < 2:
            return np.zeros(end - begin, dtype=np.float32)
        first = int(np.searchsorted(bounds, begin, side="right")) - 1
        last = int(np.searchsorted(bounds, end - 1, side="right")) - 1
        notes = slice(first, last + 1)
        lengths = np.minimum(bounds[first + 1 : last + 2], end) - np.maximum(bounds[notes], begin)
        wave = np.zeros(end - begin, dtype=np.float32)
        for row, steps in enumerate(self.steps):
            phase = np.cumsum(np.repeat(steps[notes], lengths)) + self.phases[row]
            self.phases[row] = float(phase[-1]) % _TABLE_SIZE  # small numbers stay precise
            wave += self.table[phase.astype(np.int64) & (_TABLE_SIZE - 1)]
        position = np.arange(begin, end, dtype=np.int64)
        since = position - np.repeat(bounds[notes], lengths)
        until_end = np.repeat(bounds[first + 1 : last + 2], lengths) - position
        release = np.minimum(np.float32(1.0), until_end.astype(np.float32) * _RELEASE_SCALE)
        gain = np.repeat(self.gains[notes], lengths)
        voice: Samples = wave * self.shape[since] * release * gain
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
    melody, chords = score.melody, score.chords
    chord_starts = np.array([c.start for c in chords], dtype=np.float64)
    triads = np.array([c.pitches for c in chords], dtype=np.float64).reshape(-1, 3)
    ones = np.ones(len(chords))
    voices: list[tuple[float, _Voice]] = []
    if melody:
        lead = _Voice(
            np.array([n.start for n in melody], dtype=np.float64),
            [np.array([n.pitch for n in melody], dtype=np.float64)],
            np.array([n.velocity for n in melody], dtype=np.float64),
            style.harmonics,
            style.attack,
            style.decay,
            total,
        )
        voices.append((0.55, lead))
    if chords and style.bass:
        bass = _Voice(chord_starts, [triads[:, 0] - 12], ones, style.bass, 0.01, 1.5, total)
        voices.append((0.35, bass))
    if chords and style.pad:
        pad = _Voice(chord_starts, list(triads.T), ones, (1.0, 0.2), 0.3, 0.1, total)
        voices.append((0.12, pad))
    mix = 0.4 * _drums(score.tempo, total) if style.drums else np.zeros(total, dtype=np.float32)
    for begin in range(0, total, _BLOCK):
        end = min(total, begin + _BLOCK)
        block = mix[begin:end]
        for level, voice in voices:
            block += np.float32(level) * voice.render(begin, end)
    peak = float(np.max(np.abs(mix))) if total else 0.0
    if peak > 0:
        mix *= np.float32(0.89 / peak)
    return mix
