"""Re-shaping the mouth of a real face per viseme, from its FaceMesh lip landmarks.

The lower lip and chin are pushed down (and the corners in or out) by a smooth displacement field
that is exactly zero at the edge of the patch, so the patch pastes back without a seam. The gap
that opens between the lips is filled with a drawn inside of the mouth (dark cavity, a band of
upper and lower teeth, the tongue), anti-aliased and clipped to the gap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .compose import Box
from .landmarks import CORNERS, LOWER_INNER, LOWER_OUTER, UPPER_INNER
from .visemes import MouthShape

CAVITY = np.array([84, 30, 38], dtype=np.float32)
TEETH = np.array([236, 232, 226], dtype=np.float32)
TONGUE = np.array([176, 76, 86], dtype=np.float32)
JAW_DROP = 0.34  # the lips part by this many mouth widths at a fully open "a" (a real "a": about a third)
_SS_SHIFT = 3  # cv2 polygon coordinates carry 3 fractional bits (1/8 pixel)


def _smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


@dataclass(frozen=True, eq=False)
class MouthGeometry:
    """Everything about one face's mouth that does not depend on the viseme."""

    box: Box  # the patch, in the picture's pixels
    origin: np.ndarray  # mouth centre (x, y)
    axis_u: np.ndarray  # unit vector corner to corner
    axis_v: np.ndarray  # unit vector down the face
    half_width: float  # pixels
    u: np.ndarray  # per patch pixel: position along the mouth, in half-widths
    gap_v: np.ndarray  # per patch pixel: position below the lip line, in half-widths
    upper: np.ndarray  # inner lip contours in patch pixels, corner to corner
    lower: np.ndarray
    lip_u: np.ndarray  # the contours' u
    parted: bool  # the lips are apart at rest (a smile showing teeth): the picture's own teeth stay
    rest_gap: float = 0.0  # pixels between the inner lips at rest (parted mouths)

    @classmethod
    def from_landmarks(cls, points: np.ndarray, width: int, height: int) -> "MouthGeometry | None":
        left, right = points[CORNERS[0]], points[CORNERS[1]]
        span = right - left
        w = float(np.hypot(*span))
        if w < 6:  # a face this small has no mouth worth animating
            return None
        axis_u = span / w
        axis_v = np.array([-axis_u[1], axis_u[0]])
        upper = points[list(UPPER_INNER)].astype(np.float64)
        lower = points[list(LOWER_INNER)].astype(np.float64)
        origin = (upper[5] + lower[5]) / 2
        half = w / 2
        chin_depth = float(np.dot(points[LOWER_OUTER[5]] - origin, axis_v)) / half
        x0 = max(0, math.floor(origin[0] - 1.6 * half))
        x1 = min(width, math.ceil(origin[0] + 1.6 * half))
        y0 = max(0, math.floor(origin[1] - 1.3 * half))
        y1 = min(height, math.ceil(origin[1] + (2.4 + max(0.0, chin_depth)) * half))
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        rel_x, rel_y = xs - origin[0], ys - origin[1]
        u = (rel_x * axis_u[0] + rel_y * axis_u[1]) / half
        v = (rel_x * axis_v[0] + rel_y * axis_v[1]) / half

        def local(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            r = c - origin
            return (r @ axis_u) / half, (r @ axis_v) / half
        uu, vu = local(upper)
        ul, vl = local(lower)
        order_u = np.argsort(uu)
        order_l = np.argsort(ul)
        parted = float(vl[5] - vu[5]) > 0.08
        top_v = np.interp(u, uu[order_u], vu[order_u])
        bottom_v = np.interp(u, ul[order_l], vl[order_l])
        split = bottom_v - 0.02 if parted else (top_v + bottom_v) / 2  # what lies below moves with the jaw
        offset = np.array([x0, y0], dtype=np.float64)
        top = (lower if parted else upper) - offset
        return cls((x0, y0, x1, y1), origin - offset, axis_u, axis_v, half, u, v - split, top,
                   lower - offset, (uu + ul) / 2, parted, max(0.0, float(vl[5] - vu[5])) * half if parted else 0.0)

    def offset(self, dx: float, dy: float) -> "MouthGeometry":
        """The same mouth moved by whole pixels (the patch moves with it)."""
        x0, y0, x1, y1 = self.box
        return MouthGeometry((x0 + dx, y0 + dy, x1 + dx, y1 + dy), self.origin, self.axis_u, self.axis_v,
                             self.half_width, self.u, self.gap_v, self.upper, self.lower, self.lip_u, self.parted,
                             self.rest_gap)


def reshape_mouth(patch: np.ndarray, geo: MouthGeometry, shape: MouthShape) -> np.ndarray:
    """`patch` (the picture under geo.box, mouth at rest) with the mouth made into `shape`."""
    half = geo.half_width
    # A mouth parted at rest (a smile showing teeth) closes for b/p/m and in silence, and opens past
    # its rest for an "a": its lower lip travels from the upper one down to a full jaw drop.
    drop = (JAW_DROP * 2 * half + geo.rest_gap) * shape.open - geo.rest_gap - 0.04 * half * shape.press
    spread = 0.16 * shape.width - 0.06 * shape.round  # corner movement, in half-widths
    u, gv = geo.u, geo.gap_v
    along = np.clip(1 - u * u, 0.0, 1.0) ** 0.6  # the lips part most in the middle, not at the corners
    reach = np.exp(-np.maximum(np.abs(u) - 1.0, 0.0) ** 2 / 0.18)  # beyond the corners: fades out
    lifted = gv - min(drop, 0.0) * along / half  # a lip pulled up covers what lies between it and the upper lip
    below = np.where(lifted >= 0, 1.0 - _smoothstep(0.55, 1.9, lifted), 0.0)
    lift = 0.0 if geo.parted else 0.12
    above = np.where(gv < 0, -lift * (1.0 - _smoothstep(0.0, 0.7, -gv)), 0.0)
    vertical = drop * along * (below + above)
    radial = np.exp(-(u * u / 1.8 + gv * gv / 0.8))
    horizontal = spread * half * u * radial * reach
    edge = _edge_fade(u.shape)
    dx = (horizontal * geo.axis_u[0] + vertical * geo.axis_v[0]) * edge
    dy = (horizontal * geo.axis_u[1] + vertical * geo.axis_v[1]) * edge
    h, w = u.shape
    grid_y, grid_x = np.mgrid[0:h, 0:w].astype(np.float32)
    out = cv2.remap(patch, grid_x - dx.astype(np.float32), grid_y - dy.astype(np.float32), cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_REPLICATE)
    if drop < 0.06 * half:
        return out
    return _draw_inside(out, geo, shape, drop, spread)


def _edge_fade(shape: tuple[int, int], border: int = 3) -> np.ndarray:
    """1 inside, 0 on the patch's outermost pixels: the pasted patch cannot leave a seam."""
    h, w = shape
    ry = np.clip(np.minimum(np.arange(h), np.arange(h)[::-1]) / border, 0, 1)
    rx = np.clip(np.minimum(np.arange(w), np.arange(w)[::-1]) / border, 0, 1)
    return np.minimum(ry[:, None], rx[None, :])


def _draw_inside(out: np.ndarray, geo: MouthGeometry, shape: MouthShape, drop: float, spread: float) -> np.ndarray:
    half = geo.half_width
    u = geo.lip_u
    along = np.clip(1 - u * u, 0.0, 1.0) ** 0.6
    move = (spread * half * u)[:, None] * geo.axis_u[None, :]
    upper = geo.upper + move - ((0.0 if geo.parted else 0.12) * drop * along)[:, None] * geo.axis_v[None, :]
    lower = geo.lower + move + (drop * along)[:, None] * geo.axis_v[None, :]
    h, w = out.shape[:2]
    mask = _polygon_mask((h, w), np.concatenate([upper, lower[::-1]]))
    if not mask.any():
        return out
    inside = np.empty((h, w, 3), dtype=np.float32)
    inside[:] = CAVITY
    gap = drop * 1.22
    if shape.upper_teeth > 0.05 and not geo.parted:
        band = min(0.34 * half, 0.5 * gap) * shape.upper_teeth
        teeth = _polygon_mask((h, w), np.concatenate([upper, (upper + band * geo.axis_v)[::-1]]))
        inside += (TEETH - inside) * teeth[:, :, None]
    if shape.lower_teeth > 0.05:
        band = min(0.22 * half, 0.3 * gap) * shape.lower_teeth
        teeth = _polygon_mask((h, w), np.concatenate([lower - band * geo.axis_v, lower[::-1]]))
        inside += (TEETH * 0.84 - inside) * teeth[:, :, None]
    if shape.tongue > 0.05 and gap > 0.3 * half:
        centre = lower[5] - 0.18 * gap * geo.axis_v
        tongue = np.zeros((h, w), dtype=np.uint8)
        cv2.ellipse(tongue, (round(centre[0] * 8), round(centre[1] * 8)),
                    (round(0.55 * half * 8), round(0.22 * gap * shape.tongue * 8 + 8)),
                    math.degrees(math.atan2(geo.axis_u[1], geo.axis_u[0])), 0, 360, 255, -1, cv2.LINE_AA, _SS_SHIFT)
        inside += (TONGUE - inside) * (tongue.astype(np.float32) / 255)[:, :, None]
    shadow = np.clip((geo.gap_v * geo.half_width) / max(gap, 1.0), 0, 1)[:, :, None]  # darker deeper in
    inside *= (1.0 - 0.25 * shadow)
    alpha = cv2.GaussianBlur(mask, (0, 0), 0.6)[:, :, None]
    blended = out.astype(np.float32) * (1 - alpha) + inside * alpha
    return np.clip(blended + 0.5, 0, 255).astype(np.uint8)


def _polygon_mask(size: tuple[int, int], points: np.ndarray) -> np.ndarray:
    mask = np.zeros(size, dtype=np.uint8)
    cv2.fillPoly(mask, [np.round(points * 8).astype(np.int32)], 255, cv2.LINE_AA, _SS_SHIFT)
    return mask.astype(np.float32) / 255
