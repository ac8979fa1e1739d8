"""The drawn host as supersampled RGBA sprites (a stylised character, no real person's likeness).

Design units: 1 unit = 1 output pixel at 720p; (0, 0) is the centre of the face, y points down.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from PIL import Image

from .face_parts import EYE_DX, EYE_Y, MOUTH_Y, draw_brows_and_nose, draw_eye, draw_mouth
from .motion import EyeState
from .pen import Pen, Point, bezier, line_colour as _line, mirror, mix, overlay as _overlay, shade
from .scene import RGB, Appearance
from .visemes import MouthShape

SS = 3  # sprites are drawn at 3x output resolution and reduced with LANCZOS
Region = tuple[float, float, float, float]  # x0, y0, x1, y1 in design units
# Drawing canvases: small ones for the parts drawn many times keep start-up fast.
_CANVAS: Region = (-300.0, -190.0, 300.0, 520.0)  # everything the host may cover
_HEAD: Region = (-130.0, -150.0, 130.0, 130.0)
_EYES: Region = (-EYE_DX - 26.0, EYE_Y - 20.0, EYE_DX + 26.0, EYE_Y + 14.0)
_MOUTH: Region = (-40.0, MOUTH_Y - 16.0, 40.0, MOUTH_Y + 40.0)


@dataclass(frozen=True)
class Sprite:
    image: Image.Image  # RGBA at SS
    x: int  # top-left in the SS-scaled frame, at rest
    y: int


def _layer(unit: float, region: Region = _CANVAS) -> tuple[Image.Image, Pen]:
    x0, y0, x1, y1 = region
    image = Image.new("RGBA", (round((x1 - x0) * unit), round((y1 - y0) * unit)), (0, 0, 0, 0))
    return image, Pen(image, (-x0 * unit, -y0 * unit), unit)


def _sprite(image: Image.Image, pen: Pen, head_px: Point) -> Sprite:
    """Crop to content; position relative to the face centre in the SS frame."""
    box = image.getbbox() or (0, 0, 1, 1)
    x = round(head_px[0] - pen.origin[0]) + box[0]
    y = round(head_px[1] - pen.origin[1]) + box[1]
    return Sprite(image.crop(box), x, y)



# ---------------------------------------------------------------- shapes


def face_outline() -> list[Point]:
    t = np.linspace(0, 2 * np.pi, 160, endpoint=False)
    x, y = 86 * np.cos(t), 100 * np.sin(t)
    lower = np.clip(np.sin(t), 0, 1)
    x = x * (1 - 0.26 * lower ** 2.2)  # cheeks stay full, the chin narrows
    y = np.where(y > 0, y * (1 + 0.02 * lower), y)
    return list(zip(x.tolist(), y.tolist()))


def _dome(rx: float, ry: float, cy: float, a0: float = 180, a1: float = 360, n: int = 48) -> list[Point]:
    t = np.radians(np.linspace(a0, a1, n))
    return list(zip((rx * np.cos(t)).tolist(), (cy + ry * np.sin(t)).tolist()))


def back_hair_shape(style: str) -> list[Point]:
    top = _dome(114, 122, -18)  # left (-114, -18) over the top to right (114, -18)
    if style in ("short", "bun", "ponytail"):
        right = bezier((114, -18), (116, 22), (94, 44), n=12)
        return top + right + mirror(right[::-1])
    if style == "long":
        right = (bezier((114, -18), (122, 80), (128, 200), (140, 292), n=24)
                 + bezier((140, 292), (110, 316), (60, 300), n=12))
        return top + right + mirror(right[::-1])
    right = bezier((114, -18), (124, 50), (124, 100), n=16) + bezier((124, 100), (118, 124), (84, 118), n=12)
    return top + right + mirror(right[::-1])


def bangs_shape() -> list[Point]:
    """The fringe: the top of the hair dome with a row of pointed clumps across the forehead."""
    crown = _dome(112, 120, -16, 185, 355, 40)  # from the left temple over the top to the right
    tips = [(104, 34), (84, -28), (58, -44), (36, -26), (10, -50), (-18, -30), (-44, -50), (-64, -26), (-88, -36),
            (-102, 30)]
    notches = [(98, -36), (74, -62), (46, -64), (22, -70), (-4, -72), (-32, -68), (-56, -64), (-78, -58),
               (-100, -30)]
    edge: list[Point] = [(110, -10)]
    for i, tip in enumerate(tips):
        start = edge[-1]
        edge += bezier(start, (start[0] * 0.55 + tip[0] * 0.45, start[1] + 6), tip, n=8)[1:]
        if i < len(notches):
            edge += bezier(tip, (tip[0] * 0.4 + notches[i][0] * 0.6, tip[1] - 4), notches[i], n=8)[1:]
    return crown + edge


def side_lock(style: str) -> list[Point]:
    """Right-hand lock framing the face (mirrored for the left)."""
    bottom = {"short": 34.0, "bob": 104.0, "long": 250.0, "bun": 52.0, "ponytail": 60.0}[style]
    reach = {"short": 100.0, "bob": 106.0, "long": 130.0, "bun": 102.0, "ponytail": 102.0}[style]
    outer = bezier((112, -40), (120, 30), (reach + 4, bottom * 0.7), (reach - 8, bottom), n=20)
    inner = bezier((reach - 8, bottom), (reach - 26, bottom * 0.65), (86, 20), (84, -44), n=20)
    return outer + inner[1:]


def torso_shape(bottom: float = 520.0) -> list[Point]:
    right = (bezier((24, 122), (40, 144), (110, 146), (156, 164), n=16)
             + bezier((156, 164), (200, 180), (212, 240), (218 + 0.02 * (bottom - 520), bottom), n=20))
    return right + mirror(right[::-1])


# ---------------------------------------------------------------- layers

def ponytail_shape() -> list[Point]:
    """A tail from the back of the head, falling behind the viewer's right shoulder."""
    outer = bezier((70, -96), (170, -90), (176, 40), (150, 190), n=24)
    inner = bezier((150, 190), (128, 120), (140, 10), (56, -64), n=24)
    return outer + inner[1:]


def _draw_back_hair(pen: Pen, a: Appearance) -> None:
    back, line = (*shade(a.hair, 0.78), 255), _line(a.hair)
    if a.hair_style == "ponytail":
        pen.polygon(ponytail_shape(), back, line)
        for pts in ([(112, -40), (140, 40), (142, 140)], [(96, -60), (124, 20), (128, 120)]):
            pen.tapered(bezier(*pts, n=12), 2.4, 0.6, (*shade(a.hair, 0.62), 255))
    if a.hair_style == "bun":
        pen.ellipse(0, -128, 40, 34, (*a.hair, 255))
        pen.stroke(_dome(40, 34, -128, 0, 360, 40), 1.6, line)
        pen.tapered(_dome(26, 20, -132, 200, 320, 12), 1.0, 3.0, (*shade(a.hair, 0.62), 255))
    pen.polygon(back_hair_shape(a.hair_style), back, line)


def _draw_body(pen: Pen, a: Appearance, bottom: float = 520.0) -> None:
    skin, outfit = a.skin, a.outfit
    pen.polygon(torso_shape(bottom), (*outfit, 255), _line(outfit))
    neck = [(-22, 40), (22, 40), (23, 126), (32, 130), (0, 222), (-32, 130), (-23, 126)]
    if a.outfit_style in ("turtleneck", "jacket"):
        neck = [(-22, 40), (22, 40), (23, 130), (-23, 130)]
    elif a.outfit_style == "apron":
        neck = [(-22, 40), (22, 40), (24, 126)] + bezier((30, 132), (0, 168), (-30, 132), n=12) + [(-24, 126)]
    pen.polygon(neck, (*skin, 255))
    pen.polygon([(-22, 60)] + bezier((-22, 84), (0, 112), (22, 84), n=12) + [(22, 60)], (*shade(skin, 0.86), 255))
    seam = (*shade(outfit, 0.72), 255)
    pen.stroke(bezier((150, 190), (140, 260), (150, bottom), n=12), 2.2, seam)
    pen.stroke(bezier((-150, 190), (-140, 260), (-150, bottom), n=12), 2.2, seam)
    {"blazer": _blazer, "apron": _apron, "cardigan": _cardigan, "turtleneck": _turtleneck,
     "jacket": _jacket}[a.outfit_style](pen, a, bottom)
    if "headset" not in a.accessories:
        pen.ellipse(-64, 262, 6, 7, (38, 36, 44, 255))  # clip-on microphone
        pen.stroke([(-64, 268), (-60, 300)], 1.6, (38, 36, 44, 255))


def _blazer(pen: Pen, a: Appearance, bottom: float) -> None:
    outfit, accent = a.outfit, a.accent
    blouse = (252, 250, 246)
    right_collar = [(30, 128), (52, 140), (16, 222), (0, 226)]
    pen.polygon([(-16, 150), (0, 226), (16, 150), (24, 138), (0, 240), (-24, 138)], (*blouse, 255))
    pen.polygon(right_collar, (*blouse, 255))
    pen.polygon(mirror(right_collar), (*blouse, 255))
    lapel = shade(outfit, 0.8)
    right_lapel = [(54, 142), (96, 160), (58, 232), (24, 330), (18, 250)]
    pen.polygon(right_lapel, (*lapel, 255))
    pen.polygon(mirror(right_lapel), (*lapel, 255))
    dark_accent = shade(accent, 0.78)
    pen.polygon([(0, 222), (-34, 206), (-38, 240)], (*accent, 255))  # bow
    pen.polygon([(0, 222), (34, 206), (38, 240)], (*accent, 255))
    pen.polygon([(-4, 226), (-14, 262), (-4, 258)], (*dark_accent, 255))
    pen.polygon([(4, 226), (14, 262), (4, 258)], (*dark_accent, 255))
    pen.ellipse(0, 223, 7, 7, (*dark_accent, 255))


def _apron(pen: Pen, a: Appearance, bottom: float) -> None:
    """A T-shirt in the outfit colour under a bib apron in the accent colour, with a pocket."""
    apron = a.accent
    line = _line(apron)
    for side in (1, -1):
        pen.stroke([(side * 30, 134), (side * 70, 230)], 7.0, (*shade(apron, 0.85), 255))
    bib = [(-70, 230), (70, 230)] + bezier((70, 230), (96, 330), (110, bottom), n=12) + \
        [(-110, bottom)] + bezier((-110, bottom), (-96, 330), (-70, 230), n=12)
    pen.polygon(bib, (*apron, 255), line, 1.6)
    pen.polygon([(-44, 330), (44, 330), (40, 400), (-40, 400)], (*shade(apron, 0.92), 255), line, 1.4)
    pen.stroke([(0, 330), (0, 400)], 1.4, line)
    pen.stroke(bezier((-66, 248), (0, 256), (66, 248), n=10), 1.2, (*shade(apron, 0.8), 255))


def _cardigan(pen: Pen, a: Appearance, bottom: float) -> None:
    outfit, accent = a.outfit, a.accent
    top = (252, 248, 240)
    pen.polygon([(-30, 132)] + bezier((-30, 132), (0, 150), (30, 132), n=8) + [(40, 140), (10, 330), (-10, 330),
                                                                              (-40, 140)], (*top, 255))
    rib = (*shade(outfit, 0.82), 255)
    for side in (1, -1):
        pen.tapered([(side * 42, 136), (side * 26, 240), (side * 12, 330), (side * 8, bottom)], 12, 12, rib)
    for y in (270, 340, 410):
        pen.ellipse(-14, y, 5, 5, (*accent, 255))
    for x in (-120, -90, 90, 120):
        pen.stroke([(x, 300), (x + 4, bottom)], 1.0, (*shade(outfit, 0.9), 255))


def _turtleneck(pen: Pen, a: Appearance, bottom: float) -> None:
    outfit, accent = a.outfit, a.accent
    collar = [(-34, 104), (34, 104), (40, 150), (-40, 150)]
    pen.polygon(collar, (*shade(outfit, 0.92), 255), _line(outfit), 1.2)
    for y in (116, 128, 140):
        pen.stroke([(-36, y), (36, y)], 1.0, (*shade(outfit, 0.8), 255))
    pen.stroke(bezier((-44, 156), (0, 260), (44, 156), n=20), 1.4, (232, 196, 110, 255))  # pendant chain
    pen.polygon([(0, 250), (9, 262), (0, 276), (-9, 262)], (*accent, 255), (176, 140, 60, 255), 1.0)


def _jacket(pen: Pen, a: Appearance, bottom: float) -> None:
    outfit, accent = a.outfit, a.accent
    collar = [(-40, 112), (40, 112), (48, 160), (0, 170), (-48, 160)]
    pen.polygon(collar, (*shade(outfit, 0.88), 255), _line(outfit), 1.2)
    pen.stroke([(0, 168), (0, bottom)], 3.0, (*shade(outfit, 0.55), 255))
    pen.polygon([(-5, 176), (5, 176), (5, 196), (-5, 196)], (200, 200, 210, 255))
    for side in (1, -1):
        pen.stroke(bezier((side * 48, 150), (side * 120, 156), (side * 190, 200), n=12), 5.0, (*accent, 255))
        pen.stroke([(side * 60, 330), (side * 110, 320)], 2.0, (*shade(outfit, 0.6), 255))


def _draw_open_hand(pen: Pen, skin: RGB, wrist: np.ndarray) -> None:
    """An open palm held out toward the card: palm, four slightly fanned fingers, the thumb up."""
    fill, line = (*skin, 255), (*shade(skin, 0.7), 255)
    direction = np.array([1.0, -0.3]) / np.hypot(1.0, -0.3)

    def turned(degrees: float) -> np.ndarray:
        c, s_ = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        return np.array([direction[0] * c - direction[1] * s_, direction[0] * s_ + direction[1] * c])
    normal = np.array([-direction[1], direction[0]])
    k = 1.4  # hand size relative to the sketch it was drawn at
    palm = wrist + direction * 22 * k
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    outline = [tuple(palm + direction * 20 * k * math.cos(a) + normal * 15 * k * math.sin(a)) for a in t]
    thumb_base = palm - normal * 11 * k - direction * 6 * k
    thumb = [tuple(thumb_base), tuple(thumb_base + turned(-55) * 22 * k)]
    fingers = []
    for offset, length, angle in ((-10.5, 33, -9), (-3.5, 37, -3), (3.5, 35, 3), (10, 28, 9)):
        base = palm + (direction * 14 + normal * offset) * k
        fingers.append([tuple(base), tuple(base + turned(angle) * length * k)])
    # One at a time, little finger first, so each finger's outline shows against the one before it.
    for seg, width in [(thumb, 10.0 * k)] + [(f, 7.0 * k) for f in fingers[::-1]]:
        pen.stroke(seg, width + 2.2, line)
        pen.stroke(seg, width, fill)
    pen.polygon(outline, fill, line, 1.2)  # the palm over the fingers' roots


ARM_PIVOT: Point = (236.0, 560.0)  # where the raised forearm hinges, below the frame


def _draw_arm(pen: Pen, a: Appearance) -> None:
    """The host's left forearm raised, open palm up, fingers pointing toward the product card."""
    sleeve = (*shade(a.outfit, 0.95), 255)
    elbow, wrist = (210.0, 470.0), (300.0, 262.0)
    d = np.array(wrist) - np.array(elbow)
    n = np.array([-d[1], d[0]]) / np.linalg.norm(d)
    w0, w1 = 34.0, 22.0
    arm = [tuple(np.array(elbow) + n * w0), tuple(np.array(wrist) + n * w1),
           tuple(np.array(wrist) - n * w1), tuple(np.array(elbow) - n * w0)]
    pen.polygon(arm, sleeve, _line(a.outfit))
    cuff = [tuple(np.array(wrist) + n * w1 - d * 0.1), tuple(np.array(wrist) + n * w1 + d * 0.0),
            tuple(np.array(wrist) - n * w1 + d * 0.0), tuple(np.array(wrist) - n * w1 - d * 0.1)]
    pen.polygon(cuff, (*a.accent, 255), _line(a.accent), 1.2)
    _draw_open_hand(pen, a.skin, np.array(wrist))


def _draw_head(pen: Pen, a: Appearance) -> None:
    skin = a.skin
    for side in (1, -1):
        pen.ellipse(side * 84, 16, 11, 17, (*skin, 255))
        pen.ellipse(side * 85, 17, 6, 10, (*shade(skin, 0.88), 255))
    pen.polygon(face_outline(), (*skin, 255), (*shade(skin, 0.72), 255), 1.4)
    face = pen.image.copy()

    def blush(p: Pen) -> None:
        for x in (-50, 50):
            p.ellipse(x, 44, 17, 9, (255, 140, 150, 90))

    def fringe_shadow(p: Pen) -> None:
        p.polygon([(x, y + 9) for x, y in bangs_shape()], (*shade(skin, 0.8), 150))

    _overlay(pen, blush, blur=3)
    _overlay(pen, fringe_shadow, blur=4, clip=face)
    draw_brows_and_nose(pen, a)


def _draw_front_hair(pen: Pen, a: Appearance) -> None:
    hair = (*a.hair, 255)
    pen.polygon(bangs_shape(), hair, _line(a.hair))
    lock = side_lock(a.hair_style)
    pen.polygon(lock, hair, _line(a.hair))
    pen.polygon(mirror(lock), hair, _line(a.hair))
    strand = (*shade(a.hair, 0.72), 255)
    for pts in ([(30, -96), (24, -70), (14, -52)], [(-14, -98), (-16, -74), (-12, -54)],
                [(72, -84), (70, -60), (62, -40)], [(-60, -88), (-62, -62), (-56, -42)]):
        pen.tapered(bezier(*pts, n=10), 2.4, 0.6, strand)
    shine = (*mix(a.hair, (255, 255, 255), 0.22), 255)
    for a0, a1 in ((226, 244), (256, 276), (290, 312)):
        pen.tapered(_dome(84, 76, -30, a0, a1, 10), 1.0, 5.0, shine)
    _draw_accessories(pen, a)


def _draw_accessories(pen: Pen, a: Appearance) -> None:
    accent, dark = a.accent, shade(a.accent, 0.78)
    if "headband" in a.accessories:
        band = _dome(106, 112, -20, 200, 340, 30)
        pen.tapered(band, 9.0, 9.0, (*accent, 255))
        pen.stroke(band, 1.2, (*dark, 255))
    if "bow" in a.accessories:
        bx, by = 88.0, -72.0
        pen.polygon([(bx, by), (bx - 18, by - 14), (bx - 16, by + 10)], (*accent, 255), (*dark, 255), 1.0)
        pen.polygon([(bx, by), (bx + 16, by - 16), (bx + 20, by + 8)], (*accent, 255), (*dark, 255), 1.0)
        pen.ellipse(bx, by, 5, 5, (*dark, 255))
    if "hairpin" in a.accessories:
        for dy in (0, 9):
            pen.stroke([(-96, -46 + dy), (-70, -58 + dy)], 3.2, (*accent, 255))
        pen.ellipse(-70, -58, 5, 5, (*mix(accent, (255, 255, 255), 0.4), 255))
    if "earrings" in a.accessories:
        gold = (232, 190, 90, 255)
        for side in (1, -1):
            pen.stroke([(side * 88, 30), (side * 88, 42)], 1.4, gold)
            pen.ellipse(side * 88, 48, 4.5, 6.5, (*accent, 255))
            pen.ellipse(side * 87, 46.5, 1.5, 2, (255, 255, 255, 220))
    if "glasses" in a.accessories:
        frame = (52, 48, 60, 255)
        for side in (1, -1):
            cx = side * (EYE_DX + 1)
            ring = [(cx + 23 * np.cos(t), EYE_Y + 17 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 48)]
            pen.stroke(ring, 2.6, frame)
            pen.stroke([(side * (EYE_DX + 23), EYE_Y), (side * 84, EYE_Y - 4)], 2.4, frame)
            pen.tapered(bezier((cx - 14, EYE_Y - 12), (cx - 6, EYE_Y - 16), (cx + 2, EYE_Y - 16), n=6), 0.5, 2.2,
                        (255, 255, 255, 150))
        pen.stroke(bezier((-12, EYE_Y + 1), (0, EYE_Y - 5), (12, EYE_Y + 1), n=8), 2.4, frame)
    if "headset" in a.accessories:
        dark_grey = (44, 44, 54, 255)
        pen.tapered(_dome(112, 118, -14, 190, 350, 30), 5.0, 5.0, dark_grey)
        pen.ellipse(-108, 10, 12, 20, dark_grey)
        pen.ellipse(-108, 10, 6, 12, (*accent, 255))
        pen.tapered(bezier((-104, 28), (-92, 70), (-62, 84), (-44, 78), n=16), 3.0, 2.0, dark_grey)
        pen.ellipse(-42, 77, 5, 4, (*accent, 255))


GAZES = (-1, 0, 1)


class HostPainter:
    """Makes the host's sprites; the body parts once, eyes and mouths on demand (renderers cache them)."""

    def __init__(self, appearance: Appearance, head_x: float, head_y: float, scale: float,
                 body_bottom: float = 520.0) -> None:
        """`body_bottom`: how far (design units below the face centre) the torso must reach."""
        self.appearance = appearance
        self.body_bottom = max(520.0, body_bottom)
        self.unit = scale * SS
        self.head_px = (head_x * SS, head_y * SS)

    def make(self, paint: Callable[[Pen], None], region: Region = _CANVAS) -> Sprite:
        image, pen = _layer(self.unit, region)
        paint(pen)
        return _sprite(image, pen, self.head_px)

    def region_px(self, region: Region) -> tuple[float, float, float, float]:
        """A design-unit region in output pixels at rest."""
        s = self.unit / SS
        hx, hy = self.head_px[0] / SS, self.head_px[1] / SS
        return (hx + region[0] * s, hy + region[1] * s, hx + region[2] * s, hy + region[3] * s)

    def eyes(self, state: EyeState, gaze: int) -> Sprite:
        a = self.appearance
        return self.make(lambda p: [draw_eye(p, side * EYE_DX, side, state, a, gaze) for side in (1, -1)], _EYES)

    def mouth(self, shape: MouthShape) -> Sprite:
        return self.make(lambda p: draw_mouth(p, shape), _MOUTH)

    def arm(self) -> Sprite:
        return self.make(lambda p: _draw_arm(p, self.appearance), _ARM)

    def body_parts(self) -> tuple[Sprite, Sprite, Sprite, Sprite]:
        a = self.appearance
        bottom = self.body_bottom
        body_region = (_CANVAS[0], _CANVAS[1], _CANVAS[2], bottom)
        return (self.make(lambda p: _draw_back_hair(p, a)), self.make(lambda p: _draw_body(p, a, bottom), body_region),
                self.make(lambda p: _draw_head(p, a), _HEAD), self.make(lambda p: _draw_front_hair(p, a)))


_ARM: Region = (160.0, 170.0, 480.0, 560.0)
EYES_REGION, MOUTH_REGION, ARM_REGION = _EYES, _MOUTH, _ARM
