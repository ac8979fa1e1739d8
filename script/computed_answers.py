"""Answers computed from facts: basket totals under the running promotions, unit prices,
comparisons on one attribute, (sizes are in size_answers, how long a pack lasts in
dose_answers). Each writer takes the `Answerer` (catalog, resolver, sentences) and a `Query`; every
number it says is a catalog fact or arithmetic on facts, listed in the answer's `derived`.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from .answer_facts import Answer
from .catalog import Product
from .lines import format_amount, format_price
from .promotions import count_word, quote, rule_source
from .variant_prices import at_variant_price
from .answer_facts import speakable
from .derivation import derivation
from .spec_reading import class_unit, asked_class, choose_specs
from .understanding import Query

if TYPE_CHECKING:
    from .answers import Answerer

_BIGGER = {"power": "功率更大", "battery": "容量更大", "hours": "续航更长", "height": "更高", "diameter": "更粗",
           "length": "更长", "volume": "容量更大", "weight": "更重", "shelf_life": "保质期更长", "fill": "充绒更多",
           "spf": "防晒倍数更高", "temperature": "色温更高", "count": "数量更多", "dose_unit": "含量更高"}
_UNIT = re.compile(r"(?:一|每|单|(?<![\d.])1)(公斤|片|粒|包|袋|颗|支|条|个|抽|卷|斤|克|罐|瓶|盒)")
_PER_KG = {"斤": 2.0, "公斤": 1.0}  # units a net weight is priced per
_DIFFERENCE = re.compile(r"贵多少|便宜多少|差多少钱|差价|差几块|贵几块|便宜几块")
_VALUE = re.compile(r"划算|性价比|单价|一片|每片|实惠")


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


def _pack_count(product: Product, unit: str) -> float | None:
    """How many `unit` one listing holds (片数: 64片, or "64片" in the title; 斤 and 公斤 from its
    net weight: a 5kg bag is 10斤)."""
    if unit in _PER_KG:
        weighed = _net_weight(product, unit)
        return weighed[0] if weighed else None
    for text in (*product.specs.values(), product.title):
        if m := re.search(rf"(\d+)\s*{unit}", text):
            return int(m.group(1))
    return None


def _net_weight(product: Product, unit: str) -> tuple[float, str] | None:
    """The listing's net weight in `unit` (斤 or 公斤) and the arithmetic from its written weight."""
    for text in (product.title, *product.specs.values()):
        if m := re.search(r"(?<![\d.×x*])(\d+(?:\.\d+)?)\s*(kg|公斤|千克|g|克)(?![a-z])", str(text), re.IGNORECASE):
            grams = m.group(2).lower() in ("g", "克")
            amount = float(m.group(1)) / (1000 if grams else 1) * _PER_KG[unit]
            expression = f"{m.group(1)}{'/1000' if grams else ''}{'*2' if unit == '斤' else ''}"
            return amount, expression
    return None


def _shared_measure(products: list[Product]) -> str | None:
    """A unit every product's size is written in (50ml and 100ml; 64片 and 80片)."""
    for unit in ("ml", "g", "片", "粒", "抽", "支", "包", "袋", "颗"):
        if all((_pack_count(p, unit) or 0) >= 2 for p in products):
            return unit
    return None


def _asked_unit(text: str) -> str | None:
    """The unit a per-unit price is asked in ("一片合多少": 片)."""
    m = _UNIT.search(text)
    return m.group(1) if m else None


def unit_price(a: "Answerer", query: Query, now: datetime | None, unit: str | None = None) -> Answer:
    unit = unit or _asked_unit(query.text) or "片"

    def write(product: Product, q: Query, when: datetime | None) -> Answer:
        count = _pack_count(product, unit)
        if not count or (count < 2 and unit not in _PER_KG):
            return a.say.price(product, when)
        if product.sold_out:
            return a.say.price(product, when)
        each = product.price / count
        weighed = _net_weight(product, unit) if unit in _PER_KG else None
        derived = (derivation(count, weighed[1]),) if weighed else ()
        derived += (derivation(each, f"{format_amount(product.price)}/{format_amount(count)}"),)
        return Answer((f"{a.name_of(product)}是{format_price(product.price)}{format_amount(count)}{unit}，{'每' if unit.isascii() else '一'}{unit}合"
                       f"{format_amount(each)}元。",), product.sku, (f"{product.sku}.price",), derived, about=(product.sku,))
    return a.per_product(query, now, write)


def compare(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    skus = list(dict.fromkeys(query.named)) if len(set(query.named)) >= 2 else list(query.guess.skus)
    products = [p for p in (a.catalog.product(s) for s in skus[:4]) if p]
    if len(products) < 2:
        return a.per_product(query, now, a.single)
    rest = a.resolver.without_names(query.text, skus)
    if _DIFFERENCE.search(rest) and len(products) == 2:
        low, high = sorted(products, key=lambda p: p.price)
        gap = high.price - low.price
        return Answer((f"{a.name_of(high)}是{format_price(high.price)}，{a.name_of(low)}是{format_price(low.price)}，"
                       f"差{format_price(gap)}。",), None, (f"{high.sku}.price", f"{low.sku}.price"),
                      (derivation(gap, f"{format_amount(high.price)}-{format_amount(low.price)}"),),
                      about=(high.sku, low.sku))
    if _VALUE.search(rest) and asked_class(rest) is None:
        unit = _asked_unit(query.text) or _shared_measure(products) or "片"
        answers = [unit_price(a, Query(query.text, "unit_price", _one(a, p)), now, unit) for p in products]
        counts = [_pack_count(p, unit) or 0 for p in products]
        # compared as said: two prices that round alike are no verdict
        each = [float(format_amount(p.price / c)) if c >= 2 else None for p, c in zip(products, counts)]
        verdict = None
        if None not in each and len(set(each)) > 1:  # "哪个划算": the lower price per ml (or 片, g) is
            verdict = f"{a.name_of(products[each.index(min(each))])}更划算。"
        return _with_verdict(a, answers, verdict)
    by_kind = _side_by_side(a, products, rest, query.text)
    if by_kind is not None:
        stated = [[s for s in by_kind.sources if s.startswith(f"{p.sku}.")] for p in products]
        values = ["".join(p.specs.get(s.rsplit(".", 1)[-1], "") for s in own) for p, own in zip(products, stated)]
        return _with_verdict(a, [by_kind], _which_more(a, products, rest) or _quicker(a, products, by_kind, rest)
                             or _both(a, products, values, [tuple(x) for x in stated], query.text))
    single = Query(query.text, a.plain_intent(rest), query.guess, named=query.named)
    answers = [a.single(p, single, now) for p in products]
    if not all(x.sentences and x.sources for x in answers):
        answers = [_overview(a, p, rest) for p in products]  # "有啥区别", "哪个暖和": the facts side by side
    return _with_verdict(a, answers, _which_more(a, products, rest) or _all_the_same(answers)
                        or _both(a, products, [_stated(p, x) for p, x in zip(products, answers)],
                                 [x.sources for x in answers], query.text))


def _stated(product: Product, answer: Answer) -> str:
    """What an answer says of a product: its specs' values (not their names: "防水：不防水"), or its words."""
    values = [product.specs.get(s.split(".specs.", 1)[1], "") for s in answer.sources if ".specs." in s]
    return "；".join(values) if values else "".join(answer.sentences)


def _both(a: "Answerer", products: list[Product], said: list[str], sources: list[tuple[str, ...]],
          text: str) -> str | None:
    """"骑行服跟手套都防风吗": yes when every product's answer states the feature; "哪个是真丝的":
    the ones whose answer states it, or none when each states its material and none names it at all."""
    m = re.search(r"(?:都|哪个|哪款)(?:能|是|有|可以|带|支持)?([\u4e00-\u9fff]{2})", text)
    if m is None:
        return None
    feature = m.group(1)
    having = [p for p, x in zip(products, said) if re.search(rf"(?<![不无没非])(?<!不可)(?<!不能){feature}", x)]
    count = "两" if len(products) == 2 else "几"
    if len(having) == len(products):
        return f"{count}款都{feature}。"
    if having:
        return f"{'、'.join(a.name_of(p) for p in having)}是{feature}的。" if m.group(0).startswith("哪") else None
    materials = all(any(re.search(r"材质|面料|材料", s) for s in x) for x in sources)
    # 纯棉 against 长绒棉 is unsettled: a "neither" needs the material's own character absent from all
    if materials and asked_class(feature) == "material" and not any(feature[-1] in x for x in said):
        return f"{count}款都不是{feature}的。"
    return None


def _side_by_side(a: "Answerer", products: list[Product], text: str, whole: str = "") -> Answer | None:
    """One spec per product in one sentence: the asked kind's largest figure ("哪个功率大"), or for
    "有啥区别" the first spec whose values differ between them."""
    keys: list[str] = []
    shared = [k for k in products[0].specs if all(k in p.specs for p in products)]
    # "耳机跟车灯充电哪个快": a spec every product has, named by the question (充电时间)
    named = [k for k in shared if any(k[i:i + 2] in (whole or text) for i in range(len(k) - 1))]
    if asked_class(text) is not None:
        for product in products:
            choice = choose_specs(product, text)
            if choice is None or not choice.keys:
                keys = named * len(products) if len(named) == 1 else []
                break
            keys.append(max(choice.keys, key=lambda k: _largest(product.specs[k])))
        if not keys:
            return None
    elif re.search(r"区别|不同|差别|有啥不一样|什么不一样", text):
        shared = [k for k in products[0].specs if all(k in p.specs for p in products)]
        differing = next((k for k in shared if len({p.specs[k] for p in products}) > 1), None)
        if differing is None:
            return None
        keys = [differing] * len(products)
    elif len(named) == 1:
        keys = named * len(products)
    else:
        return None
    parts = [speakable(f"{a.name_of(p)}的{k}是{p.specs[k]}") + ("（已售罄）" if p.sold_out else "")
             for p, k in zip(products, keys)]
    return Answer(("，".join(parts) + "。",), None, tuple(f"{p.sku}.specs.{k}" for p, k in zip(products, keys)),
                  about=tuple(p.sku for p in products))


def _quicker(a: "Answerer", products: list[Product], said: Answer, text: str) -> str | None:
    """"哪个充电快" over 充电时间: the shorter time is the quicker."""
    key = said.sources[0].rsplit(".", 1)[-1]
    if not re.search(r"快|慢", text) or not re.search(r"时间|时长|多久", key):
        return None
    hours = [(float(m.group(1)) * (1 / 60 if m.group(2) == "分钟" else 1), p) for p in products
             for m in [re.search(r"(\d+(?:\.\d+)?)\s*(小时|h|分钟)", p.specs[key])] if m]
    if len(hours) != len(products) or len({h for h, _ in hours}) == 1:
        return None
    return f"{a.name_of(min(hours, key=lambda h: h[0])[1])}更快。"


def _all_the_same(answers: list[Answer]) -> str | None:
    """"都是1年": when every product's answer states the same figure of the same spec."""
    if len({s.rsplit(".", 1)[-1] for x in answers for s in x.sources if ".specs." in s}) != 1:
        return None
    found = [re.search(r"\d+(?:\.\d+)?\s*(?:年|个月|天|小时|w|W|g|kg|ml|L|mAh|cm|mm|℃|%)", "".join(x.sentences))
             for x in answers]
    figures = {m.group(0) for m in found if m}
    if len(figures) == 1 and all(found):  # one answer without a figure is no "same"
        return f"这一项都是{figures.pop()}，都一样。"
    return None


def _largest(value: str) -> float:
    return max((float(n) for n in re.findall(r"\d+(?:\.\d+)?", value)), default=0.0)


def _one(a: "Answerer", product: Product):
    from .product_resolver import ProductGuess
    return ProductGuess((product.sku,), "named")


def _overview(a: "Answerer", product: Product, text: str) -> Answer:
    facts, sources = a.say.highlights(product, limit=1, text=text, points=False)
    if product.sold_out:
        return Answer((f"{a.name_of(product)}：{facts}，现在已售罄。",), product.sku, sources + (f"{product.sku}.stock",),
                      about=(product.sku,))
    return Answer((f"{a.name_of(product)}：{facts}，到手价{format_price(product.price)}。",), product.sku,
                  sources + (f"{product.sku}.price",), about=(product.sku,))


def _with_verdict(a: "Answerer", answers: list[Answer], verdict: str | tuple[str, str] | None) -> Answer:
    """The answers, then the verdict (a sentence, or a sentence and the derivation of its number)."""
    from .answers import joined
    both = joined(answers, None)
    if verdict:
        said, derived = (verdict, ()) if isinstance(verdict, str) else (verdict[0], (verdict[1],))
        both = Answer(both.sentences + (said,), None, both.sources, both.derived + derived, about=both.about)
    return both


def _which_more(a: "Answerer", products: list[Product], text: str) -> str | tuple[str, str] | None:
    if re.search(r"一样|相同|区别|不同", text):
        said = [a.say.specs(p, text) for p in products]
        values = {x.sentences[0].split("是", 1)[-1] for x in said if x is not None}
        if len(values) == 1 and all(said):
            return "这一项是一样的。"
    kind = asked_class(text)
    if kind is None and re.search(r"便宜|贵|价", text):
        if len({p.price for p in products}) == 1:
            return "价格一样。"
        if "贵" in text and "便宜" not in text:  # "哪个贵": the dearer one, as asked
            return f"{a.name_of(max(products, key=lambda p: p.price))}更贵。"
        return f"{a.name_of(min(products, key=lambda p: p.price))}价格更低。"
    if kind not in _BIGGER:
        return None
    values = []
    for product in products:
        choice = a.say.specs(product, text)
        if choice is None:
            return None
        stated = "，".join(str(product.specs.get(s.rsplit(".specs.", 1)[-1], "")) for s in choice.sources)
        found = [(float(n), unit.lower()) for part in stated.split("，") for n, unit in  # values, not the title's 20000mAh
                 re.findall(r"(\d+(?:\.\d+)?)\s*(w|mah|小时|h|cm|mm|ml|g|kg|l|℃|k|%|个月|年|天|片|粒|袋|包|支|抽)",
                            part, re.I)]
        # "6小时后≥65℃" asked for hours: the figures of the asked kind, not the temperature beside them
        of_kind = [f for f in found if re.search(class_unit(kind), f"{format_amount(f[0])}{f[1]}", re.I)]
        found = of_kind or found
        if not found:
            return None
        values.append((max(f for f in found if f[1] == found[0][1]), product))  # "3年（开封后12个月内）": years
    if len({unit for (_, unit), _ in values}) > 1:
        return None  # 120g against 50ml: not one measure
    unit = {"mah": "mAh", "w": "W", "l": "L", "h": "小时"}.get(values[0][0][1], values[0][0][1])
    values = [(number, product) for (number, _), product in values]
    if len({v for v, _ in values}) == 1:
        return "这一项是一样的，都一样。"
    high, low = max(v for v, _ in values), min(v for v, _ in values)
    gap = high - low  # "大好多", "轻多少", or not asked: a host says by how much
    if len(values) == 2 and not re.search(r"哪|谁", text):  # "大瓶小瓶差多少克": only the difference
        return f"差{format_amount(gap)}{unit}。", derivation(gap, f"{format_amount(high)}-{format_amount(low)}")
    less = re.search(r"[轻小短低薄]|(?<!多)少", text)  # "哪个轻点": the smaller figure is the answer
    said = f"{a.name_of(min(values, key=lambda v: v[0])[1])}更{less.group(0)}" if less else \
        f"{a.name_of(max(values, key=lambda v: v[0])[1])}{_BIGGER[kind]}"
    if len(values) != 2:
        return f"{said}。"
    return f"{said}，差{format_amount(gap)}{unit}。", derivation(gap, f"{format_amount(high)}-{format_amount(low)}")


__all__ = ["basket", "compare", "unit_price", "count_word"]
