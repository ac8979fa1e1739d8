"""Mouth shapes over an utterance, from its phoneme timings (or word timings as a fallback).

Each phoneme maps to one of eleven visemes; a viseme is a point in a small space of mouth
parameters (MouthShape). The track interpolates those parameters between phoneme centres with a
ramp of at least 40 ms and then smooths them, so neighbouring shapes blend (co-articulation) and the
mouth never pops. Consonants also lean towards the next vowel's lip rounding, as real lips do.

Both phoneme alphabets in use are mapped: IPA (misaki, for the Kokoro engine) and espeak-ng's
ASCII mnemonics (its cmn voice gives e.g. "ts.h", "s.", "@", "aI", "N").
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

from speech.types import PhonemeTiming, Utterance
from stream.media import SAMPLES_PER_FRAME

GRID = 480  # 10 ms cells at 48 kHz
RAMP = 1920  # 40 ms: the shortest a lip movement between two targets may take
PAUSES = frozenset({"", "_", "_|", "_:", "_!", "||", "|", "#", "sil", "sp", "spn", "pau"})
ANTICIPATION = 0.35  # how far a consonant's lips already take the next vowel's shape
# The jaw follows the voice: a syllable's opening scales with its loudness (relative to the line's
# loud parts), so stressed vowels open wide, weak ones less, and silence the timings call a vowel
# (a line's long final vowel, a breath) closes the mouth.
LOUD_REFERENCE = 85  # percentile of the voiced cells' RMS that counts as fully loud
LOUD_FLOOR = 0.04  # share of the line's peak RMS below which a cell is silence
LOUD_POWER = 0.6  # < 1: quieter syllables still open visibly


@dataclass(frozen=True)
class MouthShape:
    """Mouth parameters, all 0..1 except width (-1 puckered .. +1 spread)."""

    open: float = 0.0  # gap between the lips (jaw drop)
    width: float = 0.0
    round: float = 0.0  # lips pushed into an O
    upper_teeth: float = 0.0  # how much of the upper teeth shows
    lower_teeth: float = 0.0
    tongue: float = 0.0
    press: float = 0.0  # lips pressed together (m, b, p)

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, f.name) for f in fields(self)], dtype=np.float64)

    @classmethod
    def from_vector(cls, v: np.ndarray) -> "MouthShape":
        return cls(*(float(x) for x in v))

    def quantized(self, steps: int = 12) -> "MouthShape":
        """Rounded onto a grid, so renderers can cache one drawing per grid point."""
        return MouthShape(*(round(getattr(self, f.name) * steps) / steps for f in fields(self)))


class Viseme(IntEnum):
    REST = 0
    MBP = 1  # lips pressed
    FV = 2  # lower lip under the upper teeth
    SZ = 3  # teeth together, lips spread: s z sh ch zh j q x c
    DNL = 4  # tongue tip up: t d n l
    KG = 5  # back of the tongue: k g ng h
    AA = 6
    EH = 7
    IY = 8
    OH = 9
    UW = 10


SHAPES: dict[Viseme, MouthShape] = {
    Viseme.REST: MouthShape(),
    Viseme.MBP: MouthShape(width=-0.05, press=1.0),
    Viseme.FV: MouthShape(open=0.1, width=0.05, upper_teeth=1.0),
    Viseme.SZ: MouthShape(open=0.12, width=0.4, upper_teeth=1.0, lower_teeth=1.0),
    Viseme.DNL: MouthShape(open=0.3, width=0.1, upper_teeth=0.6, lower_teeth=0.2, tongue=0.8),
    Viseme.KG: MouthShape(open=0.38, width=0.05, upper_teeth=0.5, lower_teeth=0.2, tongue=0.4),
    Viseme.AA: MouthShape(open=1.0, width=0.15, upper_teeth=0.6, lower_teeth=0.1, tongue=0.5),
    Viseme.EH: MouthShape(open=0.62, width=0.35, upper_teeth=0.8, lower_teeth=0.3, tongue=0.3),
    Viseme.IY: MouthShape(open=0.3, width=0.6, upper_teeth=1.0, lower_teeth=0.7),
    Viseme.OH: MouthShape(open=0.72, width=-0.4, round=0.7, upper_teeth=0.2, tongue=0.2),
    Viseme.UW: MouthShape(open=0.3, width=-0.7, round=1.0),
}
_VECTORS = np.stack([SHAPES[v].vector() for v in Viseme])
_PARAMS = len(fields(MouthShape))

# Vowel letters, IPA and espeak ASCII. espeak's names are case-sensitive (A = ɑ, E = ɛ, I = ɪ, O = ɔ),
# so no lower-casing. misaki's diphthong capitals (A = eɪ, I = aɪ, O = oʊ) land close enough.
_VOWELS: dict[str, Viseme] = {
    **dict.fromkeys("aAɑæäɐɒ&ᴀ", Viseme.AA),
    **dict.fromkeys("eEɛəɜʌɤɘ@3VR", Viseme.EH),
    **dict.fromkeys("iIɪɨɿʅɯj", Viseme.IY),
    **dict.fromkeys("oOɔøœɵ0Q", Viseme.OH),
    **dict.fromkeys("uUʊʉyYʏwWɥ", Viseme.UW),
}
# Consonants by their first letter (after an optional affricate "t"/"d" prefix has been looked at).
_CONSONANTS: dict[str, Viseme] = {
    **dict.fromkeys("pbmɸβʙɱ", Viseme.MBP),
    **dict.fromkeys("fvʋ", Viseme.FV),
    **dict.fromkeys("szʃʒʂʐɕʑʦʣʧʤʨʥcSZCθðTD", Viseme.SZ),
    **dict.fromkeys("tdnlɾɹɻrɭɳ", Viseme.DNL),
    **dict.fromkeys("kgŋNxhɣχʔqɦG", Viseme.KG),
    **dict.fromkeys("wɥ", Viseme.UW),
    **dict.fromkeys("jJ", Viseme.IY),
}


def _letters(name: str) -> str:
    """The phoneme name without tone numbers, tone letters, stress or length marks."""
    out = []
    for ch in unicodedata.normalize("NFD", name):
        if ch.isdigit() or ch in "˥˦˧˨˩ˈˌːˑ'\",%=-_|:!.~^" or unicodedata.combining(ch):
            continue
        out.append(ch)
    return "".join(out)


def vowel_visemes(name: str) -> list[Viseme]:
    """The vowel qualities in a vowel phoneme, in order (two for a diphthong such as "aI" or "aʊ")."""
    found: list[Viseme] = []
    for ch in _letters(name):
        v = _VOWELS.get(ch)
        if v is not None and (not found or found[-1] != v):
            found.append(v)
    return found[:2] or [Viseme.EH]


def consonant_viseme(name: str) -> Viseme:
    letters = _letters(name)
    if not letters:
        return Viseme.REST
    if letters[0] in "td" and len(letters) > 1 and letters[1] in "szʃʒʂʐɕʑSZ":  # ts, tʃ, dʒ, tS, ts.h
        return Viseme.SZ
    return _CONSONANTS.get(letters[0], Viseme.KG)


def phoneme_visemes(p: PhonemeTiming) -> list[Viseme]:
    name = p.phoneme.strip()
    if name in PAUSES or name.startswith("_"):
        return [Viseme.REST]
    if p.is_vowel:
        return vowel_visemes(name)
    return [consonant_viseme(name)]


# Triangle over ~70 ms: rounds the corners left by linear interpolation.
_SMOOTH = np.array([1, 2, 3, 4, 3, 2, 1], dtype=np.float64) / 16.0
Segment = tuple[int, int, np.ndarray]  # start, end (samples), target parameter vector


@dataclass(frozen=True, eq=False)
class VisemeTrack:
    num_samples: int
    grid: np.ndarray  # (cells, params): MouthShape parameters at the centre of each GRID cell, read-only
    visemes: tuple[tuple[int, int, Viseme], ...] = ()  # (start, end, viseme) as scheduled, for inspection

    @classmethod
    def silent(cls, num_samples: int) -> "VisemeTrack":
        grid = np.zeros((max(0, -(-num_samples // GRID)), _PARAMS), dtype=np.float64)
        grid.flags.writeable = False
        return cls(max(0, num_samples), grid)

    @classmethod
    def from_utterance(cls, utt: Utterance) -> "VisemeTrack":
        n = utt.num_samples
        if utt.phonemes:
            scheduled = _schedule(utt.phonemes)
        elif utt.words:
            scheduled = [seg for w in utt.words for seg in _word_segments(w.text, w.start, w.end)]
        else:
            return cls.silent(n)
        segments = _anticipate(scheduled)
        track = cls.from_segments(n, segments)
        grid = np.array(track.grid)
        gate = loudness_cells(utt.pcm, grid.shape[0])
        gate *= _closures(scheduled, grid.shape[0])
        for column in (0, 3, 4, 5):  # opening and what only shows when open (teeth, tongue)
            grid[:, column] *= gate
        grid.flags.writeable = False
        return cls(track.num_samples, grid, tuple(scheduled))

    @classmethod
    def from_segments(cls, num_samples: int, segments: list[Segment]) -> "VisemeTrack":
        """`segments` are (start, end, parameter vector or openness) in samples; gaps are silence."""
        track = cls.silent(num_samples)
        cells = track.grid.shape[0]
        if cells == 0:
            return track
        segs = [(s, e, t if isinstance(t, np.ndarray) else MouthShape(open=float(t)).vector()) for s, e, t in segments]
        xs, ys = _keypoints(num_samples, segs)
        centres = np.arange(cells, dtype=np.float64) * GRID + GRID / 2
        grid = np.empty((cells, _PARAMS), dtype=np.float64)
        for j in range(_PARAMS):
            column = np.interp(centres, xs, ys[:, j])
            grid[:, j] = np.convolve(np.pad(column, 3, mode="edge"), _SMOOTH, mode="valid")
        np.clip(grid, 0.0, 1.0, out=grid)
        grid[:, 1] = np.clip(np.interp(centres, xs, ys[:, 1]), -1.0, 1.0)  # width may be negative
        grid[:, 1] = np.convolve(np.pad(grid[:, 1], 3, mode="edge"), _SMOOTH, mode="valid")
        grid.flags.writeable = False
        return cls(num_samples, grid)

    def shape_at(self, sample: int) -> np.ndarray:
        if sample < 0 or sample >= self.num_samples:
            return np.zeros(_PARAMS)
        pos = (sample - GRID / 2) / GRID
        i = math.floor(pos)
        last = self.grid.shape[0] - 1
        if i < 0:
            return self.grid[0].copy()
        if i >= last:
            return self.grid[last].copy()
        frac = pos - i
        return self.grid[i] * (1.0 - frac) + self.grid[i + 1] * frac

    def openness_at(self, sample: int) -> float:
        return float(self.shape_at(sample)[0])

    def shape_for_frame(self, frame_start_sample: int) -> MouthShape:
        """Mean shape over the frame's 1920 samples (relative to the utterance start)."""
        step = SAMPLES_PER_FRAME // 4
        total = sum(self.shape_at(frame_start_sample + step // 2 + j * step) for j in range(4))
        return MouthShape.from_vector(total / 4)

    def openness_for_frame(self, frame_start_sample: int) -> float:
        return self.shape_for_frame(frame_start_sample).open

    def frames(self) -> np.ndarray:
        """openness_for_frame for every frame of the utterance, starting at sample 0."""
        count = -(-self.num_samples // SAMPLES_PER_FRAME)
        return np.array([self.openness_for_frame(k * SAMPLES_PER_FRAME) for k in range(count)])


def loudness_cells(pcm: np.ndarray, cells: int) -> np.ndarray:
    """0..1 per GRID cell: how loud the voice is there against the line's loud parts, smoothed like
    the shapes (so the jaw does not flutter with every pitch period)."""
    x = np.zeros(cells * GRID, dtype=np.float64)
    n = min(len(pcm), len(x))
    x[:n] = pcm[:n]
    rms = np.sqrt(np.mean(x.reshape(cells, GRID) ** 2, axis=1)) if cells else np.zeros(0)
    if not cells or rms.max() <= 0:  # no signal at all (a muted dry run): the timings are all there is
        return np.ones(cells)
    voiced = rms[rms > LOUD_FLOOR * rms.max()]
    level = np.clip(rms / np.percentile(voiced, LOUD_REFERENCE), 0.0, 1.0)
    level[rms <= LOUD_FLOOR * rms.max()] = 0.0
    smooth = np.convolve(np.pad(level, 3, mode="edge"), _SMOOTH, mode="valid")
    return np.clip(smooth, 0.0, 1.0) ** LOUD_POWER


def _closures(scheduled: list[tuple[int, int, Viseme]], cells: int) -> np.ndarray:
    """1, but 0 across the middle of every b/p/m (at least 30 ms), easing over 50 ms either side: blending
    towards the next vowel must not keep the lips from meeting, or a viewer sees "a" where the voice
    says "ma"."""
    keep = np.ones(cells)
    ramp = np.arange(1, _CLOSE_EASE + 1) / (_CLOSE_EASE + 1)
    for s, e, v in scheduled:
        if v != Viseme.MBP:
            continue
        centre, half = (s + e) / 2, max(1.5 * GRID, (e - s) / 2 * 0.8)
        first, last = math.floor((centre - half) / GRID), math.ceil((centre + half) / GRID)
        shape = np.concatenate([ramp[::-1], np.zeros(max(1, last - first)), ramp])
        start = first - _CLOSE_EASE
        lo, hi = max(0, start), min(cells, start + len(shape))
        if lo < hi:
            keep[lo:hi] = np.minimum(keep[lo:hi], shape[lo - start:hi - start])
    return keep


def _schedule(phonemes: tuple[PhonemeTiming, ...]) -> list[tuple[int, int, Viseme]]:
    """One (start, end, viseme) per phoneme; a diphthong gets its two qualities, 60% / 40%."""
    out: list[tuple[int, int, Viseme]] = []
    for p in phonemes:
        visemes = phoneme_visemes(p)
        if len(visemes) == 2 and p.end - p.start >= 2 * GRID:
            split = p.start + (p.end - p.start) * 3 // 5
            out += [(p.start, split, visemes[0]), (split, p.end, visemes[1])]
        else:
            out.append((p.start, p.end, visemes[0]))
    return out


_CLOSE_EASE = 5  # cells
_VOWEL_SET = frozenset({Viseme.AA, Viseme.EH, Viseme.IY, Viseme.OH, Viseme.UW})
_LIP_SET = frozenset({Viseme.MBP, Viseme.FV})


def _anticipate(scheduled: list[tuple[int, int, Viseme]]) -> list[Segment]:
    """Target vectors; a tongue consonant already rounds or spreads the lips for the vowel after it."""
    segments: list[Segment] = []
    for i, (s, e, v) in enumerate(scheduled):
        target = _VECTORS[v].copy()
        if v not in _VOWEL_SET and v not in _LIP_SET and v != Viseme.REST:
            nxt = next((w for _, _, w in scheduled[i + 1:i + 3] if w in _VOWEL_SET), None)
            if nxt is not None:
                target[1:3] += (_VECTORS[nxt][1:3] - target[1:3]) * ANTICIPATION  # width and rounding only
        segments.append((s, e, target))
    return segments


def _word_segments(text: str, start: int, end: int) -> list[tuple[int, int, Viseme]]:
    """No phonemes: treat a word (usually one Chinese syllable) as onset, vowel, coda."""
    if not any(c.isalnum() for c in text):
        return [(start, end, Viseme.REST)]
    quarter = (end - start) // 4
    return [(start, start + quarter, Viseme.DNL), (start + quarter, end - quarter, Viseme.EH),
            (end - quarter, end, Viseme.KG)]


def _keypoints(n: int, segments: list[Segment]) -> tuple[np.ndarray, np.ndarray]:
    """Hold each target over its segment minus RAMP, so neighbours blend over at least RAMP."""
    rest = np.zeros(_PARAMS)
    clipped = sorted(((max(0, s), min(n, e), t) for s, e, t in segments if min(n, e) > max(0, s)),
                     key=lambda seg: (seg[0], seg[1]))
    filled: list[Segment] = []
    cursor = 0
    for s, e, t in clipped:
        if s > cursor:
            filled.append((cursor, s, rest))
        filled.append((s, e, t))
        cursor = max(cursor, e)
    if cursor < n:
        filled.append((cursor, n, rest))
    points: list[tuple[float, np.ndarray]] = [(0.0, rest)]
    for s, e, t in filled:
        centre, hold = (s + e) / 2, max(0, e - s - RAMP)
        if hold > 0:
            points += [(centre - hold / 2, t), (centre + hold / 2, t)]
        else:
            points.append((centre, t))
    points.append((float(n), rest))
    points.sort(key=lambda p: p[0])
    return np.array([p[0] for p in points]), np.stack([p[1] for p in points])
