"""The timing model: 25 fps video, 48 kHz mono audio, frame k owns samples [k*1920, (k+1)*1920).

Every output derives its timestamps from the frame index k with integer arithmetic, so audio
and video are paired by construction and cannot drift.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

FPS = 25
SAMPLE_RATE = 48_000
SAMPLES_PER_FRAME = SAMPLE_RATE // FPS  # 1920
VIDEO_TIME_BASE = Fraction(1, FPS)
AUDIO_TIME_BASE = Fraction(1, SAMPLE_RATE)
WIDTH = 1280
HEIGHT = 720


def convert_timebase(value: int, source: Fraction, target: Fraction) -> int:
    """Rescale an integer timestamp exactly, rounding down (our time bases divide each other,
    so for pts derived from a frame index there is nothing to round)."""
    scaled = Fraction(value) * source / target
    return scaled.numerator // scaled.denominator


@dataclass(frozen=True)
class AVChunk:
    """Video frame k and exactly the audio samples it owns."""

    index: int
    video: np.ndarray  # (HEIGHT, WIDTH, 3) uint8 RGB
    audio: np.ndarray  # (SAMPLES_PER_FRAME,) int16 mono

    def __post_init__(self) -> None:
        if self.audio.shape != (SAMPLES_PER_FRAME,) or self.audio.dtype != np.int16:
            raise ValueError(f"chunk {self.index}: audio must be {SAMPLES_PER_FRAME} int16 samples, "
                             f"got {self.audio.shape} {self.audio.dtype}")
        if self.video.ndim != 3 or self.video.shape[2] != 3 or self.video.dtype != np.uint8:
            raise ValueError(f"chunk {self.index}: video must be HxWx3 uint8, got {self.video.shape}")

    @property
    def video_pts(self) -> int:
        """pts in VIDEO_TIME_BASE."""
        return self.index

    @property
    def audio_pts(self) -> int:
        """pts of the first sample in AUDIO_TIME_BASE."""
        return self.index * SAMPLES_PER_FRAME

