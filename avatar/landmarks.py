"""Face landmarks from mediapipe's bundled FaceMesh model, computed once per file and cached.

The cache is keyed by the file's SHA-256, so editing the file recomputes and renaming it does not.
It lives in $LIVEHOST_CACHE_DIR (default ~/.cache/livehost/landmarks).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterable

import numpy as np

from .assets import AssetError, file_digest

log = logging.getLogger("livehost.avatar")
CACHE_VERSION = "v1"
POINTS = 468  # FaceMesh without iris refinement
# FaceMesh indices, mouth corner to mouth corner (the subject's right corner first).
UPPER_INNER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LOWER_INNER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
UPPER_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LOWER_OUTER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
CORNERS = (61, 291)
CHIN = 152
FACE_SIDES = (234, 454)
MAX_MISSING = 0.1  # share of a clip's frames allowed without a face (filled from neighbours)


def cache_dir() -> Path:
    return Path(os.environ.get("LIVEHOST_CACHE_DIR") or Path.home() / ".cache" / "livehost") / "landmarks"


def _face_mesh(static: bool):  # type: ignore[no-untyped-def]
    try:
        import mediapipe as mp
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise AssetError(f"photo and video modes need mediapipe (pip install mediapipe==0.10.21): {exc}") from None
    return mp.solutions.face_mesh.FaceMesh(static_image_mode=static, max_num_faces=1, refine_landmarks=False,
                                           min_detection_confidence=0.5, min_tracking_confidence=0.5)


def _points(result, width: int, height: int) -> np.ndarray | None:  # type: ignore[no-untyped-def]
    if not result.multi_face_landmarks:
        return None
    marks = result.multi_face_landmarks[0].landmark
    return np.array([(m.x * width, m.y * height) for m in marks[:POINTS]], dtype=np.float32)


def detect(rgb: np.ndarray) -> np.ndarray | None:
    """(468, 2) pixel coordinates of the largest face in an RGB image, or None."""
    with _face_mesh(True) as mesh:
        return _points(mesh.process(np.ascontiguousarray(rgb)), rgb.shape[1], rgb.shape[0])


def _cached(path: Path, kind: str) -> tuple[Path, np.ndarray | None]:
    where = cache_dir() / f"{file_digest(path)}-{kind}-{CACHE_VERSION}.npz"
    if where.is_file():
        try:
            with np.load(where) as data:
                return where, data["landmarks"]
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring unreadable landmark cache %s: %s", where, exc)
    return where, None


def _store(where: Path, landmarks: np.ndarray) -> None:
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        tmp = where.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, landmarks=landmarks)
        tmp.replace(where)
    except OSError as exc:  # a read-only home costs a recomputation next time, not the persona
        log.warning("could not cache landmarks in %s: %s", where, exc)


def image_landmarks(path: Path, rgb: np.ndarray) -> np.ndarray:
    where, cached = _cached(path, "image")
    if cached is not None and cached.shape == (POINTS, 2):
        return cached
    points = detect(rgb)
    if points is None:
        raise AssetError(f"portrait {path}: no face found (use a front-facing photo with the whole face visible)")
    _store(where, points)
    return points


def clip_landmarks(path: Path, frames: Iterable[np.ndarray], count_hint: int = 0) -> np.ndarray:
    """(frames, 468, 2) for a clip; `frames` is only consumed on a cache miss."""
    where, cached = _cached(path, "video")
    if cached is not None and cached.ndim == 3:
        return cached
    found: list[np.ndarray | None] = []
    with _face_mesh(False) as mesh:
        for rgb in frames:
            found.append(_points(mesh.process(np.ascontiguousarray(rgb)), rgb.shape[1], rgb.shape[0]))
    missing = sum(p is None for p in found)
    if not found or missing == len(found):
        raise AssetError(f"idle video {path}: no face found in any frame")
    if missing > MAX_MISSING * len(found):
        raise AssetError(f"idle video {path}: no face found in {missing} of {len(found)} frames "
                         f"(the face must stay in view)")
    known = [i for i, p in enumerate(found) if p is not None]
    filled = np.stack([found[i] if found[i] is not None else found[min(known, key=lambda k: abs(k - i))]
                       for i in range(len(found))])
    _store(where, filled)
    return filled
