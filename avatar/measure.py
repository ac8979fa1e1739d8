"""Measuring the picture itself (tests and benchmarks): how open the mouth is, in pixels."""
from __future__ import annotations

import numpy as np

from .compose import Box


def mouth_opening(frame: np.ndarray, rest: np.ndarray, box: Box, threshold: int = 40) -> int:
    """Pixels inside `box` that differ clearly from the same frame with the mouth at rest: the lips
    parting, teeth and the inside of the mouth. Works the same for the drawn host and a photo."""
    x0, y0, x1, y1 = box
    a = frame[y0:y1, x0:x1].astype(np.int16)
    b = rest[y0:y1, x0:x1].astype(np.int16)
    return int((np.abs(a - b).max(axis=2) > threshold).sum())
