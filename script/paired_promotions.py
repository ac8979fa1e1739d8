"""Promotions written on one product that name a partner product: "与新会五年陈皮同拍立减15元",
"电热毯与保暖窗帘（任意尺寸）同拍立减30元". The amount comes off when the partner is in the basket too,
once per pair. Which product the partner text means is read from title words over the whole shop (the
one sharing most, and only if no other shares as many): a partner not clearly named takes nothing off.
Pure: no catalog state.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import Product

# "与X同拍立减15元", "和X一起买减20", "搭配X购买立减10元": the partner between the link word and the buying word.
PAIRED = re.compile(r"(?:与|和|跟|搭配|配)(?P<partner>[^，,；;。]{2,24}?)(?:同拍|一起拍|一起买|同买|合买|同时购买|搭配购买|组合购买|购买)"
                    r"(?:立减|减|优惠|便宜)(?P<amount>\d+(?:\.\d+)?)(?![\d.]*\s*折)元?")  # "同拍优惠8折" is a rate


@dataclass(frozen=True)
class PairedDiscount:
    owner: str  # the sku the promotion is written on
    partner: str  # the partner's sku
    amount: float  # money off per pair
    pairs: int
    text: str


def _bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u3400-\u9fff]+", text)
    return {run[i:i + 2] for run in runs for i in range(len(run) - 1)}


def partner_of(partner_text: str, owner: Product, products: tuple[Product, ...]) -> str | None:
    """The sku of the shop's product the partner text names: most title words shared, and no other
    product sharing as many (新会五年陈皮 is not 新会十年陈皮), else None."""
    main = re.sub(r"（[^）]*）|\([^)]*\)", "", partner_text)  # "保暖窗帘（任意尺寸）": the brackets qualify it
    runs = re.findall(r"[\u3400-\u9fff]{2,}", main)
    head = runs[-1][-2:] if runs else ""  # the noun it ends on (窗帘) must be in the partner's title
    wanted = _bigrams(main) - _bigrams(owner.title)
    others = [p for p in products if p.sku != owner.sku and head and head in p.title]
    best, best_score, tied = None, 0, False  # no title with the noun: the shop does not sell the partner
    for product in others:
        score = len(wanted & _bigrams(product.title))
        if score > best_score:
            best, best_score, tied = product.sku, score, False
        elif score == best_score and score:
            tied = True
    return None if tied or best is None else best


def paired_discounts(items: list[tuple[Product, int]], partners_of: dict[str, list[tuple[str, float, str]]]
                     ) -> list[PairedDiscount]:
    """`partners_of`: per sku, its running paired promotions as (partner sku, amount, text). The
    discounts the basket earns: each piece in one pair at most, the larger discount first."""
    left = {p.sku: q for p, q in items}  # pieces not yet in a pair: each piece pairs once
    offers = sorted(((amount, owner.sku, partner, text) for owner, _ in items
                     for partner, amount, text in partners_of.get(owner.sku, []) if partner in left),
                    key=lambda o: (-o[0], o[1], o[2]))  # the larger discount first, whatever the basket order
    found: list[PairedDiscount] = []
    for amount, owner, partner, text in offers:
        pairs = min(left[owner], left[partner])
        if pairs > 0:
            left[owner] -= pairs
            left[partner] -= pairs
            found.append(PairedDiscount(owner, partner, amount, pairs, text))
    return found
