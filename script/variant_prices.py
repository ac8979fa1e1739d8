"""Prices per variant written in one spec ("规格与价格: S：直径45cm，59元；M：直径55cm，79元；L：…"):
which variant a question names, and that variant's price, so "M号多钱" is never answered with the
product's base price (the S size's)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .catalog import Product

_SEGMENT = re.compile(r"\s*(?P<label>[^：:；;]{1,24}?)\s*[：:]\s*(?P<rest>[^；;]+)")
# A price, not a surcharge, a gift's worth or a difference ("加收15元", "价值15元", "贵20元").
_PRICE = re.compile(r"(?<!加)(?<!加收)(?<!补)(?<!价值)(?<!贵)(?<!便宜)(?<!送)(?<!原价)(?<!减)(\d+(?:\.\d+)?)\s*元")
# A size letter standing alone ("M号", "大号的L"), not the L of 5L or the S of S925.
_LETTER_SIZE = re.compile(r"(?<![a-z0-9])(x{0,3}[sml]|x{1,3}l|\dxl)(?![a-z0-9])", re.IGNORECASE)
_SIZE_LABEL = re.compile(r"^(?:x{0,3}[sml]|x{1,3}l|\dxl|.{0,6}[号码]|.*\d+(?:\.\d+)?\s*(?:m|cm|米|厘米|l|ml|升|kg|g|寸).*)$",
                         re.IGNORECASE)
_SIZE_WORDS = {"小号": "s", "中号": "m", "大号": "l", "小码": "s", "中码": "m", "大码": "l"}
# A figure with a length unit ("3米宽", "2.0m", "150cm"), in metres.
_LENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*(米|m(?![a-z])|cm|厘米)", re.IGNORECASE)


@dataclass(frozen=True)
class VariantPrice:
    spec: str  # the spec's name ("规格与价格")
    label: str  # "M", "宽3.0m×高2.7m"
    detail: str  # what the segment says after the label, price included
    price: float


def variant_prices(product: Product) -> list[VariantPrice]:
    """The variants one of the product's specs prices one by one (two or more), else []."""
    for key, value in product.specs.items():
        priced = []
        for part in re.split(r"[；;]", str(value)):
            m = _SEGMENT.match(part)
            prices = _PRICE.findall(m.group("rest")) if m else []
            if m and prices:  # the last amount: "送价值15元猫抓板，59元" costs 59
                priced.append(VariantPrice(str(key), m.group("label").strip(), m.group("rest").strip(" 。"),
                                           float(prices[-1])))
        # Only a spec about price, or one whose labels are sizes: "新疆西藏：加收15元" prices no variant.
        if len(priced) >= 2 and ("价" in str(key) or all(_SIZE_LABEL.match(v.label) for v in priced)):
            return priced
    return []


def named_variant(product: Product, text: str) -> VariantPrice | None:
    """The priced variant the question names by its size letter or word, or by its first length."""
    variants = variant_prices(product)
    if not variants:
        return None
    folded = text.lower()
    asked = {s.lower() for s in _LETTER_SIZE.findall(folded)} | {v for w, v in _SIZE_WORDS.items() if w in folded}
    by_letter = [v for v in variants if _LETTER_SIZE.fullmatch(v.label.strip().lower()) and v.label.strip().lower() in asked]
    if len(by_letter) == 1:
        return by_letter[0]
    # "我家层高3米" is the room, not the curtain's width: a length said as a height picks nothing
    lengths = {_metres(*m.groups()) for m in _LENGTH.finditer(folded) if not re.search(r"高\S?$", folded[:m.start()])}
    by_length = [v for v in variants if (first := _LENGTH.search(v.label.lower())) and
                 _metres(*first.groups()) in lengths]
    return by_length[0] if len(by_length) == 1 else None


def at_variant_price(product: Product, text: str) -> Product:
    """The product as the variant the question names would be sold (its price), for a basket."""
    chosen = named_variant(product, text)
    if chosen is None:
        return product
    words = re.sub(r"[（(][^）)]*[）)]", " ", product.title).split() or [product.title]
    # The variant said in its name: "加厚保温遮光窗帘宽3.0m×高2.7m".
    return replace(product, price=chosen.price, title=" ".join([words[0] + chosen.label, *words[1:]]))


def _metres(number: str, unit: str) -> float:
    return round(float(number) / (100 if unit.lower() in ("cm", "厘米") else 1), 3)
