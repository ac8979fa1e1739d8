"""Mouth openness over an utterance, from its phoneme timings (or word timings as a fallback)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from speech.types import PhonemeTiming, Utterance
from stream.media import SAMPLES_PER_FRAME

GRID = 480  # 10 ms cells at 48 kHz
RAMP = 1920  # 40 ms: the shortest a lip movement between two targets may take
PAUSES = frozenset({"", "_", "_|", "_:", "_!", "||", "|", "#", "sil", "sp", "spn", "pau"})

_WIDE = 1.0
_MID = 0.72
_NARROW = 0.45
_CONSONANT = 0.15
_LABIAL = 0.02  # p, b, m: the lips touch
_LABIODENTAL = 0.07  # f, v
_WORD_VOWEL = 0.7
# espeak's ASCII phoneme names are case-sensitive (A = ɑ, E = ɛ, I = ɪ), so no lower-casing.
_VOWEL_OPENNESS = {
    **dict.fromkeys("aAɑæäɐɒ&0", _WIDE),
    **dict.fromkeys("eEoOəɛɔɜʌɤøœ@3V", _MID),
    **dict.fromkeys("iIuUyYɪʊɨʉɯʏɿʅ", _NARROW),
}
# Triangle over ~70 ms: rounds the corners left by linear interpolation (co-articulation).
_SMOOTH = np.array([1, 2, 3, 4, 3, 2, 1], dtype=np.float64) / 16.0


def phoneme_target(p: PhonemeTiming) -> float:
    """How open the mouth wants to be during this phoneme."""
    name = p.phoneme.strip()
    if name in PAUSES or name.startswith("_"):
        return 0.0
    if p.is_vowel:
        return max((_VOWEL_OPENNESS[c] for c in name if c in _VOWEL_OPENNESS), default=_MID)
    head = name[:1]
    if head in ("p", "b", "m"):
        return _LABIAL
    if head in ("f", "v"):
        return _LABIODENTAL
    return _CONSONANT


@dataclass(frozen=True, eq=False)
class VisemeTrack:
    num_samples: int
    grid: np.ndarray  # openness at the centre of each GRID-sample cell, read-only

    @classmethod
    def silent(cls, num_samples: int) -> "VisemeTrack":
        grid = np.zeros(max(0, -(-num_samples // GRID)), dtype=np.float64)
        grid.flags.writeable = False
        return cls(max(0, num_samples), grid)

    @classmethod
    def from_utterance(cls, utt: Utterance) -> "VisemeTrack":
        n = utt.num_samples
        if utt.phonemes:
            segments = [(p.start, p.end, phoneme_target(p)) for p in utt.phonemes]
        elif utt.words:
            segments = [seg for w in utt.words for seg in _word_segments(w.text, w.start, w.end)]
        else:
            return cls.silent(n)
        return cls.from_segments(n, segments)

    @classmethod
    def from_segments(cls, num_samples: int, segments: list[tuple[int, int, float]]) -> "VisemeTrack":
        """`segments` are (start, end, target) in samples; gaps between them are silence."""
        track = cls.silent(num_samples)
        cells = track.grid.shape[0]
        if cells == 0:
            return track
        xs, ys = _keypoints(num_samples, segments)
        centres = np.arange(cells, dtype=np.float64) * GRID + GRID / 2
        grid = np.interp(centres, xs, ys)
        grid = np.convolve(grid, _SMOOTH, mode="same")
        np.clip(grid, 0.0, 1.0, out=grid)
        grid.flags.writeable = False
        return cls(num_samples, grid)

    def openness_at(self, sample: int) -> float:
        if sample < 0 or sample >= self.num_samples:
            return 0.0
        pos = (sample - GRID / 2) / GRID
        i = math.floor(pos)
        last = self.grid.shape[0] - 1
        if i < 0:
            return float(self.grid[0])
        if i >= last:
            return float(self.grid[last])
        frac = pos - i
        return float(self.grid[i] * (1.0 - frac) + self.grid[i + 1] * frac)

    def openness_for_frame(self, frame_start_sample: int) -> float:
        """Mean openness over the frame's 1920 samples (relative to the utterance start)."""
        step = SAMPLES_PER_FRAME // 4
        return sum(self.openness_at(frame_start_sample + step // 2 + j * step) for j in range(4)) / 4

    def frames(self) -> np.ndarray:
        """openness_for_frame for every frame of the utterance, starting at sample 0."""
        count = -(-self.num_samples // SAMPLES_PER_FRAME)
        return np.array([self.openness_for_frame(k * SAMPLES_PER_FRAME) for k in range(count)])


def _word_segments(text: str, start: int, end: int) -> list[tuple[int, int, float]]:
    """No phonemes: treat a word (usually one Chinese syllable) as onset, vowel, coda."""
    if not any(c.isalnum() for c in text):
        return [(start, end, 0.0)]
    quarter = (end - start) // 4
    return [(start, start + quarter, _CONSONANT), (start + quarter, end - quarter, _WORD_VOWEL),
            (end - quarter, end, _CONSONANT * 2)]


def _keypoints(n: int, segments: list[tuple[int, int, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Hold each target over its segment minus RAMP, so neighbours blend over at least RAMP."""
    clipped = sorted((max(0, s), min(n, e), t) for s, e, t in segments if min(n, e) > max(0, s))
    filled: list[tuple[int, int, float]] = []
    cursor = 0
    for s, e, t in clipped:
        if s > cursor:
            filled.append((cursor, s, 0.0))
        filled.append((s, e, t))
        cursor = max(cursor, e)
    if cursor < n:
        filled.append((cursor, n, 0.0))
    points: list[tuple[float, float]] = [(0.0, 0.0)]
    for s, e, t in filled:
        centre, hold = (s + e) / 2, max(0, e - s - RAMP)
        if hold > 0:
            points += [(centre - hold / 2, t), (centre + hold / 2, t)]
        else:
            points.append((centre, t))
    points.append((float(n), 0.0))
    points.sort(key=lambda p: p[0])
    return np.array([p[0] for p in points]), np.array([p[1] for p in points])
