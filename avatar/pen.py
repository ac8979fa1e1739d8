"""Drawing in design units: a pen over an RGBA image, curves, colours, clipped and blurred layers."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .scene import RGB

Point = tuple[float, float]


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



def overlay(pen: Pen, paint: Callable[[Pen], None], blur: float = 0.0, clip: Image.Image | None = None) -> None:
    """Paint on a separate layer like pen's (optionally blurred / clipped to `clip`'s alpha), then
    composite it: ImageDraw replaces RGBA pixels instead of blending them."""
    image = Image.new("RGBA", pen.image.size, (0, 0, 0, 0))
    paint(Pen(image, pen.origin, pen.unit))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur * pen.unit))
    if clip is not None:
        image.putalpha(ImageChops.multiply(image.getchannel("A"), clip.getchannel("A")))
    pen.image.alpha_composite(image)


def inside(pen: Pen, shape: Sequence[Point], fill: tuple[int, ...], paint: Callable[[Pen], None]) -> None:
    """Fill `shape`, then paint details clipped to it (the iris inside the eye, teeth inside the mouth)."""
    layer = Image.new("RGBA", pen.image.size, (0, 0, 0, 0))
    inner = Pen(layer, pen.origin, pen.unit)
    inner.polygon(shape, fill)
    mask = layer.getchannel("A")
    paint(inner)
    layer.putalpha(ImageChops.multiply(layer.getchannel("A"), mask))
    pen.image.alpha_composite(layer)



def line_colour(c: RGB) -> tuple[int, int, int, int]:
    """Line-art colour for a fill: darker, so the figure reads as drawn."""
    return (*shade(c, 0.6), 255)
