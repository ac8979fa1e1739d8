"""The drawn host's features in human proportions: eyes, brows, nose and lips.

The face is stylised but laid out as a real one, so that a face landmarker (and a viewer) reads it as
a face: eyes half-way between crown and chin and about one eye-width apart, the nose's base a third
of the way from brows to chin, a mouth about as wide as the pupils are apart with full lips, and a
dark mouth cavity with teeth that opens between the lips.

Design units around the face centre, y down (see host.py).
"""
from __future__ import annotations

import numpy as np

from .motion import EyeState
from .pen import Pen, Point, bezier, inside, mix, overlay, shade
from .scene import Appearance
from .visemes import MouthShape

EYE_Y, EYE_DX = 2.0, 34.0
MOUTH_Y = 62.0  # the line where the lips meet at rest
MOUTH_HALF = 23.0  # half the mouth's width at rest
MAX_GAP = 22.0  # the lips part this far at a fully open "a"
LASH = (46, 28, 38, 255)
LIP = (198, 94, 104)
CAVITY = (66, 20, 32, 255)
TEETH = (250, 247, 242, 255)
TONGUE = (206, 100, 112, 255)


def draw_brows_and_nose(pen: Pen, a: Appearance) -> None:
    """Brows and nose, painted on the head sprite (they do not move with the mouth)."""
    skin = a.skin
    brow = (*shade(a.hair, 0.85), 255)
    for side in (1, -1):
        pts = [(side * (EYE_DX + x), EYE_Y + y) for x, y in bezier((-16, -15), (-4, -23), (12, -23), (22, -16),
                                                                      n=14)]
        pen.tapered(pts, 4.4, 1.8, brow)

    def shadows(p: Pen) -> None:
        p.polygon([(-9, EYE_Y + 4), (-5, EYE_Y + 4), (-6, 34), (-11, 36)], (*shade(skin, 0.8), 55))  # bridge side
        p.ellipse(0, 44, 15, 4, (*shade(skin, 0.72), 120))  # under the nose
        p.ellipse(0, 52, 5, 5, (*shade(skin, 0.86), 90))  # philtrum

    overlay(pen, shadows, blur=2.5)
    line = (*shade(skin, 0.62), 255)
    for side in (1, -1):
        pen.stroke(bezier((side * 9, 31), (side * 15, 36), (side * 14, 42), (side * 8, 43), n=10), 1.5, line)  # alae
        pen.ellipse(side * 5.5, 41.5, 3.4, 1.9, (*shade(skin, 0.45), 255))  # nostrils
    pen.stroke(bezier((-5, 44), (0, 45.5), (5, 44), n=8), 1.2, (*shade(skin, 0.7), 255))
    pen.ellipse(1, 35, 3.5, 2.5, (*mix(skin, (255, 255, 255), 0.35), 200))  # tip highlight


def draw_eye(pen: Pen, cx: float, side: int, state: EyeState, a: Appearance, gaze: int = 0) -> None:
    """One eye; side=+1 for the viewer's right. Local x grows towards the outer corner; gaze -1/0/+1 moves
    the iris toward the viewer's left / centre / right."""
    def at(x: float, y: float) -> Point:
        return (cx + side * x, EYE_Y + y)

    def path(*ctrl: Point, n: int = 16) -> list[Point]:
        return [at(*q) for q in bezier(*ctrl, n=n)]

    crease = (*shade(a.skin, 0.72), 255)
    if state == EyeState.CLOSED:
        pen.tapered(path((-15, 1), (-5, 5.5), (8, 5), (16, 0), n=16), 1.4, 3.2, LASH)
        pen.tapered(path((-12, -9), (-3, -13), (8, -13), (15, -7), n=10), 0.8, 1.4, crease)
        return
    lid = -10.5 if state == EyeState.OPEN else -3.0
    upper = path((-15, 1), (-9, lid + 1.5), (7, lid), (16, -1), n=20)  # inner -> outer corner
    lower = path((16, -1), (9, 5.5), (-7, 6.5), (-15, 1), n=20)
    g = 2.5 * gaze * side  # local x, so the iris moves the same way on both sides
    iris = a.eyes

    def eyeball(p: Pen) -> None:
        p.ellipse(*at(g, -1), 7.4, 7.4, (*shade(iris, 0.5), 255))
        p.ellipse(*at(g, -1), 6.2, 6.2, (*shade(iris, 0.7), 255))
        p.ellipse(*at(g, 1.5), 4.6, 3.2, (*mix(iris, (255, 236, 200), 0.25), 255))  # light from below
        p.ellipse(*at(g, -1), 2.9, 2.9, (22, 16, 20, 255))
        p.polygon(upper + [(x, y + 3) for x, y in upper][::-1], (*shade(iris, 0.4), 90))  # the lid's shadow
        p.ellipse(*at(g - 2.2 * side, -3.5), 1.7, 1.7, (255, 255, 255, 240))

    inside(pen, upper + lower[1:], (248, 244, 240, 255), eyeball)
    pen.tapered(path((-12, -9), (-3, -14), (8, -14), (15, -7), n=10), 0.8, 1.4, crease)
    pen.tapered(upper, 2.0, 3.6, LASH)
    pen.tapered(lower[1:12][::-1], 0.5, 1.2, (132, 90, 96, 255))


def _lip_curves(shape: MouthShape) -> dict[str, list[Point]]:
    """Outer and inner edges of both lips, each from the left corner to the right one."""
    w = MOUTH_HALF * (1 + 0.22 * shape.width) * (1 - 0.22 * shape.round)
    h = MAX_GAP * shape.open
    s = np.linspace(-1.0, 1.0, 33)
    base = np.clip(1 - s * s, 0.0, 1.0)
    corner = (-1.5 * max(shape.width, 0.0) - 0.5) * s * s  # spread lips lift their corners a little
    opening = base ** (0.85 - 0.35 * shape.round)  # rounded lips part in an O, spread ones in a wide slot
    thin = 1 - 0.35 * shape.press
    inner_u = -0.28 * h * opening + corner
    inner_l = 0.72 * h * opening + corner
    bow = 1 + 0.18 * np.exp(-((np.abs(s) - 0.3) / 0.16) ** 2)  # the Cupid's bow peaks either side of the dip
    outer_u = inner_u - (4.2 + 1.5 * shape.round) * thin * base ** 0.45 * bow + 1.3 * np.exp(-(s / 0.1) ** 2)
    outer_l = inner_l + (5.8 + 1.5 * shape.round) * thin * base ** 0.6
    x = (s * w).tolist()

    def curve(y: np.ndarray) -> list[Point]:
        return list(zip(x, (MOUTH_Y + y).tolist()))
    return {"outer_u": curve(outer_u), "inner_u": curve(inner_u), "inner_l": curve(inner_l),
            "outer_l": curve(outer_l)}


def draw_mouth(pen: Pen, shape: MouthShape) -> None:
    c = _lip_curves(shape)
    h = MAX_GAP * shape.open
    if h > 0.6:
        cavity = c["inner_u"] + c["inner_l"][::-1]
        top = min(y for _, y in c["inner_u"])
        bottom = max(y for _, y in c["inner_l"])
        xs = [x for x, _ in c["inner_u"]]
        w = max(xs)

        def teeth_and_tongue(p: Pen) -> None:
            if shape.tongue > 0.05 and h > 4:
                p.ellipse(0, bottom - 0.05 * h, w * (0.5 + 0.15 * shape.tongue), h * (0.18 + 0.22 * shape.tongue),
                          TONGUE)
            if shape.upper_teeth > 0.05:
                band = min(6.0, 0.2 + 0.45 * h) * shape.upper_teeth
                p.polygon(c["inner_u"] + [(x, y + band) for x, y in c["inner_u"]][::-1], TEETH)
            if shape.lower_teeth > 0.05 and h > 3:
                band = min(4.0, 0.3 * h) * shape.lower_teeth
                p.polygon(c["inner_l"] + [(x, y - band) for x, y in c["inner_l"]][::-1], (236, 232, 228, 255))
            p.polygon([(-w, top - 2), (w, top - 2), (w, top + 1.2), (-w, top + 1.2)], (40, 10, 20, 90))

        inside(pen, cavity, CAVITY, teeth_and_tongue)

    def chin_shadow(p: Pen) -> None:
        y = max(y for _, y in c["outer_l"])
        p.ellipse(0, y + 4, 15, 3.5, (150, 90, 90, 70))

    overlay(pen, chin_shadow, blur=2.0)
    upper_lip = shade(LIP, 0.86)
    pen.polygon(c["outer_u"] + c["inner_u"][::-1], (*upper_lip, 255))
    pen.polygon(c["inner_l"] + c["outer_l"][::-1], (*LIP, 255))
    lower_mid = max(y for _, y in c["inner_l"]) + 0.5 * (max(y for _, y in c["outer_l"]) - max(y for _, y in
                                                                                               c["inner_l"]))
    pen.ellipse(0, lower_mid - 0.5, 7, 1.6, (*mix(LIP, (255, 255, 255), 0.35), 170))  # the lower lip's sheen
    line = (120, 44, 56, 255)
    if h <= 0.6:
        pen.stroke(c["inner_u"], 1.0 + 0.4 * shape.press, (150, 70, 80, 255))
    pen.stroke(c["outer_u"][:2] + c["inner_u"][1:2], 1.0, line)  # corners
    pen.stroke(c["outer_u"][-2:] + c["inner_u"][-2:-1], 1.0, line)
