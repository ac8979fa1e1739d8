"""Loudness normalisation, so rundown lines, answers, fallback speech and every persona's voice
sound equally loud.

Each utterance is brought to TARGET_LUFS of integrated loudness as EBU R128 meters read it
(K-weighted, gated), not to an RMS level: at equal RMS a deep voice reads ~1 dB quieter to a
listener than a bright one (jm_kumo 1 dB under the Mandarin voices). Gain is capped so peaks stay
under -1 dBFS. measure_dbfs (a plain gated RMS) is kept for callers that want a signal level.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .types import SAMPLE_RATE, Utterance
from .wrapping import EngineWrapper

TARGET_DBFS = -20.0
TARGET_LUFS = -20.0  # what the show's speech is normalised to
BLOCK = SAMPLE_RATE // 50  # 20 ms
_ABSOLUTE_GATE_DBFS = -60.0
_RELATIVE_GATE_DB = 15.0
_PEAK_CEILING = 10 ** (-1.0 / 20) * 32767
_FULL_SCALE = 32768.0


def _block_levels(pcm: np.ndarray) -> np.ndarray:
    n = len(pcm) // BLOCK
    if n == 0:
        blocks = pcm.astype(np.float64).reshape(1, -1) if len(pcm) else np.zeros((0, 1))
    else:
        blocks = pcm[: n * BLOCK].astype(np.float64).reshape(n, BLOCK)
    return np.mean((blocks / _FULL_SCALE) ** 2, axis=1) if len(blocks) else np.zeros(0)


def measure_dbfs(pcm: np.ndarray) -> float | None:
    """Gated loudness of int16 PCM in dBFS (RMS of the speech blocks); None for silence."""
    power = _block_levels(pcm)
    power = power[power > 10 ** (_ABSOLUTE_GATE_DBFS / 10)]
    if len(power) == 0:
        return None
    relative = 10 * np.log10(power.mean()) - _RELATIVE_GATE_DB
    power = power[power > 10 ** (relative / 10)]
    return float(10 * np.log10(power.mean()))


# ITU-R BS.1770 K-weighting at 48 kHz: a high shelf (the head) and a high-pass (RLB), as biquads.
_K_STAGES = (((1.53512485958697, -2.69169618940638, 1.19839281085285), (1.0, -1.69065929318241, 0.73248077421585)),
             ((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621)))
_LUFS_BLOCK, _LUFS_STEP = SAMPLE_RATE * 4 // 10, SAMPLE_RATE // 10  # 400 ms blocks, 75 % overlap


def _k_weighted(pcm: np.ndarray) -> np.ndarray:
    """The K-weighting filter's magnitude applied in the frequency domain: the same energy as the
    biquads (loudness is an energy), without a per-sample loop or scipy."""
    x = pcm.astype(np.float64) / _FULL_SCALE
    spectrum = np.fft.rfft(x)
    z = np.exp(-1j * np.pi * np.linspace(0.0, 1.0, len(spectrum)))
    gain = np.ones(len(spectrum))
    for b, a in _K_STAGES:
        gain *= np.abs(np.polyval(b[::-1], z) / np.polyval(a[::-1], z))
    return np.fft.irfft(spectrum * gain, n=len(x))


def measure_lufs(pcm: np.ndarray) -> float | None:
    """Integrated loudness (BS.1770 / EBU R128: K-weighted, 400 ms blocks, -70 LUFS and -10 LU gates)
    of int16 mono PCM at 48 kHz; None for silence."""
    if len(pcm) == 0:
        return None
    y = _k_weighted(pcm) ** 2
    if len(y) <= _LUFS_BLOCK:
        power = np.array([y.mean()])
    else:
        cumulative = np.concatenate([[0.0], np.cumsum(y)])
        starts = np.arange(0, len(y) - _LUFS_BLOCK + 1, _LUFS_STEP)
        power = (cumulative[starts + _LUFS_BLOCK] - cumulative[starts]) / _LUFS_BLOCK
    power = power[power > 10 ** ((-70.0 + 0.691) / 10)]
    if len(power) == 0:
        return None
    relative = 10 * np.log10(power.mean()) - 10.0
    power = power[power > 10 ** (relative / 10)]
    return float(-0.691 + 10 * np.log10(power.mean()))


def normalize_pcm(pcm: np.ndarray, target_lufs: float = TARGET_LUFS) -> np.ndarray:
    level = measure_lufs(pcm)
    if level is None:
        return pcm
    gain = 10 ** ((target_lufs - level) / 20)
    peak = float(np.abs(pcm.astype(np.int32)).max())
    gain = min(gain, _PEAK_CEILING / peak)
    return np.clip(np.rint(pcm.astype(np.float64) * gain), -32768, 32767).astype(np.int16)


class LoudnessNormalizedEngine(EngineWrapper):
    """Wraps an engine so every utterance comes out at the same integrated loudness."""

    def __init__(self, inner, target_lufs: float = TARGET_LUFS) -> None:
        super().__init__(inner)
        self.target_lufs = target_lufs

    def synthesize(self, text: str) -> Utterance:
        utterance = self.inner.synthesize(text)
        return replace(utterance, pcm=normalize_pcm(utterance.pcm, self.target_lufs))
