"""Comparisons of two or more products on one attribute: each one's fact, then which is more and by
how much, whether both have a feature, or which is better value. Every number it says is a catalog
fact or arithmetic on facts, listed in the answer's `derived`.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from .answer_facts import Answer, speakable
from .catalog import Product
from .computed_answers import asked_unit, pack_count, shared_measure, unit_price
from .derivation import derivation
from .lines import format_amount, format_price
from .spec_reading import asked_class, choose_specs, class_unit, keys_named, lasts_days
from .understanding import Query

if TYPE_CHECKING:
    from .answers import Answerer

_BIGGER = {"power": "功率更大", "battery": "容量更大", "hours": "续航更长", "height": "更高", "diameter": "更粗",
           "length": "更长", "volume": "容量更大", "weight": "更重", "shelf_life": "保质期更长", "fill": "充绒更多",
           "spf": "防晒倍数更高", "temperature": "色温更高", "count": "数量更多", "dose_unit": "含量更高"}
_DIFFERENCE = re.compile(r"贵多少|便宜多少|差多少钱|差价|差几块|贵几块|便宜几块")
_VALUE = re.compile(r"划算|性价比|单价|一片|每片|实惠")


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
        unit = asked_unit(query.text) or shared_measure(products) or "片"
        answers = [unit_price(a, Query(query.text, "unit_price", _one(a, p)), now, unit) for p in products]
        counts = [pack_count(p, unit) or 0 for p in products]
        # compared as said: two prices that round alike are no verdict
        each = [float(format_amount(p.price / c)) if c >= 2 else None for p, c in zip(products, counts)]
        verdict = None
        if None not in each and len(set(each)) > 1:  # "哪个划算": the lower price per ml (or 片, g) is
            verdict = f"{a.name_of(products[each.index(min(each))])}更划算。"
        return _with_verdict(a, answers, verdict)
    lasting = _lasting(a, products, rest)
    if lasting is not None:
        return lasting
    by_kind = _side_by_side(a, products, rest, query.text)
    if by_kind is not None and re.search(r"区别|不同|差别|差在哪", rest) and len({p.price for p in products}) > 1:
        # "差在哪": the spec that differs, and what each costs
        priced = "，".join(f"{a.name_of(p)}{format_price(p.price)}" for p in products)
        by_kind = Answer(by_kind.sentences + (f"价格上，{priced}。",), None,
                         by_kind.sources + tuple(f"{p.sku}.price" for p in products), about=by_kind.about)
    if by_kind is not None:
        stated = [[s for s in by_kind.sources if s.startswith(f"{p.sku}.")] for p in products]
        values = [_spec_values(p, own) for p, own in zip(products, stated)]
        return _with_verdict(a, [by_kind], _which_more(a, products, rest) or _quicker(a, products, by_kind, rest)
                             or _both(a, products, values, [tuple(x) for x in stated], query.text))
    intent = a.plain_intent(rest)
    if intent == "fact" and a.plain_intent(query.text).startswith("policy:"):
        intent = a.plain_intent(query.text)  # "红肠和大米哪个能七天无理由退": the policy words went with the names
    single = Query(query.text, intent, query.guess, named=query.named)
    answers = [a.single(p, single, now) for p in products]
    if not all(x.sentences and x.sources for x in answers):
        answers = [_overview(a, p, rest) for p in products]  # "有啥区别", "哪个暖和": the facts side by side
    if single.intent == "policy:returns" and all(x.sources for x in answers):
        return _with_verdict(a, answers, _policy_verdict(a, products, answers))
    return _with_verdict(a, answers, _which_more(a, products, rest) or _all_the_same(answers)
                        or _both(a, products, [_stated(p, x) for p, x in zip(products, answers)],
                                 [x.sources for x in answers], query.text))


def _lasting(a: "Answerer", products: list[Product], text: str) -> Answer | None:
    """"鱼油和蛋白粉哪个吃得久": the days one pack of each lasts at its own dose, and the longer."""
    if not re.search(r"(?:吃|喝|用)得(?:久|长|多久)|能(?:吃|喝|用)(?:更)?久|(?:吃|喝|用)(?:多久|几天)", text):
        return None
    worked = [lasts_days(p) for p in products]
    if any(w is None for w in worked):
        return None
    sentences = tuple(f"{a.name_of(p)}{w[1]}" for p, w in zip(products, worked))
    days = [int(w[0]) for w in worked]
    longer = f"{a.name_of(products[days.index(max(days))])}能用得更久"
    verdict = () if len(set(days)) == 1 else (f"{longer}，多{max(days) - min(days)}天。",) if len(days) == 2 else \
        (f"{longer}。",)
    gap = (derivation(max(days) - min(days), f"{max(days)}-{min(days)}"),) if len(days) == 2 else ()
    sources = tuple(f"{p.sku}.specs.{w[3]}" if w[3] in p.specs else f"{p.sku}.specs" for p, w in zip(products, worked))
    return Answer(sentences + verdict, None, sources, tuple(d for w in worked for d in w[2]) + gap,
                  about=tuple(p.sku for p in products))


_REFUSED = re.compile(r"不退|不换|不支持|不可|不能|不予|不接受|不包|无法")


def _policy_verdict(a: "Answerer", products: list[Product], answers: list[Answer]) -> str:
    """"除湿盒和猫砂能退吗": whether each one's return policy allows a return without a fault, said once
    for both when they agree."""
    allowed = [not _REFUSED.search("".join(x.sentences)) for x in answers]
    return _each_or_which(a, products, allowed, "可以退", "不支持无理由退货")


def _each_or_which(a: "Answerer", products: list[Product], holds: list[bool], yes: str, no: str) -> str:
    """"两款都可以退", "两款都不能到65度", or which holds and which does not."""
    count = "两" if len(products) == 2 else "几"
    if all(holds):
        return f"{count}款都{yes}。"
    if not any(holds):
        return f"{count}款都{no}。"
    return "，".join(f"{a.name_of(p)}{yes if ok else no}" for p, ok in zip(products, holds)) + "。"


def _stated(product: Product, answer: Answer) -> str:
    """What an answer says of a product: its specs' values (not their names: "防水：不防水"), or its words."""
    return _spec_values(product, answer.sources) or "".join(answer.sentences)


def _spec_values(product: Product, sources) -> str:
    """The values of the specs among `sources`, joined ("" when none is a spec)."""
    return "；".join(str(product.specs.get(s.split(".specs.", 1)[1], "")) for s in sources if ".specs." in s)


def _both(a: "Answerer", products: list[Product], said: list[str], sources: list[tuple[str, ...]],
          text: str) -> str | None:
    """"骑行服跟手套都防风吗": yes when every product's answer states the feature; "哪个是真丝的":
    the ones whose answer states it, or none when each states its material and none names it at all."""
    figure = _both_reach(a, products, said, text)
    if figure is not None:
        return figure
    offer = re.search(r"(?:都|哪个|哪款)有([\u4e00-\u9fff\d]{2,8}?)(?:的?活动|优惠)?(?:[吗呢啊呀]|$)", text)
    if offer and re.search(r"半价|折|送|减|赠", offer.group(1)):  # "十年同五年边个有第二件半价"
        having = [p for p, x in zip(products, said) if offer.group(1) in x]
        if not having:
            return f"{'两' if len(products) == 2 else '几'}款都没有{offer.group(1)}。"
        only = "只有" if len(having) < len(products) and "都" in offer.group(0) else ""
        return f"{only}{'、'.join(a.name_of(p) for p in having)}有{offer.group(1)}。"
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


_UNIT_SAID = {"度": "℃", "瓦": "w", "毫安": "mah", "克": "g", "毫升": "ml", "个小时": "小时"}


def _both_reach(a: "Answerer", products: list[Product], said: list[str], text: str) -> str | None:
    """"两个杯子保温都能到65度吗", "是不是都50+", "有线是不是都20w": whether each one's stated
    figure of that unit is the one asked (是) or reaches it (能到)."""
    m = re.search(r"都(是|能到|能达到|可以到|达到|有)?\s*(\d+(?:\.\d+)?)\s*(\+|w|瓦|度|℃|个小时|小时|mah|毫安|ml|毫升|g|克)?",
                  text, re.I)
    if m is None or m.group(3) is None:
        return None
    asked, unit = float(m.group(2)), _UNIT_SAID.get(m.group(3).lower(), m.group(3).lower())
    reach = (m.group(1) or "").startswith(("能", "可以", "达"))
    pattern = rf"(\d+(?:\.\d+)?)\s*{re.escape(unit)}" if unit != "+" else r"(\d+(?:\.\d+)?)\s*\+"
    found = [[float(n) for n in re.findall(pattern, x, re.I)] for x in said]
    if not all(found):
        return None
    ok = [f[-1] >= asked if reach else asked in f for f in found]  # "灌入95℃，6小时后≥65℃": the result, not the input
    figure = f"{format_amount(asked)}{m.group(3)}"
    yes, no = ("能到", "不能到") if reach else ("是", "不是")
    return _each_or_which(a, products, ok, yes + figure, no + figure)


def _side_by_side(a: "Answerer", products: list[Product], text: str, whole: str = "") -> Answer | None:
    """One spec per product in one sentence: the asked kind's largest figure ("哪个功率大"), or for
    "有啥区别" the first spec whose values differ between them."""
    keys: list[str] = []
    shared = [k for k in products[0].specs if all(k in p.specs for p in products)]
    # "耳机跟车灯充电哪个快": a spec every product has, named by the question (充电时间)
    named = keys_named(shared, whole or text)
    if asked_class(text) is not None:
        for product in products:
            choice = choose_specs(product, text)
            if choice is None or not choice.keys:
                keys = named * len(products) if len(named) == 1 else []
                break
            keys.append(max(choice.keys, key=lambda k: _largest(product.specs[k])))
        if not keys:
            return None
    elif re.search(r"区别|不同|差别|差在哪|有啥不一样|什么不一样", text):
        shared = [k for k in products[0].specs if all(k in p.specs for p in products)]
        # "4米5和5米4的竿子差在哪": not the length each title names as a word, the next spec that differs
        differing = [k for k in shared if len({p.specs[k] for p in products}) > 1]
        differing = next((k for k in differing if not all(str(p.specs[k]) in p.title.split() for p in products)),
                         differing[0] if differing else None)
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
    if kind is None and re.search(r"便宜|贵|价", text) and not re.search(r"半价|折|满减|满\d|送|赠|活动|优惠", text):
        if len({p.price for p in products}) == 1:
            return "价格一样。"
        high, low = max(products, key=lambda p: p.price), min(products, key=lambda p: p.price)
        said = f"{a.name_of(high)}更贵" if "贵" in text and "便宜" not in text else f"{a.name_of(low)}价格更低"
        if len(products) != 2:
            return f"{said}。"
        # "哪个便宜": which, and by how much, as a host says it
        gap = high.price - low.price
        return f"{said}，差{format_price(gap)}。", derivation(gap, f"{format_amount(high.price)}-{format_amount(low.price)}")
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


__all__ = ["compare"]
