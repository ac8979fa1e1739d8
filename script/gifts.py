"""Gifts a promotion gives ("下单赠同系列护手霜30g", "下单赠加绒围巾1条"): a viewer asking about the
gift ("护手霜是送的吗 多大", "加绒围巾单独卖吗") is told which product's promotion gives it, in the
promotion's own words, instead of being matched to whichever product shares a word with it.
Only gifts no title sells are indexed: a gift that is also a product is that product.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import Catalog

# The gift after 送/赠, without qualifiers and before its count or size ("同系列护手霜30g" -> 护手霜).
_GIFT = re.compile(r"(?:送|赠)(?:送)?(?:同系列|同款|同段|价值\d+元的?|一个|1个)?(?P<gift>[\u4e00-\u9fff]{2,8}?)"
                   r"(?=\d|[×x*一两1-9（(，,、；;。]|$)")
_NOT_GIFTS = re.compile(r"^(?:完即止|完为止|品|礼|东西|的|一|同)")


@dataclass(frozen=True)
class Gift:
    name: str  # as the promotion words it (加绒围巾)
    sku: str  # the product whose promotion gives it
    promotion: int  # index in that product's promotions


def gifts_of(catalog: Catalog) -> list[Gift]:
    titles = "\n".join(p.title for p in catalog.products)
    found = []
    for product in catalog.products:
        for i, promotion in enumerate(product.promotions):
            for m in _GIFT.finditer(promotion.text.replace(" ", "")):
                name = m.group("gift")
                if not _NOT_GIFTS.search(name) and name not in titles:
                    found.append(Gift(name, product.sku, i))
    return found


def gift_asked(gifts: list[Gift], text: str) -> Gift | None:
    """The gift the question names (whole, or by its last two or three characters: 围巾 of 加绒围巾)."""
    for gift in gifts:
        if any(part in text for part in {gift.name, gift.name[-3:], gift.name[-2:]} if len(part) >= 2):
            return gift
    return None
