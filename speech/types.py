"""What flows out of speech/: an utterance is 48 kHz PCM plus exact word and phoneme timings."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

SAMPLE_RATE = 48_000


@dataclass(frozen=True)
class WordTiming:
    """A spoken word (for Chinese, usually one syllable) and the samples it occupies."""

    text: str
    start: int  # first sample, inclusive
    end: int  # last sample, exclusive


@dataclass(frozen=True)
class PhonemeTiming:
    phoneme: str
    start: int
    end: int
    is_vowel: bool


@dataclass(frozen=True)
class Utterance:
    text: str  # the text as written (shown in subtitles)
    spoken_text: str  # after normalisation (what the engine read)
    pcm: np.ndarray  # int16 mono at SAMPLE_RATE
    words: tuple[WordTiming, ...]
    phonemes: tuple[PhonemeTiming, ...] = field(default=())
    voice: str = ""

    @property
    def num_samples(self) -> int:
        return int(self.pcm.shape[0])

    @property
    def duration_s(self) -> float:
        return self.num_samples / SAMPLE_RATE

    def word_boundaries(self) -> list[int]:
        """Sample positions where a cut sounds natural: between words, and the very end."""
        cuts = sorted({w.end for w in self.words} | {self.num_samples})
        return [c for c in cuts if 0 < c <= self.num_samples]


class SpeechEngineError(RuntimeError):
    pass


class SpeechEngine(Protocol):
    name: str

    def load(self) -> None:
        """Heavy work (models, libraries). Construction stays cheap."""

    def synthesize(self, text: str) -> Utterance:
        """Speak already-normalised-or-raw text; engines normalise themselves."""
