"""Draws the example catalog's product photos (examples/images/<sku>.png): simple packshots the project
makes itself, so the example ships pictures it may redistribute.

    .venv/bin/python examples/draw_product_images.py
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from avatar.fonts import cjk_font  # noqa: E402
from stream.catalog_file import load_catalog_file  # noqa: E402

SIZE = 240
COLOURS = {"food": (92, 140, 76), "electronics": (60, 72, 96), "beauty": (214, 120, 150),
           "apparel": (70, 110, 170), "baby": (120, 180, 210), "home": (180, 140, 90)}


def packshot(title: str, category: str) -> Image.Image:
    colour = COLOURS.get(category, (150, 150, 150))
    image = Image.new("RGB", (SIZE, SIZE), (246, 244, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 196, 200, 222), fill=(222, 218, 212))  # the product's shadow on the table
    if category == "apparel":
        draw.polygon([(70, 50), (100, 40), (120, 56), (140, 40), (170, 50), (200, 90), (176, 104), (170, 96),
                      (170, 206), (70, 206), (70, 96), (64, 104), (40, 90)], fill=colour)
    elif category == "electronics":
        draw.rounded_rectangle((60, 40, 180, 206), 18, fill=colour)
        draw.rounded_rectangle((104, 190, 136, 198), 3, fill=(30, 30, 36))
        for i in range(4):
            draw.ellipse((92 + i * 16, 60, 100 + i * 16, 68), fill=(120, 220, 140) if i < 3 else (90, 96, 110))
    elif category == "beauty":
        draw.rounded_rectangle((64, 60, 176, 84), 8, fill=(236, 236, 240))
        draw.rounded_rectangle((60, 84, 180, 206), 20, fill=colour)
    else:  # a tin, bag or box
        draw.rounded_rectangle((66, 50, 174, 206), 10, fill=colour)
        draw.rectangle((66, 50, 174, 70), fill=tuple(max(0, c - 40) for c in colour))
    label = title.split()[0][:4]
    font = cjk_font(26)
    draw.rounded_rectangle((72, 112, 168, 152), 6, fill=(250, 248, 244))
    draw.text((120, 132), label, font=font, fill=(50, 44, 40), anchor="mm")
    return image


def main() -> None:
    catalog = load_catalog_file(HERE / "catalog.yaml")
    for product in catalog.products:
        if product.image:
            path = Path(product.image)
            path.parent.mkdir(parents=True, exist_ok=True)
            packshot(product.title, product.category).save(path, optimize=True)
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
