"""The flat overlays as RGBA images: product card, subtitle box, AI label. Made once per content."""
from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from .assets import AssetError, load_image
from .fonts import cjk_font
from .scene import RGB, Appearance, ProductCard
from .text import ellipsize, wrap_text

AI_LABEL = "AI生成 · 数字人主播"
CARD_HEADER = "正在讲解"
PRICE_CAPTION = "到手价"
PRICE_RED = (236, 44, 72)
INK = (38, 36, 48)
MUTED = (150, 148, 160)
log = logging.getLogger("livehost.avatar")


def format_price(value: float) -> str:
    """89.0 -> '¥89', 89.9 -> '¥89.9', 89.95 -> '¥89.95'."""
    return "¥" + f"{value:.2f}".rstrip("0").rstrip(".")


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def _rounded_alpha(size: tuple[int, int], radius: float, inset: float = 0.0, soften: float = 0.5) -> np.ndarray:
    """Coverage (0..1) of a rounded rectangle filling `size` minus `inset`, from its signed distance:
    exact anti-aliasing at the cost of a few numpy passes, no supersampled drawing."""
    w, h = size
    ys = np.abs(np.arange(h, dtype=np.float32) + 0.5 - h / 2)[:, None]
    xs = np.abs(np.arange(w, dtype=np.float32) + 0.5 - w / 2)[None, :]
    r = min(radius, w / 2 - inset, h / 2 - inset)
    dx = np.maximum(xs - (w / 2 - inset - r), 0.0)
    dy = np.maximum(ys - (h / 2 - inset - r), 0.0)
    outside = np.sqrt(dx * dx + dy * dy) - r
    return np.clip(0.5 - outside / (2 * soften), 0.0, 1.0)


def _rounded(size: tuple[int, int], radius: float, fill: tuple[int, int, int, int],
             header: tuple[float, tuple[int, int, int]] | None = None) -> Image.Image:
    """An anti-aliased rounded rectangle; `header` = (height, colour) paints its top band."""
    w, h = size
    rgba = np.empty((h, w, 4), dtype=np.uint8)
    rgba[:, :, :3] = fill[:3]
    if header is not None:
        rgba[:round(header[0]), :, :3] = header[1]
    rgba[:, :, 3] = np.rint(_rounded_alpha(size, radius) * fill[3]).astype(np.uint8)
    return Image.fromarray(rgba, "RGBA")


def _shadow(size: tuple[int, int], pad: int, radius: float, blur: float, drop: int, opacity: int) -> Image.Image:
    """A soft drop shadow for a `size` panel centred in a canvas padded by `pad`."""
    w, h = size[0] + 2 * pad, size[1] + 2 * pad
    coverage = _rounded_alpha((w, h), radius + blur, inset=pad - blur, soften=blur)
    rgba = np.zeros((h, w, 4), dtype=np.uint8)
    rgba[:, :, :3] = (40, 28, 70)
    coverage = coverage ** 3  # fades fast near the panel, then long and faint: reads as soft
    rgba[drop:, :, 3] = np.rint(coverage[:h - drop] * opacity).astype(np.uint8)
    return Image.fromarray(rgba, "RGBA")


def card_padding(scale: float) -> int:
    """How far the card's drop shadow reaches beyond the panel on each side."""
    return round(28 * scale)


def card_image(card: ProductCard, appearance: Appearance, size: tuple[int, int], scale: float) -> Image.Image:
    """The card with its drop shadow around it (the panel starts at (card_padding, card_padding))."""
    s = scale
    w = size[0]
    pad = card_padding(s)
    image = _card_panel(size, s, appearance.accent).copy()
    draw = ImageDraw.Draw(image)
    x0, inner_w = pad + round(20 * s), w - round(40 * s)
    photo = _product_photo(card.image, round(112 * s))
    text_x, text_w = x0, inner_w
    if photo is not None:  # the photo on the left of title and badge; the price keeps the full width
        image.alpha_composite(photo, (x0, pad + round(60 * s)))
        text_x, text_w = x0 + photo.width + round(14 * s), inner_w - photo.width - round(14 * s)

    font = cjk_font(round((22 if photo is not None else 26) * s))
    for i, line in enumerate(wrap_text(card.title, font, text_w, 2)):
        draw.text((text_x, pad + round((62 + 34 * i) * s)), line, font=font, fill=INK)

    if card.badge:
        font = cjk_font(round(20 * s))
        room = text_w - 28 * s
        text = card.badge if font.getlength(card.badge) <= room else ellipsize(card.badge, font, room)
        top, bw = pad + round(140 * s), font.getlength(text) + 28 * s
        pill = _rounded((round(bw), round(34 * s)), 17 * s, (*_mix(appearance.accent, (255, 255, 255), 0.84), 255))
        image.alpha_composite(pill, (text_x, top))
        draw.text((text_x + 14 * s, top + 17 * s), text, font=font, fill=_mix(appearance.accent, (0, 0, 0), 0.35),
                  anchor="lm")

    baseline = pad + round(270 * s)
    draw.text((x0, pad + round(190 * s)), PRICE_CAPTION, font=cjk_font(round(18 * s)), fill=MUTED)
    price = format_price(card.price)
    was = format_price(card.list_price) if card.list_price is not None and card.list_price > card.price else None
    was_font = cjk_font(round(22 * s))
    for big_size in (58, 50, 42, 34):  # long prices shrink rather than leave the card
        small, big = cjk_font(round(big_size * 30 / 58 * s)), cjk_font(round(big_size * s))
        needed = small.getlength("¥") + big.getlength(price[1:]) + (14 * s + was_font.getlength(was) if was else 0)
        if needed <= inner_w:
            break
    bold = {"fill": PRICE_RED, "anchor": "ls", "stroke_width": 1, "stroke_fill": PRICE_RED}
    draw.text((x0, baseline), price[0], font=small, **bold)
    x = x0 + small.getlength(price[0]) + 2 * s
    draw.text((x, baseline), price[1:], font=big, **bold)
    x += big.getlength(price[1:]) + 14 * s
    if was is not None and x + was_font.getlength(was) <= x0 + inner_w:
        draw.text((x, baseline), was, font=was_font, fill=MUTED, anchor="ls")
        y = baseline - 8 * s
        draw.line((x - 2 * s, y, x + was_font.getlength(was) + 2 * s, y), fill=MUTED, width=max(1, round(2 * s)))
    return image


@lru_cache(maxsize=32)
def _product_photo(path: str | None, side: int) -> Image.Image | None:
    """A square, rounded thumbnail of the product photo; a bad file costs the photo, not the card."""
    if not path:
        return None
    try:
        photo = load_image(path, "product image")
    except AssetError as exc:
        log.warning("card shown without its photo: %s", exc)
        return None
    k = side / min(photo.width, photo.height)
    photo = photo.resize((max(side, round(photo.width * k)), max(side, round(photo.height * k))), Image.LANCZOS)
    x, y = (photo.width - side) // 2, (photo.height - side) // 2
    photo = photo.crop((x, y, x + side, y + side)).convert("RGBA")
    photo.putalpha(Image.fromarray(np.rint(_rounded_alpha((side, side), side * 0.1) * 255).astype(np.uint8)))
    return photo


@lru_cache(maxsize=8)
def _card_panel(size: tuple[int, int], scale: float, accent: RGB) -> Image.Image:
    """Shadow, white panel and header band: the same for every card."""
    pad = card_padding(scale)
    image = _shadow(size, pad, 20 * scale, 10 * scale, round(6 * scale), 60)
    image.alpha_composite(_rounded(size, 20 * scale, (255, 255, 255, 255), (46 * scale, accent)), (pad, pad))
    image.alpha_composite(_header_text(size, scale, accent), (pad, pad))
    return image


def _header_text(size: tuple[int, int], scale: float, accent: RGB) -> Image.Image:
    s = scale
    image = Image.new("RGBA", (size[0], round(46 * s)), (*accent, 0))
    draw = ImageDraw.Draw(image)
    ink = (255, 255, 255, 255) if _luma(accent) < 170 else (*INK, 255)
    x0, mid = round(20 * s), 23 * s
    draw.ellipse((x0, mid - 5 * s, x0 + 10 * s, mid + 5 * s), fill=ink)
    draw.text((x0 + 18 * s, mid), CARD_HEADER, font=cjk_font(round(22 * s)), fill=ink, anchor="lm")
    return image


def subtitle_image(text: str, font_size: int, max_width: int) -> Image.Image | None:
    font = cjk_font(font_size)
    lines = wrap_text(text, font, max_width, 2)
    if not lines:
        return None
    pad_x, pad_y = round(font_size * 0.7), round(font_size * 0.32)
    line_h = round(font_size * 1.4)
    w = round(max(font.getlength(line) for line in lines)) + 2 * pad_x
    h = line_h * len(lines) + 2 * pad_y
    image = _rounded((w, h), font_size * 0.45, (18, 14, 28, 170))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((w / 2, pad_y + line_h * (i + 0.5)), line, font=font, fill=(255, 255, 255), anchor="mm")
    return image


def label_image(font_size: int, accent: RGB) -> Image.Image:
    """The permanent AI disclosure: white on near-black, readable over anything."""
    font = cjk_font(font_size)
    pad_x, pad_y = round(font_size * 0.6), round(font_size * 0.35)
    dot = round(font_size * 0.4)
    w = round(font.getlength(AI_LABEL)) + 2 * pad_x + dot + pad_x // 2
    h = round(font_size * 1.3) + 2 * pad_y
    image = _rounded((w, h), font_size * 0.4, (20, 18, 30, 255))  # opaque: reads the same over any picture
    draw = ImageDraw.Draw(image)
    draw.ellipse((pad_x, h / 2 - dot / 2, pad_x + dot, h / 2 + dot / 2), fill=accent)
    draw.text((pad_x + dot + pad_x // 2, h / 2), AI_LABEL, font=font, fill=(255, 255, 255), anchor="lm")
    return image


def _luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
