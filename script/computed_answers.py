"""Answers computed from facts: basket totals under the running promotions, unit prices,
comparisons on one attribute, sizes from a size chart or a variant's weight range (how long a
pack lasts is in dose_answers). Each writer takes the `Answerer` (catalog, resolver, sentences) and a `Query`; every
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
from .answer_facts import speakable
from .derivation import derivation
from .spec_reading import (asked_class, body_measures, choose_specs, foot_length_mm, pick_foot_size, pick_size,
                           size_chart)
from .textmatch import normalize
from .understanding import Query

if TYPE_CHECKING:
    from .answers import Answerer

_BIGGER = {"power": "功率更大", "battery": "容量更大", "hours": "续航更长", "height": "更高", "diameter": "更粗",
           "length": "更长", "volume": "容量更大", "weight": "更重", "shelf_life": "保质期更长", "fill": "充绒更多",
           "spf": "防晒倍数更高", "temperature": "色温更高", "count": "数量更多", "dose_unit": "含量更高"}
_UNIT = re.compile(r"(?:一|每|单)(片|粒|包|袋|颗|支|条|个|抽|卷|斤|克|罐|瓶|盒)")
_DIFFERENCE = re.compile(r"贵多少|便宜多少|差多少钱|差价|差几块|贵几块|便宜几块")
_VALUE = re.compile(r"划算|性价比|单价|一片|每片|实惠")


def basket(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    items = [(a.catalog.product(s), n) for s, n in query.quantities]
    items = [(p, n) for p, n in items if p is not None]
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
    return Answer((sentence,), skus[0] if len(skus) == 1 else None, sources, derived, about=skus)


_AVERAGE = re.compile(r"平均|算下来|合下来|折合|相当于|摊下来|均价")
_PIECE = re.compile(r"[一每1]\s*([瓶罐袋盒件支个包桶])")


def _average_piece(a: "Answerer", item: tuple[Product, int], rules, text: str) -> Answer | None:
    """"买二送一算下来一瓶多少钱", "2罐9折平均一罐多少": the basket the promotion asks for (or the
    viewer's count), over the pieces it brings home."""
    product, count = item
    piece = _PIECE.search(text)
    rule = next((r for r in rules[product.sku] if not r.store_wide and
                 r.kind in ("buy_get", "n_pieces_rate", "n_pieces_off", "nth_item")), None)
    if not _AVERAGE.search(text) or piece is None or rule is None:
        return None
    if count <= 1:
        count = rule.nth if rule.kind in ("buy_get", "nth_item") else int(rule.threshold)
    if count < 2:
        return None
    worked = quote([(product, count)], rules, a.name_of)
    pieces = count + (count // rule.nth) * rule.free if rule.kind == "buy_get" and rule.nth else count
    each = worked.total / pieces
    unit = piece.group(1)
    return Answer((f"{worked.sentence[:-1]}，到手{pieces}{unit}，平均一{unit}{format_amount(each)}元。",), product.sku,
                  tuple(dict.fromkeys(worked.sources + (rule_source(product, rule),))),
                  worked.derived + (derivation(each, f"{format_amount(worked.total)}/{pieces}"),), about=(product.sku,))


def _pack_count(product: Product, unit: str) -> int | None:
    """How many `unit` one listing holds (片数: 64片, or "64片" in the title)."""
    for text in (*product.specs.values(), product.title):
        if m := re.search(rf"(\d+)\s*{unit}", text):
            return int(m.group(1))
    return None


def _shared_measure(products: list[Product]) -> str | None:
    """A unit every product's size is written in (50ml and 100ml; 64片 and 80片)."""
    for unit in ("ml", "g", "片", "粒", "抽", "支", "包", "袋", "颗"):
        if all((_pack_count(p, unit) or 0) >= 2 for p in products):
            return unit
    return None


def unit_price(a: "Answerer", query: Query, now: datetime | None, unit: str | None = None) -> Answer:
    unit = unit or (_UNIT.search(query.text).group(1) if _UNIT.search(query.text) else "片")

    def write(product: Product, q: Query, when: datetime | None) -> Answer:
        count = _pack_count(product, unit)
        if not count or count < 2:
            return a.say.price(product, when)
        each = product.price / count
        return Answer((f"{a.name_of(product)}是{format_price(product.price)}{count}{unit}，{'每' if unit.isascii() else '一'}{unit}合"
                       f"{format_amount(each)}元。",), product.sku, (f"{product.sku}.price",),
                      (derivation(each, f"{format_amount(product.price)}/{count}"),), about=(product.sku,))
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
        unit = None if _UNIT.search(query.text) else _shared_measure(products)
        answers = [unit_price(a, Query(query.text, "unit_price", _one(a, p)), now, unit) for p in products]
        each = [float(x.derived[0].split("=")[0]) if x.derived else None for x in answers]
        verdict = None
        if None not in each and len(set(each)) > 1:  # "哪个划算": the lower price per ml (or 片, g) is
            verdict = f"{a.name_of(products[each.index(min(each))])}更划算。"
        return _with_verdict(a, answers, verdict)
    by_kind = _side_by_side(a, products, rest, query.text)
    if by_kind is not None:
        return _with_verdict(a, [by_kind], _which_more(a, products, rest) or _quicker(a, products, by_kind, rest))
    single = Query(query.text, a.plain_intent(rest), query.guess, named=query.named)
    answers = [a.single(p, single, now) for p in products]
    if not all(x.sentences and x.sources for x in answers):
        answers = [_overview(a, p, rest) for p in products]  # "有啥区别", "哪个暖和": the facts side by side
    return _with_verdict(a, answers, _which_more(a, products, rest) or _all_the_same(answers) or _both(answers, query.text))


def _both(answers: list[Answer], text: str) -> str | None:
    """"骑行服跟手套都防风吗": yes when every product's answer states the feature."""
    m = re.search(r"都(?:能|是|有|可以|带|支持)?([\u4e00-\u9fff]{2})", text)
    if m and all(m.group(1) in "".join(x.sentences) for x in answers):
        return f"{'两' if len(answers) == 2 else '几'}款都{m.group(1)}。"
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
    figures = {m.group(0) for x in answers for m in [re.search(r"\d+(?:\.\d+)?\s*(?:年|个月|天|小时|w|W|g|kg|ml|L|mAh|cm|mm|℃|%)",
                                                              "".join(x.sentences))] if m}
    if len(figures) == 1 and all(re.search(r"\d", "".join(x.sentences)) for x in answers):
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


def _with_verdict(a: "Answerer", answers: list[Answer], verdict: str | None) -> Answer:
    from .answers import joined
    both = joined(answers, None)
    if verdict:
        both = Answer(both.sentences + (verdict,), None, both.sources, both.derived, about=both.about)
    return both


def _which_more(a: "Answerer", products: list[Product], text: str) -> str | None:
    if re.search(r"一样|相同|区别|不同", text):
        said = [a.say.specs(p, text) for p in products]
        values = {x.sentences[0].split("是", 1)[-1] for x in said if x is not None}
        if len(values) == 1 and all(said):
            return "这一项是一样的。"
    kind = asked_class(text)
    if kind is None and re.search(r"便宜|贵|价", text):
        cheaper = min(products, key=lambda p: p.price)
        return f"{a.name_of(cheaper)}价格更低。" if len({p.price for p in products}) > 1 else "价格一样。"
    if kind not in _BIGGER:
        return None
    values = []
    for product in products:
        choice = a.say.specs(product, text)
        if choice is None:
            return None
        found = [(float(n), unit.lower()) for part in choice.sentences[0].split("，") for n, unit in
                 re.findall(r"(\d+(?:\.\d+)?)\s*(w|mah|小时|h|cm|mm|ml|g|kg|l|℃|k|%|个月|年|天)", part, re.I)]
        if not found:
            return None
        values.append((max(found), product))
    if len({unit for (_, unit), _ in values}) > 1:
        return None  # 120g against 50ml: not one measure
    values = [(number, product) for (number, _), product in values]
    if len({v for v, _ in values}) == 1:
        return "这一项是一样的，都一样。"
    less = re.search(r"[轻小短低少薄]", text)  # "哪个轻点": the smaller figure is the answer
    if less:
        return f"{a.name_of(min(values, key=lambda v: v[0])[1])}更{less.group(0)}。"
    return f"{a.name_of(max(values, key=lambda v: v[0])[1])}{_BIGGER[kind]}。"


# ---- sizes ------------------------------------------------------------------------------------
_RANGE_SPEC = re.compile(r"适用体重|体重|适用身高|身高|月龄|年龄|适用年龄")


def age_in_months(text: str) -> float | None:
    """"8个月", "宝宝1岁半", "两岁": a child's age in months."""
    folded = text.replace("半", ".5")
    if m := re.search(r"(\d+(?:\.5)?)\s*个?月", normalize(folded)):
        return float(m.group(1))
    if m := re.search(r"(\d+(?:\.5)?)\s*岁", normalize(folded)):
        return float(m.group(1)) * 12
    return None


def _spec_range(value: str) -> tuple[float, float] | None:
    """"4-8kg" -> (4, 8); "5kg以下" -> (0, 5); "14kg以上" -> (14, inf); 斤 read as half a kg."""
    scale = 0.5 if "斤" in value else 1.0
    if m := re.search(r"(\d+(?:\.\d+)?)\s*[-~～至到]\s*(\d+(?:\.\d+)?)", value):
        return float(m.group(1)) * scale, float(m.group(2)) * scale
    if m := re.search(r"(\d+(?:\.\d+)?)\s*(?:kg|公斤|斤)?\s*(?:以下|以内|及以下)", value):
        return 0.0, float(m.group(1)) * scale
    if m := re.search(r"(\d+(?:\.\d+)?)\s*(?:kg|公斤|斤)?\s*(?:以上|及以上)", value):
        return float(m.group(1)) * scale, float("inf")
    return None


def _variant_by_range(a: "Answerer", products: list[Product], height: float | None,
                      weight: float | None, months: float | None = None) -> Answer | None:
    """Variants sized by a weight, height or age range each (纸尿裤 S码 适用体重4-8kg, 奶粉2段 适用月龄
    6-12个月): the ones that fit."""
    fitting, sources = [], []
    for product in products:
        for key, value in product.specs.items():
            if not _RANGE_SPEC.search(key):
                continue
            measure = height if "身高" in key else months if re.search("月龄|年龄", key) else weight
            bounds = _spec_range(value)
            if bounds and "岁" in value and "月" not in value:
                bounds = (bounds[0] * 12, bounds[1] * 12)
            if measure is not None and bounds and bounds[0] <= measure <= bounds[1]:
                fitting.append((product, key, value))
                sources.append(f"{product.sku}.specs.{key}")
    in_stock = [f for f in fitting if not f[0].sold_out]
    if not fitting:
        return None
    if not in_stock:  # the right one is sold out: say so rather than point at another
        p, k, v = fitting[0]
        return Answer((f"按适用范围应该选{a.name_of(p)}（{k}{v}），不过现在已售罄。",), p.sku,
                      tuple(sources[:1]) + (f"{p.sku}.stock",), about=(p.sku,))
    fitting = in_stock
    said = "，".join(f"{a.name_of(p)}（{k}{v}）" for p, k, v in fitting[:3])
    verb = "都可以" if len(fitting) > 1 else "合适"
    return Answer((f"按适用范围，{said}{verb}。",), fitting[0][0].sku if len(fitting) == 1 else None,
                  tuple(sources), about=tuple(p.sku for p, _, _ in fitting))


def size(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    height, weight = query.height_cm, query.weight_kg
    if height is None and weight is None:
        height, weight = body_measures(query.text)
    family = [p for p in (a.catalog.product(s) for s in query.guess.skus) if p]
    months = age_in_months(query.text)
    if re.search(r"哪段|哪个段|几段|什么段", query.text) and len(family) < 2:
        family = [p for p in a.catalog.products if re.search(r"\d\s*段", p.title)]  # "8个月喝哪段"
    if len(family) > 1 and (height or weight or months):
        by_range = _variant_by_range(a, family, height, weight, months)
        if by_range is not None:
            return by_range
    candidates = [p for p in family if size_chart(p)]
    if not candidates and not query.named:
        # No product named: the shop's size charts of the kind asked (foot length or body), one chart
        # or one picked by an adjective ("脚宽" -> 宽楦).
        foot = foot_length_mm(query.text) is not None or bool(re.search(r"脚|鞋|穿哪双|几双", query.text))
        charted = [p for p in a.catalog.products if size_chart(p) and (size_chart(p)[1][0].foot_mm is not None) == foot]
        picked = a.resolver.by_adjective(query.text, tuple(p.sku for p in charted))
        if picked is not None:
            candidates = [a.catalog.product(picked)]
        elif len({str(size_chart(p)) for p in charted}) == 1:
            candidates = charted
    charts = {size_chart(p)[0] + str(size_chart(p)[1]) for p in candidates}
    if not candidates or len(charts) > 1:
        return a.per_product(query, now, a.single)
    product = candidates[0]
    key, rows = size_chart(product)
    names = "、".join(a.name_of(p) for p in candidates)
    sources = tuple(f"{p.sku}.specs.{key}" for p in candidates)
    foot = foot_length_mm(query.text)
    if rows[0].foot_mm is not None:
        picked = pick_foot_size(rows, foot) if foot else None
    else:
        notes = " ".join(product.specs.values())
        prefer = "weight" if re.search(r"按体重", notes) else "height" if re.search(r"按身高", notes) else ""
        picked = pick_size(rows, height, weight, prefer) if (height or weight) else None
    if picked is None:
        return Answer((f"{names}的{key}：{product.specs[key]}。",), product.sku, sources, about=(product.sku,))
    chosen, why = picked
    tail = f"，{why}" if why else ""
    code = chosen if chosen.endswith(("码", "号")) else f"{chosen}码"
    body = "脚长" if foot else "身高体重"
    return Answer((f"按{names}的尺码表，您这个{body}建议选{code}{tail}。",),
                  product.sku if len(candidates) == 1 else None, sources, about=tuple(p.sku for p in candidates))


# ---- how long a pack lasts --------------------------------------------------------------------
__all__ = ["basket", "compare", "size", "unit_price", "count_word", "age_in_months"]
