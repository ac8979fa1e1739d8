"""Where things go on screen. Designed at 1280x720 and scaled by height, anchored left/right."""
from __future__ import annotations

from dataclasses import dataclass

from .compose import Box

DESIGN_HEIGHT = 720
CARD_SIZE = (360, 300)


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    scale: float  # output pixels per design unit
    head_x: float  # centre of the host's face, output pixels
    head_y: float
    card_box: Box  # the card panel itself (its drop shadow reaches a little beyond)
    label_xy: tuple[int, int]
    label_font: int
    subtitle_font: int
    subtitle_max_width: int  # of the text, not the box
    subtitle_bottom: int  # lowest row of the subtitle box

    @classmethod
    def for_size(cls, width: int, height: int) -> "Layout":
        if width < 320 or height < 180:
            raise ValueError(f"frame {width}x{height} is too small (minimum 320x180)")
        s = height / DESIGN_HEIGHT
        card_w, card_h = round(CARD_SIZE[0] * s), round(CARD_SIZE[1] * s)
        card_x = width - round(40 * s) - card_w
        card_y = round(140 * s)
        return cls(
            width=width, height=height, scale=s,
            head_x=width * 0.34, head_y=262 * s,
            card_box=(card_x, card_y, card_x + card_w, card_y + card_h),
            label_xy=(round(16 * s), round(16 * s)),
            label_font=max(10, round(20 * s)),
            subtitle_font=max(12, round(34 * s)),
            subtitle_max_width=round(min(width - 160 * s, 1000 * s)),
            subtitle_bottom=height - round(26 * s),
        )
