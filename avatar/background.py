"""The backdrop behind the host: soft gradient, a glow behind the host, blurred bokeh."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .assets import load_image
from .layout import Layout
from .scene import Appearance

# Fixed bokeh in design units (x as a fraction of the width): (x, y, radius, strength).
_BOKEH = ((0.05, 200, 30, 0.28), (0.11, 430, 44, 0.2), (0.2, 90, 18, 0.3), (0.57, 64, 34, 0.24),
          (0.62, 500, 22, 0.2), (0.92, 600, 36, 0.22), (0.97, 80, 20, 0.3), (0.53, 290, 14, 0.22),
          (0.74, 40, 16, 0.25), (0.03, 620, 26, 0.2))


def draw_background(appearance: Appearance, layout: Layout) -> np.ndarray:
    if appearance.background_image:
        return image_background(appearance.background_image, appearance.background_blur, layout)
    return gradient_background(appearance, layout)


def cover(image: Image.Image, width: int, height: int) -> Image.Image:
    """Scale to fill width x height, cropping the overflow evenly (no letterbox bars)."""
    k = max(width / image.width, height / image.height)
    scaled = image.resize((max(width, round(image.width * k)), max(height, round(image.height * k))), Image.LANCZOS)
    x, y = (scaled.width - width) // 2, (scaled.height - height) // 2
    return scaled.crop((x, y, x + width, y + height))


def image_background(path: str, blur: float, layout: Layout) -> np.ndarray:
    image = cover(load_image(path, "background image"), layout.width, layout.height)
    if blur > 0:
        image = image.filter(ImageFilter.GaussianBlur(blur * min(layout.width, layout.height) / 720))
    return np.asarray(image, dtype=np.uint8).copy()


def gradient_background(appearance: Appearance, layout: Layout) -> np.ndarray:
    w, h, s = layout.width, layout.height, layout.scale
    bg = np.array(appearance.background, dtype=np.float32)
    top = bg + (255 - bg) * 0.45
    bottom = bg * 0.86
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    img = np.broadcast_to(top * (1 - t) + bottom * t, (h, w, 3)).copy()

    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d2 = ((xx - layout.head_x) / (360 * s)) ** 2 + ((yy - layout.head_y - 80 * s) / (330 * s)) ** 2
    glow = np.exp(-d2 * 1.6)[:, :, None] * 0.55
    img += (255 - img) * glow

    layer = Image.new("L", (w, h), 0)
    tint = Image.new("RGB", (w, h), tuple(round(c + (255 - c) * 0.6) for c in appearance.accent))
    draw = ImageDraw.Draw(layer)
    for fx, y, r, strength in _BOKEH:
        cx, cy, rr = fx * w, y * s, r * s
        draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=round(255 * strength))
    layer = layer.filter(ImageFilter.GaussianBlur(4 * s))
    alpha = np.asarray(layer, dtype=np.float32)[:, :, None] / 255.0
    img = img * (1 - alpha) + np.asarray(tint, dtype=np.float32) * alpha

    return np.clip(img + 0.5, 0, 255).astype(np.uint8)
