"""Sample-rate conversion to the show's 48 kHz, keeping timings exact by the same ratio."""
from __future__ import annotations

from fractions import Fraction

import av
import numpy as np

from .types import SAMPLE_RATE


def resample_to_show_rate(pcm: np.ndarray, rate: int) -> np.ndarray:
    """int16 mono at `rate` -> int16 mono at 48 kHz, length exactly round(n * 48000 / rate)."""
    if rate == SAMPLE_RATE:
        return pcm.astype(np.int16, copy=False)
    target_len = rescale_sample(len(pcm), rate)
    if len(pcm) == 0:
        return np.zeros(0, dtype=np.int16)
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    frame = av.AudioFrame.from_ndarray(pcm.astype(np.int16).reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    parts = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    out = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    # swresample's filter delay can leave the length a few samples off; timings use the exact ratio.
    if len(out) >= target_len:
        return out[:target_len]
    return np.concatenate([out, np.zeros(target_len - len(out), dtype=np.int16)])


def rescale_sample(position: int, rate: int) -> int:
    return int(round(Fraction(position * SAMPLE_RATE, rate)))
