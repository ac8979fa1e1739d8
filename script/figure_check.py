"""A figure the viewer states and asks to confirm ("1段是900克的吗", "是20000毫安的吧"): the spec that
states a figure of that unit is read, and the answer says yes or no before it. Per-use figures
(每平勺约5g, 每粒120mg) are not what a product "is", so they are left out when another spec fits.
"""
from __future__ import annotations

import re

from .catalog import Product
from .spoken_numbers import parse_chinese_integer

# unit words -> (measure, factor to the measure's base unit)
_UNITS: dict[str, tuple[str, float]] = {
    "kg": ("mass", 1000), "千克": ("mass", 1000), "公斤": ("mass", 1000), "斤": ("mass", 500),
    "g": ("mass", 1), "克": ("mass", 1),
    "ml": ("volume", 1), "毫升": ("volume", 1), "l": ("volume", 1000), "升": ("volume", 1000),
    "mah": ("charge", 1), "毫安": ("charge", 1),
    "w": ("power", 1), "瓦": ("power", 1),
    "cm": ("length", 10), "厘米": ("length", 10), "mm": ("length", 1), "毫米": ("length", 1),
}
_UNIT_WORDS = "|".join(sorted(_UNITS, key=len, reverse=True))
_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+)"
_FIGURE = re.compile(rf"{_NUMBER}\s*({_UNIT_WORDS})(?![a-z])", re.I)
_CONFIRM = re.compile(r"是.{0,12}(?:吗|么|嘛|吧|不|没)[?？]*$|是不是|对吧|对吗|对不对")
_PER_USE = re.compile(r"每(?:平?勺|粒|片|次|份|袋|包|支|根|条|日|天)|/(?:粒|片|次|份)")


def _value(number: str) -> float:
    return float(number) if number[0].isdigit() else float(parse_chinese_integer(number))


def figures(text: str) -> list[tuple[str, float]]:
    """(measure, amount in its base unit) for every figure with a unit in `text`."""
    found = []
    for m in _FIGURE.finditer(text):
        measure, factor = _UNITS[m.group(2).lower()]
        try:
            found.append((measure, _value(m.group(1)) * factor))
        except ValueError:
            continue
    return found


def stated_figure(text: str) -> tuple[str, float] | None:
    """The one figure a confirming question states ("是900克的吗"), or None."""
    if not _CONFIRM.search(text.strip()):
        return None
    found = figures(text)
    return found[0] if len(found) == 1 else None


def spec_for(product: Product, measure: str) -> str | None:
    """The spec that states the product's own figure of this measure (net weight, not per scoop)."""
    keys = [k for k, v in product.specs.items() if any(m == measure for m, _ in figures(v))]
    whole = [k for k in keys if not _PER_USE.search(product.specs[k]) and not _PER_USE.search(k)]
    chosen = whole or keys
    return chosen[0] if len(chosen) == 1 else None


def confirms(product: Product, key: str, figure: tuple[str, float]) -> bool:
    measure, amount = figure
    return any(m == measure and abs(v - amount) < 1e-6 for m, v in figures(product.specs[key]))
