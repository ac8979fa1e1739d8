"""HostRenderer: one RGB frame per FrameState, composed from pre-rendered pieces.

Everything expensive happens once in __init__ (or once per card / subtitle text): the host is
drawn at 3x, reduced, and stored as a few full-frame bases (one per breathing phase) plus small
opaque patches for every eye state and mouth level. A frame is a copy of a base, two patch
pastes, the card patch and one blended subtitle strip.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image

from . import host
from .background import draw_background
from .compose import LRU, Box, Overlay, paste
from .host import SS, HostSprites, Sprite
from .layout import Layout
from .motion import EyeState, breath_phase, eye_state
from .panels import card_image, card_padding, label_image, subtitle_image
from .scene import Appearance, FrameState, ProductCard

BREATH_PHASES = 6
BREATH_RISE = 2.5  # output pixels the head rises at full inhale (the body rises 40% of that)
CACHE_SIZE = 64
# LANCZOS reaches 3 output pixels (plus Pillow's rounding of the window) either side when reducing:
# a changed sprite pixel can change output pixels that far out, and a region needs that much real
# context around it.
_KERNEL = 4
_MARGIN = _KERNEL + 1


class HostRenderer:
    def __init__(self, appearance: Appearance, width: int = 1280, height: int = 720) -> None:
        self.appearance = appearance
        self.layout = Layout.for_size(width, height)
        lay = self.layout
        self._background = draw_background(appearance, lay)
        self._sprites = host.build_host(appearance, lay.head_x, lay.head_y, lay.scale)
        rise = BREATH_RISE * lay.scale * SS
        self._offsets = [(-round(rise * p / (BREATH_PHASES - 1)), -round(0.4 * rise * p / (BREATH_PHASES - 1)))
                         for p in range(BREATH_PHASES)]  # (head dy, body dy) in SS pixels

        label = label_image(lay.label_font, appearance.accent)
        self._label = Overlay.from_image(label, *lay.label_xy)
        self._host_box = self._union_box(self._all_sprites())
        self._eye_box = self._union_box(self._sprites.eyes)
        self._mouth_box = self._union_box(self._sprites.mouths)

        self._bases: list[np.ndarray] = []
        for phase in range(BREATH_PHASES):
            base = self._background.copy()
            paste(base, self._render_region(self.host_box, phase, EyeState.OPEN, 0), *self.host_box[:2])
            self._label.blend_into(base)
            base.flags.writeable = False
            self._bases.append(base)
        self._eye_patches = [[self._render_region(self.eye_box, p, st, 0) for st in EyeState]
                             for p in range(BREATH_PHASES)]
        self._mouth_patches = [[self._render_region(self.mouth_box, p, EyeState.OPEN, lv)
                                for lv in range(host.MOUTH_LEVELS)] for p in range(BREATH_PHASES)]
        pad = card_padding(lay.scale)
        cx0, cy0, cx1, cy1 = lay.card_box
        behind_card = [b[max(0, cy0 - pad):cy1 + pad, max(0, cx0 - pad):cx1 + pad] for b in self._bases]
        self._card_static = all(np.array_equal(behind_card[0], b) for b in behind_card[1:])
        self._cards: LRU[ProductCard, tuple[int, int, np.ndarray | Overlay]] = LRU(CACHE_SIZE)
        self._subtitles: LRU[str, Overlay | None] = LRU(CACHE_SIZE)
        # Load every font size now, so the first card / subtitle on air is not the slow one.
        card_image(ProductCard("样", 1.0, 2.0, "样"), appearance, (cx1 - cx0, cy1 - cy0), lay.scale)
        subtitle_image("样", lay.subtitle_font, lay.subtitle_max_width)

    @property
    def label_box(self) -> Box:
        """Pixels of the AI label: identical on every frame."""
        return self._label.box

    @property
    def mouth_box(self) -> Box:
        """The only pixels that change with mouth_open."""
        return self._mouth_box

    @property
    def eye_box(self) -> Box:
        """Both eyes: the only pixels that change when the host blinks."""
        return self._eye_box

    @property
    def host_box(self) -> Box:
        """Everything the drawn host covers, at any breathing phase."""
        return self._host_box

    @property
    def width(self) -> int:
        return self.layout.width

    @property
    def height(self) -> int:
        return self.layout.height

    def render(self, state: FrameState) -> np.ndarray:
        phase = breath_phase(state.index, BREATH_PHASES)
        frame = self._bases[phase].copy()
        paste(frame, self._eye_patches[phase][eye_state(state.index)], *self.eye_box[:2])
        paste(frame, self._mouth_patches[phase][mouth_level(state.mouth_open)], *self.mouth_box[:2])
        if state.card is not None:
            x, y, card = self._cards.get_or_make(state.card, lambda: self._make_card(state.card))
            if isinstance(card, Overlay):
                card.blend_into(frame)
            else:
                paste(frame, card, x, y)
        if state.subtitle:
            subtitle = self._subtitles.get_or_make(state.subtitle, lambda: self._make_subtitle(state.subtitle))
            if subtitle is not None:
                subtitle.blend_into(frame)
        return frame

    # ------------------------------------------------------------ cached content

    def prepare(self, card: ProductCard | None = None, subtitle: str = "") -> None:
        """Build the overlays for content about to go on air, so its first frame is not slower."""
        if card is not None:
            self._cards.get_or_make(card, lambda: self._make_card(card))
        if subtitle:
            self._subtitles.get_or_make(subtitle, lambda: self._make_subtitle(subtitle))

    def _make_card(self, card: ProductCard) -> tuple[int, int, np.ndarray | Overlay]:
        x0, y0, x1, y1 = self.layout.card_box
        pad = card_padding(self.layout.scale)
        image = card_image(card, self.appearance, (x1 - x0, y1 - y0), self.layout.scale)
        overlay = _clipped(image, x0 - pad, y0 - pad, self.width, self.height)
        bx0, by0, bx1, by1 = overlay.box
        if self._card_static:  # nothing moves behind the card: paste a flattened patch, don't blend
            return bx0, by0, overlay.flattened(self._bases[0][by0:by1, bx0:bx1])
        return bx0, by0, overlay

    def _make_subtitle(self, text: str) -> Overlay | None:
        lay = self.layout
        image = subtitle_image(text, lay.subtitle_font, lay.subtitle_max_width)
        if image is None:
            return None
        x = (lay.width - image.width) // 2
        y = lay.subtitle_bottom - image.height
        return _clipped(image, x, y, lay.width, lay.height)

    # ------------------------------------------------------------ host pieces

    def _all_sprites(self) -> list[Sprite]:
        s = self._sprites
        return [s.back_hair, s.body, s.head, s.front_hair, *s.eyes, *s.mouths]

    def _stack(self, phase: int, eyes: EyeState, level: int) -> list[tuple[Sprite, int]]:
        s: HostSprites = self._sprites
        head_dy, body_dy = self._offsets[phase]
        return [(s.back_hair, head_dy), (s.body, body_dy), (s.head, head_dy), (s.mouths[level], head_dy),
                (s.eyes[eyes], head_dy), (s.front_hair, head_dy)]

    def _union_box(self, sprites: list[Sprite] | tuple[Sprite, ...]) -> Box:
        """Output-pixel box covering the sprites at every breathing phase, plus the LANCZOS reach."""
        lay = self.layout
        dys = [dy for pair in self._offsets for dy in pair]
        x0 = min(sp.x for sp in sprites) / SS
        y0 = min(sp.y for sp in sprites) / SS
        x1 = max(sp.x + sp.image.width for sp in sprites) / SS
        y1 = max(sp.y + sp.image.height for sp in sprites) / SS
        y0 += min(dys) / SS
        y1 += max(dys) / SS
        return (max(0, math.floor(x0) - _KERNEL), max(0, math.floor(y0) - _KERNEL),
                min(lay.width, math.ceil(x1) + _KERNEL), min(lay.height, math.ceil(y1) + _KERNEL))

    def _render_region(self, box: Box, phase: int, eyes: EyeState, level: int) -> np.ndarray:
        """The host over the background inside `box`, exactly as a full-frame render would give."""
        x0, y0, x1, y1 = box
        ex0, ey0 = max(0, x0 - _MARGIN), max(0, y0 - _MARGIN)
        ex1, ey1 = min(self.width, x1 + _MARGIN), min(self.height, y1 + _MARGIN)
        canvas = Image.new("RGBA", ((ex1 - ex0) * SS, (ey1 - ey0) * SS), (0, 0, 0, 0))
        for sprite, dy in self._stack(phase, eyes, level):
            _composite(canvas, sprite, ex0 * SS, ey0 * SS - dy)
        small = canvas.resize((ex1 - ex0, ey1 - ey0), Image.LANCZOS)
        under = Image.fromarray(self._background[ey0:ey1, ex0:ex1]).convert("RGBA")
        out = np.asarray(Image.alpha_composite(under, small).convert("RGB"))
        return out[y0 - ey0:y1 - ey0, x0 - ex0:x1 - ex0].copy()


def mouth_level(mouth_open: float) -> int:
    if not mouth_open > 0.0:  # also catches NaN
        return 0
    return min(host.MOUTH_LEVELS - 1, int(mouth_open * (host.MOUTH_LEVELS - 1) + 0.5))


def _composite(canvas: Image.Image, sprite: Sprite, origin_x: int, origin_y: int) -> None:
    """Alpha-composite the part of `sprite` that falls on `canvas` (canvas's top-left at origin)."""
    sx, sy = sprite.x - origin_x, sprite.y - origin_y
    x0, y0 = max(0, sx), max(0, sy)
    x1, y1 = min(canvas.width, sx + sprite.image.width), min(canvas.height, sy + sprite.image.height)
    if x0 < x1 and y0 < y1:
        canvas.alpha_composite(sprite.image, dest=(x0, y0), source=(x0 - sx, y0 - sy, x1 - sx, y1 - sy))


def _clipped(image: Image.Image, x: int, y: int, width: int, height: int) -> Overlay:
    """An overlay cut to the frame, so blending never indexes outside it."""
    cx0, cy0 = max(0, -x), max(0, -y)
    cx1, cy1 = min(image.width, width - x), min(image.height, height - y)
    return Overlay.from_image(image.crop((cx0, cy0, cx1, cy1)), x + cx0, y + cy0)
