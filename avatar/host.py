"""The drawn host as supersampled RGBA sprites (a stylised character, no real person's likeness).

Design units: 1 unit = 1 output pixel at 720p; (0, 0) is the centre of the face, y points down.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .motion import EyeState
from .scene import RGB, Appearance

SS = 3  # sprites are drawn at 3x output resolution and reduced with LANCZOS
MOUTH_LEVELS = 16
EYE_Y, EYE_DX = 14.0, 39.0
MOUTH_Y = 64.0
Region = tuple[float, float, float, float]  # x0, y0, x1, y1 in design units
# Drawing canvases: small ones for the parts drawn many times keep start-up fast.
_CANVAS: Region = (-300.0, -190.0, 300.0, 520.0)  # everything the host may cover
_HEAD: Region = (-130.0, -150.0, 130.0, 130.0)
_EYES: Region = (-EYE_DX - 40.0, EYE_Y - 40.0, EYE_DX + 40.0, EYE_Y + 40.0)
_MOUTH: Region = (-36.0, MOUTH_Y - 20.0, 36.0, MOUTH_Y + 44.0)

Point = tuple[float, float]


@dataclass(frozen=True)
class Sprite:
    image: Image.Image  # RGBA at SS
    x: int  # top-left in the SS-scaled frame, at rest
    y: int


@dataclass(frozen=True)
class HostSprites:
    back_hair: Sprite
    body: Sprite
    head: Sprite
    front_hair: Sprite
    eyes: tuple[Sprite, ...]  # indexed by EyeState
    mouths: tuple[Sprite, ...]  # MOUTH_LEVELS, closed .. wide open


def shade(c: RGB, f: float) -> RGB:
    return tuple(max(0, min(255, round(v * f))) for v in c)  # type: ignore[return-value]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def bezier(*ctrl: Point, n: int = 16) -> list[Point]:
    """Points on a Bezier curve of any degree (de Casteljau)."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    pts = [np.array(p, dtype=np.float64) for p in ctrl]
    while len(pts) > 1:
        pts = [a * (1 - t) + b * t for a, b in zip(pts, pts[1:])]
    return [(float(x), float(y)) for x, y in pts[0]]


def mirror(points: Sequence[Point]) -> list[Point]:
    return [(-x, y) for x, y in points]


class Pen:
    """Draws on an RGBA image in design units around the face centre."""

    def __init__(self, image: Image.Image, origin: Point, unit: float) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.origin = origin
        self.unit = unit

    def p(self, x: float, y: float) -> Point:
        return (self.origin[0] + x * self.unit, self.origin[1] + y * self.unit)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: tuple[int, ...]) -> None:
        x0, y0 = self.p(cx - rx, cy - ry)
        x1, y1 = self.p(cx + rx, cy + ry)
        self.draw.ellipse((x0, y0, x1, y1), fill=fill)

    def polygon(self, points: Sequence[Point], fill: tuple[int, ...],
                outline: tuple[int, ...] | None = None, width: float = 1.6) -> None:
        self.draw.polygon([self.p(x, y) for x, y in points], fill=fill)
        if outline is not None:
            self.stroke(list(points) + [points[0]], width, outline)

    def stroke(self, points: Sequence[Point], width: float, fill: tuple[int, ...]) -> None:
        px = [self.p(x, y) for x, y in points]
        w = max(1, round(width * self.unit))
        self.draw.line(px, fill=fill, width=w, joint="curve")
        r = w / 2
        for x, y in (px[0], px[-1]):  # round caps
            self.draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def tapered(self, points: Sequence[Point], w0: float, w1: float, fill: tuple[int, ...]) -> None:
        """A stroke whose width goes from w0 to w1 along the path (lashes, strands)."""
        pts = np.array(points, dtype=np.float64)
        d = np.gradient(pts, axis=0)
        normal = np.stack([-d[:, 1], d[:, 0]], axis=1)
        normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-9)
        half = np.linspace(w0, w1, len(pts))[:, None] / 2
        outline = np.concatenate([pts + normal * half, (pts - normal * half)[::-1]])
        self.polygon([(float(x), float(y)) for x, y in outline], fill)


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


def _overlay(pen: Pen, paint: Callable[[Pen], None], blur: float = 0.0, clip: Image.Image | None = None) -> None:
    """Paint on a separate layer like pen's (optionally blurred / clipped to `clip`'s alpha), then
    composite it: ImageDraw replaces RGBA pixels instead of blending them."""
    image = Image.new("RGBA", pen.image.size, (0, 0, 0, 0))
    paint(Pen(image, pen.origin, pen.unit))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur * pen.unit))
    if clip is not None:
        image.putalpha(ImageChops.multiply(image.getchannel("A"), clip.getchannel("A")))
    pen.image.alpha_composite(image)


def _inside(pen: Pen, shape: Sequence[Point], fill: tuple[int, ...], paint: Callable[[Pen], None]) -> None:
    """Fill `shape`, then paint details clipped to it (the iris inside the eye, teeth inside the mouth)."""
    layer = Image.new("RGBA", pen.image.size, (0, 0, 0, 0))
    inner = Pen(layer, pen.origin, pen.unit)
    inner.polygon(shape, fill)
    mask = layer.getchannel("A")
    paint(inner)
    layer.putalpha(ImageChops.multiply(layer.getchannel("A"), mask))
    pen.image.alpha_composite(layer)


# ---------------------------------------------------------------- shapes

def _line(c: RGB) -> tuple[int, int, int, int]:
    """Line-art colour for a fill: darker, so the figure reads as drawn."""
    return (*shade(c, 0.6), 255)


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
    if style == "short":
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
    bottom = {"short": 34.0, "bob": 104.0, "long": 250.0}[style]
    reach = {"short": 100.0, "bob": 106.0, "long": 130.0}[style]
    outer = bezier((112, -40), (120, 30), (reach + 4, bottom * 0.7), (reach - 8, bottom), n=20)
    inner = bezier((reach - 8, bottom), (reach - 26, bottom * 0.65), (86, 20), (84, -44), n=20)
    return outer + inner[1:]


def torso_shape() -> list[Point]:
    right = (bezier((24, 122), (40, 144), (110, 146), (156, 164), n=16)
             + bezier((156, 164), (200, 180), (212, 240), (218, 520), n=20))
    return right + mirror(right[::-1])


# ---------------------------------------------------------------- layers

def _draw_back_hair(pen: Pen, a: Appearance) -> None:
    pen.polygon(back_hair_shape(a.hair_style), (*shade(a.hair, 0.78), 255), _line(a.hair))


def _draw_body(pen: Pen, a: Appearance) -> None:
    skin, outfit = a.skin, a.outfit
    pen.polygon(torso_shape(), (*outfit, 255), _line(outfit))
    pen.polygon([(-22, 40), (22, 40), (23, 126), (32, 130), (0, 222), (-32, 130), (-23, 126)], (*skin, 255))
    pen.polygon([(-22, 60)] + bezier((-22, 84), (0, 112), (22, 84), n=12) + [(22, 60)], (*shade(skin, 0.86), 255))
    blouse = (252, 250, 246)
    right_collar = [(30, 128), (52, 140), (16, 222), (0, 226)]
    pen.polygon([(-16, 150), (0, 226), (16, 150), (24, 138), (0, 240), (-24, 138)], (*blouse, 255))
    pen.polygon(right_collar, (*blouse, 255))
    pen.polygon(mirror(right_collar), (*blouse, 255))
    lapel = shade(outfit, 0.8)
    right_lapel = [(54, 142), (96, 160), (58, 232), (24, 330), (18, 250)]
    pen.polygon(right_lapel, (*lapel, 255))
    pen.polygon(mirror(right_lapel), (*lapel, 255))
    seam = (*shade(outfit, 0.72), 255)
    pen.stroke(bezier((150, 190), (140, 260), (150, 520), n=12), 2.2, seam)
    pen.stroke(bezier((-150, 190), (-140, 260), (-150, 520), n=12), 2.2, seam)
    accent = a.accent
    dark_accent = shade(accent, 0.78)
    pen.polygon([(0, 222), (-34, 206), (-38, 240)], (*accent, 255))  # bow
    pen.polygon([(0, 222), (34, 206), (38, 240)], (*accent, 255))
    pen.polygon([(-4, 226), (-14, 262), (-4, 258)], (*dark_accent, 255))
    pen.polygon([(4, 226), (14, 262), (4, 258)], (*dark_accent, 255))
    pen.ellipse(0, 223, 7, 7, (*dark_accent, 255))
    pen.ellipse(-64, 262, 6, 7, (38, 36, 44, 255))  # clip-on microphone
    pen.stroke([(-64, 268), (-60, 300)], 1.6, (38, 36, 44, 255))


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
    nose = (*shade(skin, 0.78), 255)
    pen.stroke(bezier((1.5, 36), (3, 42), (-0.5, 45), n=6), 2.0, nose)
    brow = (*shade(a.hair, 0.85), 255)
    for side in (1, -1):
        pts = bezier((side * (EYE_DX - 20), EYE_Y - 33), (side * EYE_DX, EYE_Y - 41),
                     (side * (EYE_DX + 22), EYE_Y - 36), n=12)
        pen.tapered(pts, 3.6, 2.0, brow)


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
    accent, dark = a.accent, shade(a.accent, 0.78)
    bx, by = 88.0, -72.0  # hair bow
    pen.polygon([(bx, by), (bx - 18, by - 14), (bx - 16, by + 10)], (*accent, 255))
    pen.polygon([(bx, by), (bx + 16, by - 16), (bx + 20, by + 8)], (*accent, 255))
    pen.ellipse(bx, by, 5, 5, (*dark, 255))


def _draw_eye(pen: Pen, cx: float, side: int, state: EyeState, a: Appearance) -> None:
    """One eye; side=+1 for the viewer's right. Local x grows towards the outer corner."""
    def at(x: float, y: float) -> Point:
        return (cx + side * x, EYE_Y + y)

    def path(*ctrl: Point, n: int = 16) -> list[Point]:
        return [at(*q) for q in bezier(*ctrl, n=n)]

    lash = (46, 28, 38, 255)
    if state == EyeState.CLOSED:
        pen.tapered(path((-18, 3), (-2, 12), (14, 10), (22, 1), n=16), 1.6, 4.0, lash)
        pen.tapered(path((20, 2), (25, 0), (28, -4), n=6), 3.0, 0.8, lash)
        return
    lid = -21.0 if state == EyeState.OPEN else -4.0
    upper = path((-19, -1), (-14, lid - 1), (10, lid - 2), (21, lid * 0.55), n=20)  # inner -> outer corner
    lower = path((21, lid * 0.55), (23, 14), (4, 23), (-19, -1), n=20)
    iris = a.eyes

    def eyeball(p: Pen) -> None:
        p.ellipse(*at(1, 3), 13.5, 17, (*shade(iris, 0.55), 255))
        p.ellipse(*at(1, 5), 11.5, 14, (*iris, 255))
        p.ellipse(*at(1, 12), 8.5, 6.5, (*mix(iris, (255, 232, 190), 0.4), 255))
        p.ellipse(*at(1, 4), 5.5, 8, (*shade(iris, 0.28), 255))
        p.polygon(upper + [(x, y + 6) for x, y in upper][::-1], (*shade(iris, 0.5), 120))  # lid shadow
        p.ellipse(*at(-4 * side + 1, -5), 4.5, 5.5, (255, 255, 255, 255))
        p.ellipse(*at(5 * side + 1, 11), 2.2, 2.2, (255, 255, 255, 230))

    _inside(pen, upper + lower[1:], (255, 255, 255, 255), eyeball)
    pen.tapered(upper, 2.2, 4.6, lash)
    tip = upper[-1]
    pen.tapered([tip, (tip[0] + side * 4, tip[1] - 1.5), (tip[0] + side * 7, tip[1] - 5)], 4.0, 0.8, lash)
    pen.tapered(lower[2:9][::-1], 0.6, 1.8, (120, 74, 82, 255))


def _draw_mouth(pen: Pen, level: int) -> None:
    m = level / (MOUTH_LEVELS - 1)
    line = (150, 68, 80, 255)
    if level == 0:
        pen.stroke(bezier((-11, MOUTH_Y - 1), (0, MOUTH_Y + 4), (11, MOUTH_Y - 1), n=12), 2.2, line)
        return
    w, h = 9 + 9 * m, 3 + 22 * m
    top = bezier((-w, MOUTH_Y), (0, MOUTH_Y + 2.5 - 1.5 * m), (w, MOUTH_Y), n=12)
    bottom = bezier((w, MOUTH_Y), (w * 0.95, MOUTH_Y + h * 1.1), (-w * 0.95, MOUTH_Y + h * 1.1), (-w, MOUTH_Y), n=20)
    shape = top + bottom[1:]
    teeth_y = MOUTH_Y + 1 + min(5.0, h * 0.24)

    def teeth_and_tongue(p: Pen) -> None:
        if m > 0.2:
            p.polygon([(-w, MOUTH_Y - 4), (w, MOUTH_Y - 4), (w, teeth_y), (-w, teeth_y)], (255, 252, 250, 255))
        if m > 0.3:
            p.ellipse(0, MOUTH_Y + h * 0.98, w * 0.62, h * 0.36, (228, 112, 124, 255))

    _inside(pen, shape, (92, 30, 46, 255), teeth_and_tongue)
    pen.stroke(shape + [shape[0]], 1.6, line)


def build_host(appearance: Appearance, head_x: float, head_y: float, scale: float) -> HostSprites:
    """All sprites at rest; (head_x, head_y) is the face centre in output pixels."""
    unit = scale * SS
    head_px = (head_x * SS, head_y * SS)

    def make(paint: Callable[[Pen], None], region: Region = _CANVAS) -> Sprite:
        image, pen = _layer(unit, region)
        paint(pen)
        return _sprite(image, pen, head_px)

    eyes = tuple(make(lambda p, st=st: [_draw_eye(p, side * EYE_DX, side, st, appearance) for side in (1, -1)],
                      _EYES) for st in EyeState)
    mouths = tuple(make(lambda p, lv=lv: _draw_mouth(p, lv), _MOUTH) for lv in range(MOUTH_LEVELS))
    return HostSprites(
        back_hair=make(lambda p: _draw_back_hair(p, appearance)),
        body=make(lambda p: _draw_body(p, appearance)),
        head=make(lambda p: _draw_head(p, appearance), _HEAD),
        front_hair=make(lambda p: _draw_front_hair(p, appearance)),
        eyes=eyes,
        mouths=mouths,
    )
