"""A price the viewer states ("昨天不是59吗", "直播间写的39", "怎么涨到129了") when it is not the
catalog's: the claim a host corrects with the real price, never repeats."""
from __future__ import annotations

import re

from .catalog import Catalog
from .product_resolver import ProductGuess
from .product_words import count_from_word
from .question_words import COUNT, MONEY_CLAIM, PAST


def claimed_price(catalog: Catalog, folded: str, guess: ProductGuess) -> float | None:
    """A money figure the viewer states as the price, when it is not the catalog's."""
    folded = re.sub(r"(?:[掌腰头胸臀腕颈]围|身高|体重)\s*\d+(?:\.\d+)?", " ", folded)  # "腰围90": a body
    if COUNT.search(folded) and not PAST.search(folded) and \
            not re.search(r"\d\s*(?:块|元)?\s*一[桶瓶盒袋包罐个件支]", folded):  # "豆瓣酱18一桶吧": a claim
        return None
    numbers = [float(n) for n in re.findall(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*\s*(?:段|码|号|g|kg|ml|w|mah|个月|天|小时|斤|jin|cm|件|罐|盒|瓶|包|袋))", folded)]
    claims = [float(m.group(1) or m.group(2)) for m in MONEY_CLAIM.finditer(folded)]
    if PAST.search(folded) or re.search(r"不是|才|只要|只卖|写的|标的|涨|降价|便宜|贵了|卖\d|对不|对吧|是吧|"
                                        r"\d\s*(?:块|元)?\s*(?:一[桶瓶盒袋包罐个件支])?[嘛哦吧]", folded):
        claims += [n for n in numbers if n >= 5]  # "直播间不是写的39吗", "怎么涨到129了"
    count = max((count_from_word(m.group(1)) or 1 for m in COUNT.finditer(folded) if m.group(1)), default=1)
    for value in claims:
        products = [catalog.product(s) for s in guess.skus]
        # "昨天还29.9两袋呢": a figure for two is checked against two, not against one's price
        known = {p.price * count for p in products if p} | {p.list_price for p in products if p and p.list_price}
        if value not in known and value >= 1:
            return value
    return None
