"""Gifts a promotion gives ("下单赠同系列护手霜30g", "下单赠加绒围巾1条"): a viewer asking about the
gift ("护手霜是送的吗 多大", "加绒围巾单独卖吗") is told which product's promotion gives it, in the
promotion's own words, instead of being matched to whichever product shares a word with it.
Only gifts no title sells are indexed: a gift that is also a product is that product.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import Catalog
from .product_words import common_words

# The gift after 送/赠, without qualifiers and before its count or size ("同系列护手霜30g" -> 护手霜).
# Only a 送/赠 that a purchase earns ("下单赠", "满299送", "买就送"), not "自用送人都合适" or "送货上门".
_GIFT = re.compile(r"(?:下单|拍下|购买|买\S{0,6}?|满\d+\S{0,3}?|加购|前\d+名|即|就)(?:送|赠)(?:送)?"
                   r"(?:同系列|同款|同段|价值\d+元的?|一个|1个)?(?P<gift>[\u4e00-\u9fff]{2,8}?)"
                   r"(?=\d|[×x*一两1-9（(，,、；;。]|$)")
_NOT_GIFTS = re.compile(r"^(?:完即止|完为止|品|礼|东西|的|一|同)|运费险|优惠券|券|上门|到家|积分|礼品卡|红包")


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


def gift_asked(gifts: list[Gift], text: str, near: tuple[str, ...] = ()) -> Gift | None:
    """The gift the question names (whole, or by its last characters: 围巾 of 加绒围巾, unless those are
    an everyday word); of two products giving it, the one in `near` (named, on screen) first."""
    named = [g for g in gifts if g.name in text or g.name[-3:] in text and len(g.name) > 3 or
             g.name[-2:] in text and (g.name[-2:] not in common_words() or re.search(r"送|赠", text))]
    return next((g for g in named if g.sku in near), named[0] if named else None)
