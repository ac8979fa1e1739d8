"""Answers computed from facts: basket totals under the running promotions and unit prices
(comparisons are in comparisons, sizes in size_answers, how long a pack lasts in dose_answers). Each writer takes the `Answerer` (catalog, resolver, sentences) and a `Query`; every
number it says is a catalog fact or arithmetic on facts, listed in the answer's `derived`.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from .answer_facts import Answer
from .catalog import Product
from .lines import format_amount, format_price
from .promotions import quote, rule_source
from .piece_reading import read_pack
from .variant_prices import at_variant_price
from .derivation import derivation
from .understanding import Query

if TYPE_CHECKING:
    from .answers import Answerer

_UNIT = re.compile(r"(?:一|每|单|(?<![\d.])1)小?(公斤|片|粒|包|袋|颗|支|条|个|抽|卷|斤|克|罐|瓶|盒)")
_PER_KG = {"斤": 2.0, "公斤": 1.0}  # units a net weight is priced per


def basket(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    items = [(a.catalog.product(s), n) for s, n in query.quantities]
    items = [(at_variant_price(p, query.text), n) for p, n in items if p is not None]
    if not items:
        if query.guess.ambiguous:
            return a.per_product(query, now, a.single)
        product = a.catalog.product(query.guess.sku or "")
        if product is None:
            return Answer((), None, ())
        items = [(product, 1)]
    sold_out = [p for p, _ in items if p.sold_out]
    if sold_out:
        return a.say.price(sold_out[0], now)
    rules = {p.sku: a.say.running(p, now) for p, _ in items}
    if len(items) == 1 and (average := _average_piece(a, items[0], rules, query.text)) is not None:
        return average
    if re.search(r"省多少|能省|便宜多少|少花|省了", query.text):
        plain = sum(p.price * n for p, n in items)
        plain_expr = "+".join(f"{format_amount(p.price)}*{n}" for p, n in items)
        worked = quote(items, rules, a.name_of)
        saved = plain - worked.total
        if saved > 0.005:
            return Answer((f"{worked.sentence[:-1]}，比不参加活动省{format_price(saved)}。",), items[0][0].sku if len(items) == 1
                          else None, worked.sources, worked.derived + (derivation(saved, f"{plain_expr}-{format_amount(worked.total)}"),),
                          about=tuple(p.sku for p, _ in items))
    worked = quote(items, rules, a.name_of,
                   want_gap=bool(re.search(r"凑|还差|差多少|够不够|够满|能不能用|能用|可以用", query.text)))
    skus = tuple(p.sku for p, _ in items)
    sentence, sources, derived = worked.sentence, worked.sources, worked.derived
    rest = a.resolver.without_names(query.text, skus)
    for product, _ in items:
        for rule in rules[product.sku]:
            item = rule.text.split("换购", 1)[-1] if rule.kind == "addon" else ""
            if item and any(item[i:i + 2] in rest for i in range(len(item) - 1)):  # "耳机加保护套"
                total = worked.total + rule.amount
                sentence = f"{sentence[:-1]}，{rule.text}，一共{format_price(total)}。"
                sources += (f"{product.sku}.promotions[{rule.index}]",)
                derived += (derivation(total, f"{format_amount(worked.total)}+{format_amount(rule.amount)}"),)
    if re.search(r"折|优惠|活动|便宜|减", query.text):  # "买两罐打8折不" under 3件8折: not yet
        for product, count in items:
            short = [r for r in rules[product.sku] if r.kind in ("n_pieces_rate", "n_pieces_off", "n_pieces_price")
                     and not r.store_wide and count < r.threshold]
            if short:
                sentence = f"{sentence[:-1]}，{short[0].text}要买满{int(short[0].threshold)}件，这一单还不够。"
                sources += (rule_source(product, short[0]),)
    if re.search(r"送(?:东西|啥|什么|赠品|礼)|有赠品|有礼品|送不送", query.text):
        sentence, sources, derived = _gifts(items, rules, worked.total, sentence, sources, derived)
    if "包邮" in query.text:
        sentence, sources, derived = _free_shipping(items, rules, worked.total, sentence, sources, derived)
    return Answer((sentence,), skus[0] if len(skus) == 1 else None, sources, derived, about=skus)


def _free_shipping(items, rules, total: float, sentence: str, sources: tuple[str, ...], derived: tuple[str, ...]):
    """"够包邮不": a running 满X包邮 over the basket's amount, reached or how much is missing."""
    for product, _ in items:
        for rule in rules[product.sku]:
            if m := re.search(r"满\s*(\d+(?:\.\d+)?)\s*元?\s*包邮", rule.text):
                threshold = float(m.group(1))
                sources += (rule_source(product, rule),)
                if total + 1e-9 >= threshold:
                    return f"{sentence[:-1]}，够{rule.text}了。", sources, derived
                short = threshold - total
                return (f"{sentence[:-1]}，还差{format_price(short)}才够{rule.text}。", sources,
                        derived + (derivation(short, f"{format_amount(threshold)}-{format_amount(total)}"),))
    return sentence, sources, derived


def _gifts(items, rules, total: float, sentence: str, sources: tuple[str, ...], derived: tuple[str, ...]):
    """"钓椅加头灯一共多少 送东西不": the gifts this basket earns; a 满299送 one not reached is said
    with what is still missing."""
    said = []
    for product, _ in items:
        for rule in rules[product.sku]:
            if not re.search(r"送|赠", rule.text) or any(rule.text in s for s in said):
                continue
            sources += (rule_source(product, rule),)
            reach = re.search(r"满(\d+(?:\.\d+)?)元?送", rule.text)
            if reach is None or total >= float(reach.group(1)):
                said.append(f"送的有{rule.text}")
            else:
                gap = float(reach.group(1)) - total
                derived += (derivation(gap, f"{reach.group(1)}-{format_amount(total)}"),)
                said.append(f"{rule.text}，这一单还差{format_price(gap)}")
    ending = f"，{'；'.join(said)}。" if said else "，这一单没有赠品。"
    return sentence[:-1] + ending, tuple(dict.fromkeys(sources)), derived


_AVERAGE = re.compile(r"平均|算下来|合下来|折合|相当于|摊下来|均价")
_PIECE = re.compile(r"[一每1]\s*([瓶罐袋盒件支个包桶])")


def _average_piece(a: "Answerer", item: tuple[Product, int], rules, text: str) -> Answer | None:
    """"买二送一算下来一瓶多少钱", "2罐9折平均一罐多少": the basket the promotion asks for (or the
    viewer's count), over the pieces it brings home."""
    product, count = item
    piece = _PIECE.search(text)
    rule = next((r for r in rules[product.sku] if not r.store_wide and
                 r.kind in ("buy_get", "n_pieces_rate", "n_pieces_off", "nth_item")), None)
    if not _AVERAGE.search(text) or piece is None:
        return None
    if count <= 1 and rule is not None:
        count = rule.nth if rule.kind in ("buy_get", "nth_item") else int(rule.threshold)
    if count < 2:
        return None
    worked = quote([(product, count)], rules, a.name_of)  # "卫衣两件 一件算下来多少": a shop-wide 满减 counts too
    paid_whole = rule is not None and rule.kind == "buy_get" and rule.nth and count % rule.nth == 0
    pieces = count + (count // rule.nth) * rule.free if paid_whole else count
    each = worked.total / pieces
    unit = piece.group(1)
    brought = f"到手{pieces}{unit}，" if pieces != count else ""
    return Answer((f"{worked.sentence[:-1]}，{brought}平均一{unit}{format_amount(each)}元。",), product.sku,
                  tuple(dict.fromkeys(worked.sources + ((rule_source(product, rule),) if rule else ()))),
                  worked.derived + (derivation(each, f"{format_amount(worked.total)}/{pieces}"),), about=(product.sku,))


def pack_count(product: Product, unit: str) -> float | None:
    """How many `unit` one listing holds (片数: 64片, or "64片" in the title; 斤 and 公斤 from its
    net weight: a 5kg bag is 10斤)."""
    if unit in _PER_KG:
        weighed = _net_weight(product, unit)
        return weighed[0] if weighed else None
    for text in (*product.specs.values(), product.title):
        if m := re.search(rf"(\d+)\s*{unit}", text):
            return int(m.group(1))
    pack = read_pack(product)  # "250g(约10小包)"
    return pack.count if pack is not None and pack.piece == unit else None


def _net_weight(product: Product, unit: str) -> tuple[float, str] | None:
    """The listing's net weight in `unit` (斤 or 公斤) and the arithmetic from its written weight."""
    for text in (product.title, *product.specs.values()):
        if m := re.search(r"(?<![\d.×x*])(\d+(?:\.\d+)?)\s*(kg|公斤|千克|g|克)(?![a-z])", str(text), re.IGNORECASE):
            grams = m.group(2).lower() in ("g", "克")
            amount = float(m.group(1)) / (1000 if grams else 1) * _PER_KG[unit]
            expression = f"{m.group(1)}{'/1000' if grams else ''}{'*2' if unit == '斤' else ''}"
            return amount, expression
    return None


def shared_measure(products: list[Product]) -> str | None:
    """A unit every product's size is written in (50ml and 100ml; 64片 and 80片)."""
    for unit in ("ml", "g", "片", "粒", "抽", "支", "包", "袋", "颗"):
        if all((pack_count(p, unit) or 0) >= 2 for p in products):
            return unit
    return None


def asked_unit(text: str) -> str | None:
    """The unit a per-unit price is asked in ("一片合多少": 片)."""
    m = _UNIT.search(text)
    return m.group(1) if m else None


_PER_GRAMS = re.compile(r"(\d+)\s*(?:克|g)\s*(?:合|算|要|是)", re.IGNORECASE)


def _per_grams(a: "Answerer", query: Query, now: datetime | None, grams: int) -> Answer:
    """"家庭装100克合多少钱": the price of that many grams at the listing's price per net weight."""
    def write(product: Product, q: Query, when: datetime | None) -> Answer:
        net = _net_weight(product, "公斤")
        if net is None or net[0] <= 0:
            return a.say.price(product, when)
        amount = product.price * grams / (net[0] * 1000)
        return Answer((f"{a.name_of(product)}{format_price(product.price)}，净含量{format_amount(net[0] * 1000)}g，"
                       f"算下来{grams}g合{format_amount(amount)}元。",), product.sku, (f"{product.sku}.price",),
                      (str(grams), derivation(net[0] * 1000, f"{net[1]}*1000"),  # the viewer's grams: a stated fact
                       derivation(amount, f"{format_amount(product.price)}*{grams}/({net[1]}*1000)")), about=(product.sku,))
    return a.per_product(query, now, write)


def unit_price(a: "Answerer", query: Query, now: datetime | None, unit: str | None = None) -> Answer:
    if (per := _PER_GRAMS.search(query.text)) and unit is None:
        return _per_grams(a, query, now, int(per.group(1)))
    unit = unit or asked_unit(query.text) or "片"

    def write(product: Product, q: Query, when: datetime | None) -> Answer:
        count = pack_count(product, unit)
        if not count or (count < 2 and unit not in _PER_KG):
            return a.say.price(product, when)
        each = product.price / count
        weighed = _net_weight(product, unit) if unit in _PER_KG else None
        derived = (derivation(count, weighed[1]),) if weighed else ()
        derived += (derivation(each, f"{format_amount(product.price)}/{format_amount(count)}"),)
        gone = "，现在已经售罄了" if product.sold_out else ""
        return Answer((f"{a.name_of(product)}是{format_price(product.price)}{format_amount(count)}{unit}，{'每' if unit.isascii() else '一'}{unit}合"
                       f"{format_amount(each)}元{gone}。",), product.sku, (f"{product.sku}.price",), derived, about=(product.sku,))
    return a.per_product(query, now, write)


__all__ = ["basket", "unit_price"]
