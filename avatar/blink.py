"""Blinking a real face: each upper eyelid is slid down over the eye by a displacement field that
is zero at the edge of a small patch (no seam), and a lash line is drawn along the lowered lid."""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .compose import Box
from .motion import EyeState

# FaceMesh: (outer corner, inner corner, upper lid points, lower lid middle) for each eye
EYES = ((33, 133, (246, 161, 160, 159, 158, 157, 173), 145), (263, 362, (466, 388, 387, 386, 385, 384, 398), 374))
CLOSURE = {EyeState.OPEN: 0.0, EyeState.HALF: 0.55, EyeState.CLOSED: 1.0}
LASH = (78, 56, 50)


@dataclass(frozen=True, eq=False)
class EyeGeometry:
    box: Box
    axis_v: np.ndarray  # unit vector down the face
    u: np.ndarray  # per pixel, along the eye in half-widths
    v_lid: np.ndarray  # per pixel, below the upper lid in pixels
    gap: float  # pixels between the upper and lower lid at the middle
    lid: np.ndarray  # upper lid points, patch pixels
    lid_u: np.ndarray

    @classmethod
    def from_landmarks(cls, points: np.ndarray, eye: int, width: int, height: int) -> "EyeGeometry | None":
        outer, inner, upper_ids, lower_id = EYES[eye]
        a, b = points[outer].astype(np.float64), points[inner].astype(np.float64)
        span = b - a
        w = float(np.hypot(*span))
        if w < 6:
            return None
        axis_u = span / w
        axis_v = np.array([-axis_u[1], axis_u[0]])
        if axis_v[1] < 0:
            axis_v = -axis_v
        centre, half = (a + b) / 2, w / 2
        lid = points[list(upper_ids)].astype(np.float64)
        gap = float(np.dot(points[lower_id] - points[upper_ids[3]], axis_v))
        if gap < 1.0:
            return None  # the eye is already closed in the picture
        x0, x1 = max(0, math.floor(centre[0] - 1.5 * half)), min(width, math.ceil(centre[0] + 1.5 * half))
        y0, y1 = max(0, math.floor(centre[1] - 1.7 * half)), min(height, math.ceil(centre[1] + 1.0 * half))
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        rel_x, rel_y = xs - centre[0], ys - centre[1]
        u = (rel_x * axis_u[0] + rel_y * axis_u[1]) / half
        v = rel_x * axis_v[0] + rel_y * axis_v[1]
        lid_rel = lid - centre
        lid_u, lid_v = (lid_rel @ axis_u) / half, lid_rel @ axis_v
        order = np.argsort(lid_u)
        v_lid = v - np.interp(u, lid_u[order], lid_v[order])
        return cls((x0, y0, x1, y1), axis_v, u, v_lid, gap, lid - np.array([x0, y0]), lid_u)


def blink(patch: np.ndarray, geo: EyeGeometry, closure: float) -> np.ndarray:
    """`patch` (the picture under geo.box, eyes open) with the upper lid lowered by `closure` (0..1)."""
    if closure <= 0:
        return patch
    along = np.clip(1 - geo.u ** 2, 0.0, 1.0) ** 0.5
    drop = closure * geo.gap * 1.05 * along  # pixels the lid comes down, most in the middle
    v = geo.v_lid
    above = np.clip(1 + v / (0.9 * geo.gap + 2), 0, 1)  # skin above the lid follows it, less and less
    covered = np.clip(drop - v + 0.5, 0.0, 1.0)  # under the lowered lid; a 1-pixel soft edge
    weight = np.where(v < 0, above, covered)
    d = drop * weight
    h, w = v.shape
    edge = np.minimum(np.minimum(np.arange(h), np.arange(h)[::-1])[:, None],
                      np.minimum(np.arange(w), np.arange(w)[::-1])[None, :])
    d *= np.clip(edge / 3, 0, 1)
    grid_y, grid_x = np.mgrid[0:h, 0:w].astype(np.float32)
    out = cv2.remap(patch, (grid_x - d * geo.axis_v[0]).astype(np.float32),
                    (grid_y - d * geo.axis_v[1]).astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    lowered = geo.lid + (closure * geo.gap * 1.05 * np.clip(1 - geo.lid_u ** 2, 0, 1) ** 0.5)[:, None] * geo.axis_v
    thickness = max(1, round(0.12 * geo.gap))
    cv2.polylines(out, [np.round(lowered * 8).astype(np.int32)], False, LASH, thickness, cv2.LINE_AA, 3)
    return out
