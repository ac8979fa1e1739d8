"""Where things go on screen, for the two frame shapes a live room uses.

Landscape (1280x720, PC / web players): designed at 720 rows and scaled by height; overlays keep
16 px (at 720p) from the edges, because nothing in a web player covers the picture.

Portrait (720x1280, phone apps such as Douyin, Kuaishou, Taobao Live): designed at 720 columns
and scaled by width. The app draws its own interface over the picture, so every overlay (AI label,
product card, subtitles) stays inside a safe area:
  top 160 px    room title, host avatar, follow button and viewer count
  bottom 300 px comment stream, the shopping bag and the input bar (about the lowest 23%)
  right 96 px   like / gift / share buttons that float along the right edge
  left 24 px    the rounded corners and the edge swipe of the phone
Only the background and the host's body may run under the app's interface.
"""
from __future__ import annotations

from dataclasses import dataclass

from .compose import Box

DESIGN_HEIGHT = 720
CARD_SIZE = (360, 300)
LANDSCAPE_SAFE: Box = (16, 16, 16, 16)  # left, top, right, bottom margins in design pixels
PORTRAIT_SAFE: Box = (24, 160, 96, 300)


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    scale: float  # output pixels per design unit, for the host
    head_x: float  # centre of the host's face, output pixels
    head_y: float
    card_box: Box  # the card panel itself (its drop shadow reaches a little beyond)
    card_scale: float  # output pixels per design unit, for the card's contents
    label_xy: tuple[int, int]
    label_font: int
    subtitle_font: int
    subtitle_max_width: int  # of the text, not the box
    subtitle_bottom: int  # lowest row of the subtitle box
    safe_box: Box  # overlays stay inside this (x0, y0, x1, y1)

    @property
    def vertical(self) -> bool:
        return self.height > self.width

    @classmethod
    def for_size(cls, width: int, height: int) -> "Layout":
        if width < 320 or height < 180:
            raise ValueError(f"frame {width}x{height} is too small (minimum 320x180)")
        if height > width:
            return cls._portrait(width, height)
        s = height / DESIGN_HEIGHT
        card_w, card_h = round(CARD_SIZE[0] * s), round(CARD_SIZE[1] * s)
        card_x = width - round(40 * s) - card_w
        card_y = round(140 * s)
        left, top, right, bottom = (round(m * s) for m in LANDSCAPE_SAFE)
        return cls(
            width=width, height=height, scale=s,
            head_x=width * 0.34, head_y=262 * s,
            card_box=(card_x, card_y, card_x + card_w, card_y + card_h), card_scale=s,
            label_xy=(left, top),
            label_font=max(10, round(20 * s)),
            subtitle_font=max(12, round(34 * s)),
            subtitle_max_width=round(min(width - 160 * s, 1000 * s)),
            subtitle_bottom=height - round(26 * s),
            safe_box=(left, top, width - right, height - bottom),
        )

    @classmethod
    def _portrait(cls, width: int, height: int) -> "Layout":
        s = width / DESIGN_HEIGHT
        left, top, right, bottom = (round(m * s) for m in PORTRAIT_SAFE)
        safe = (left, top, width - right, height - bottom)
        card_s = 0.78 * s
        card_w, card_h = round(CARD_SIZE[0] * card_s), round(CARD_SIZE[1] * card_s)
        subtitle_font = max(12, round(32 * s))
        subtitle_bottom = safe[3]
        subtitle_top = subtitle_bottom - round(subtitle_font * 1.4 * 2 + subtitle_font * 0.64)
        card_y = subtitle_top - round(24 * s) - card_h
        card_x = safe[2] - card_w - round(28 * card_s)  # its drop shadow stays in the safe area too
        return cls(
            width=width, height=height, scale=1.2 * s,
            head_x=width * 0.40, head_y=top + 250 * s,
            card_box=(card_x, card_y, card_x + card_w, card_y + card_h), card_scale=card_s,
            label_xy=(left, top + round(8 * s)),
            label_font=max(10, round(22 * s)),
            subtitle_font=subtitle_font,
            subtitle_max_width=safe[2] - safe[0] - round(2 * subtitle_font * 0.7),
            subtitle_bottom=subtitle_bottom,
            safe_box=safe,
        )
