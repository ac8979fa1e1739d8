"""Lip sync as a viewer sees it, measured on decoded output frames with a standard face landmarker.

Per frame: mediapipe FaceMesh's inner-lip gap (landmarks 13 and 14) over the distance between the eye
centres; against the audio's RMS over the same 40 ms. Nothing here knows how the frames were made, so
the same measure judges the drawn host, a photo and a video loop (benchmarks and tests).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

UPPER_LIP, LOWER_LIP = 13, 14
RIGHT_EYE = (33, 133, 159, 145)  # corners, upper and lower lid: their mean is the eye's centre
LEFT_EYE = (362, 263, 386, 374)
MAX_LAG = 5


@dataclass(frozen=True)
class LagFit:
    lag: int  # frames; positive: the mouth moves after the sound
    r: float  # Pearson r at that lag
    r_at: dict[int, float]  # every lag tried


class LipGapMeter:
    """Inner-lip gap / eye distance per RGB frame, NaN where no face is found. A fresh detection per frame
    (static mode) by default: a face the tracker merely carries over from earlier frames does not count."""

    def __init__(self, static: bool = True) -> None:
        import mediapipe as mp
        self._mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=static, max_num_faces=1,
                                                     refine_landmarks=False, min_detection_confidence=0.5,
                                                     min_tracking_confidence=0.5)

    def close(self) -> None:
        self._mesh.close()

    def __enter__(self) -> "LipGapMeter":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def gap(self, rgb: np.ndarray) -> float:
        result = self._mesh.process(np.ascontiguousarray(rgb))
        if not result.multi_face_landmarks:
            return float("nan")
        h, w = rgb.shape[:2]
        marks = result.multi_face_landmarks[0].landmark
        p = np.array([(m.x * w, m.y * h) for m in marks[:468]])
        eyes = float(np.hypot(*(p[list(RIGHT_EYE)].mean(axis=0) - p[list(LEFT_EYE)].mean(axis=0))))
        return float(np.hypot(*(p[UPPER_LIP] - p[LOWER_LIP]))) / max(eyes, 1e-6)

    def gaps(self, frames: Iterable[np.ndarray]) -> np.ndarray:
        return np.array([self.gap(f) for f in frames], dtype=np.float64)


def frame_rms(pcm: np.ndarray, samples_per_frame: int, frames: int) -> np.ndarray:
    """RMS of each frame period's samples (zero past the end of the audio)."""
    x = np.zeros(frames * samples_per_frame, dtype=np.float64)
    n = min(len(pcm), len(x))
    x[:n] = pcm[:n]
    return np.sqrt(np.mean(x.reshape(frames, samples_per_frame) ** 2, axis=1))


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def lag_fit(gap: np.ndarray, loudness: np.ndarray, max_lag: int = MAX_LAG) -> LagFit:
    """r(gap[k + lag], loudness[k]) for lag in -max_lag..max_lag; the best lag is the A/V offset."""
    n = min(len(gap), len(loudness))
    r_at: dict[int, float] = {}
    for lag in range(-max_lag, max_lag + 1):
        a = gap[max(0, lag):n + min(0, lag)]
        b = loudness[max(0, -lag):n - max(0, lag)]
        r_at[lag] = _pearson(a, b)
    finite = {k: v for k, v in r_at.items() if np.isfinite(v)}
    best = max(finite, key=lambda k: finite[k]) if finite else 0
    return LagFit(best, r_at.get(best, float("nan")), r_at)


def decode_av(path: str, sample_rate: int = 48000) -> tuple[Iterator[np.ndarray], np.ndarray, float]:
    """(RGB frames as they decode, mono float audio from the file's start, fps) of an MP4."""
    import av
    with av.open(path) as container:
        fps = float(container.streams.video[0].average_rate)
        chunks: list[np.ndarray] = []
        start = None
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        for frame in container.decode(audio=0):
            if start is None:
                start = float(frame.time or 0.0)
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
    pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    lead = round((start or 0.0) * sample_rate)  # audio that starts late keeps its place against the video
    pcm = np.concatenate([np.zeros(max(0, lead), dtype=np.float32), pcm[max(0, -lead):]])

    def frames() -> Iterator[np.ndarray]:
        with av.open(path) as c:
            for f in c.decode(video=0):
                yield f.to_ndarray(format="rgb24")
    return frames(), pcm, fps
