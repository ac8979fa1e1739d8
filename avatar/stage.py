"""The overlays every mode shares: AI label, product card, subtitles; cached per content."""
from __future__ import annotations

import numpy as np
from PIL import Image

from .compose import LRU, Overlay, paste
from .layout import Layout
from .panels import card_image, card_padding, label_image, subtitle_image
from .scene import Appearance, FrameState, ProductCard

CACHE_SIZE = 64


class Stage:
    def __init__(self, appearance: Appearance, layout: Layout) -> None:
        self.appearance = appearance
        self.layout = layout
        self.label = Overlay.from_image(label_image(layout.label_font, appearance.accent), *layout.label_xy)
        self._cards: LRU[ProductCard, tuple[int, int, np.ndarray | Overlay]] = LRU(CACHE_SIZE)
        self._subtitles: LRU[str, Overlay | None] = LRU(CACHE_SIZE)
        self._flat_under: np.ndarray | None = None
        lay = layout
        cx0, cy0, cx1, cy1 = lay.card_box
        # Load every font size now, so the first card / subtitle on air is not the slow one.
        card_image(ProductCard("样", 1.0, 2.0, "样"), appearance, (cx1 - cx0, cy1 - cy0), lay.card_scale)
        subtitle_image("样", lay.subtitle_font, lay.subtitle_max_width)

    def flatten_cards_over(self, frame: np.ndarray) -> None:
        """Nothing moves behind the card: cards become opaque patches made over this frame's pixels."""
        self._flat_under = frame

    def card_region(self) -> tuple[int, int, int, int]:
        pad = card_padding(self.layout.card_scale)
        x0, y0, x1, y1 = self.layout.card_box
        return (max(0, x0 - pad), max(0, y0 - pad), min(self.layout.width, x1 + pad), min(self.layout.height, y1 + pad))

    def overlay(self, frame: np.ndarray, state: FrameState) -> None:
        """Card and subtitle over the picture (the label is drawn by the caller, once per base)."""
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

    def prepare(self, card: ProductCard | None = None, subtitle: str = "") -> None:
        if card is not None:
            self._cards.get_or_make(card, lambda: self._make_card(card))
        if subtitle:
            self._subtitles.get_or_make(subtitle, lambda: self._make_subtitle(subtitle))

    def _make_card(self, card: ProductCard) -> tuple[int, int, np.ndarray | Overlay]:
        lay = self.layout
        x0, y0, x1, y1 = lay.card_box
        pad = card_padding(lay.card_scale)
        image = card_image(card, self.appearance, (x1 - x0, y1 - y0), lay.card_scale)
        overlay = clipped(image, x0 - pad, y0 - pad, lay.width, lay.height)
        bx0, by0, bx1, by1 = overlay.box
        if self._flat_under is not None:
            return bx0, by0, overlay.flattened(self._flat_under[by0:by1, bx0:bx1])
        return bx0, by0, overlay

    def _make_subtitle(self, text: str) -> Overlay | None:
        lay = self.layout
        image = subtitle_image(text, lay.subtitle_font, lay.subtitle_max_width)
        if image is None:
            return None
        sx0, _, sx1, _ = lay.safe_box
        x = (sx0 + sx1 - image.width) // 2
        y = lay.subtitle_bottom - image.height
        return clipped(image, x, y, lay.width, lay.height)


def clipped(image: Image.Image, x: int, y: int, width: int, height: int) -> Overlay:
    """An overlay cut to the frame, so blending never indexes outside it."""
    cx0, cy0 = max(0, -x), max(0, -y)
    cx1, cy1 = min(image.width, width - x), min(image.height, height - y)
    return Overlay.from_image(image.crop((cx0, cy0, cx1, cy1)), x + cx0, y + cy0)
