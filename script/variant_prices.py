"""Prices per variant written in one spec ("规格与价格: S：直径45cm，59元；M：直径55cm，79元；L：…"):
which variant a question names, and that variant's price, so "M号多钱" is never answered with the
product's base price (the S size's)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .catalog import Product

_SEGMENT = re.compile(r"\s*(?P<label>[^：:；;]{1,24}?)\s*[：:]\s*(?P<rest>[^；;]+)")
_PRICE = re.compile(r"(\d+(?:\.\d+)?)\s*元")
_LETTER_SIZE = re.compile(r"(?<![a-z])(x{0,3}[sml]|x{1,3}l|\d?xl)(?![a-z])", re.IGNORECASE)
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
            price = _PRICE.search(m.group("rest")) if m else None
            if m and price:
                priced.append(VariantPrice(str(key), m.group("label").strip(), m.group("rest").strip(" 。"),
                                           float(price.group(1))))
        if len(priced) >= 2:
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
    lengths = {_metres(n, u) for n, u in _LENGTH.findall(folded)}
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
