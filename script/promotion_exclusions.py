"""Products a shop-wide promotion leaves out, as its own text or the product's FAQ says
("全场满299减30（奶粉和益生菌套装除外）", "奶粉不参加全场满减"): such a product's basket is
priced without it, and the host never offers it that promotion. A wrong total here is money.
"""
from __future__ import annotations

import re

from .catalog import Product

_EXCEPT = re.compile(r"([^，,；;（(：:]+?)(?:均)?(?:除外|不参加|不参与|不可用|不能用|不适用)")
_NOT_INCLUDING = re.compile(r"(?:不含|不包括|不包含|除了|除)([^，,；;）)。]+)")
_SEPARATORS = re.compile(r"和|、|及|与|以及|/|或")
# "包邮（新疆、西藏除外）" leaves out places, not products ("新疆长绒棉四件套" still ships free)
_PLACES = re.compile(r"新疆|西藏|青海|宁夏|甘肃|内蒙|海南|港澳|香港|澳门|台湾|偏远|地区|海外|国外|省|市|县|岛")
# the product's own word that it is left out of the shop's offers
_OWN_FAQ = re.compile(r"不参加|不参与|不能参加|不可参加|不享受|不能用|不可用")
_SHOP_OFFER = re.compile(r"全场|全店|满减|满\d|店铺|跨店|凑单")


def excluded_words(text: str) -> list[str]:
    """The kinds of product a promotion's text leaves out ("奶粉", "益生菌套装")."""
    words: list[str] = []
    for pattern in (_EXCEPT, _NOT_INCLUDING):
        for m in pattern.finditer(text.replace(" ", "")):
            clause = re.sub(r"^(?:可跨商品凑单|可跨店|可叠加|部分商品|特价商品以外的?)", "", m.group(1))
            words += [w.strip("的等") for w in _SEPARATORS.split(clause)
                      if len(w.strip("的等")) >= 2 and not _PLACES.search(w)]
    return words


def left_out(product: Product, promotion_text: str, store_wide: bool) -> bool:
    """True when `product` is one the promotion leaves out: its title names an excluded kind, or
    (for a shop-wide offer) its FAQ says it does not take part."""
    title = re.sub(r"\s+", "", product.title)
    for word in excluded_words(promotion_text):
        grams = {word[i:i + 2] for i in range(len(word) - 1)}
        if word in title or (len(grams) >= 2 and all(g in title for g in grams)):
            return True
    if not store_wide:
        return False
    return any(_OWN_FAQ.search(f.a) and _SHOP_OFFER.search(f.q + f.a) and not re.search(r"可以参加|能参加|参加的", f.a)
               for f in product.faq)


__all__ = ["excluded_words", "left_out"]
