"""How long a pack lasts, what it costs a day, how many packs a span needs: from the product's
daily amount (a dose spec, a feeding table by the pet's weight or the baby's age) or the
viewer's own. Every number said is a catalog fact or arithmetic on facts, listed in `derived`.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from .answer_facts import Answer
from .catalog import Product
from .size_answers import age_in_months
from .derivation import derivation
from .lines import format_amount, format_price
from .spec_reading import lasts_days, viewer_dose
from .spoken_numbers import parse_chinese_integer
from .product_words import small_number
from .textmatch import normalize
from .understanding import Query

if TYPE_CHECKING:
    from .answers import Answerer

_BABY_AGE = re.compile(r"(?:宝宝|bb|孩子|娃|宝)\D{0,2}?((?:\d+|[一两二三四五六七八九十]{1,2})\s*个?月)|"
                       r"((?:\d+|[一两二三四五六七八九十]{1,2})\s*个?月)(?:大|的?宝宝|的?bb|的?孩子|的?娃)")


def baby_age_in_months(text: str) -> float | None:
    """"bb两个月", "4个月宝宝": a baby's age; a bare "一个月" is a span, not an age."""
    m = _BABY_AGE.search(normalize(text))
    if not m:
        return None
    words = m.group(1) or m.group(2)
    words = re.sub(r"[一两二三四五六七八九十]{1,2}", lambda w: str(parse_chinese_integer(w.group(0))), words)
    return age_in_months(words)


_PACKS = re.compile(r"(\d+|[两二三四五六])\s*(?:瓶|罐|盒|袋|包|桶)")


_PEOPLE = re.compile(r"(两|俩|二|三|四|[2-9])\s*个?人(?:一起)?(?:吃|喝|用|分)|我们(两|俩|三|四)个?|"
                     r"我和我?(?:老公|老婆|爱人|妈|爸|女儿|儿子|对象|男朋友|女朋友)|两口子|一家(三|四|五|[3-9])口")
_USES = re.compile(r"(?:能|可以|够)(?:用|吃|喝|煮|炒|泡|洗|冲|做|涮)(?:几|多少)(次|回|顿|锅|餐)")
_PER_USE = re.compile(r"(?:每次|一次)\D{0,3}?(\d+(?:\.\d+)?|[一两二三四五])\s*(g|克|ml|毫升|袋|包|块|勺|片|粒)")


def _people(text: str) -> int:
    """How many share the pack ("两个人喝", "我和我老公一起吃", "一家三口"); 1 when not said."""
    m = _PEOPLE.search(text)
    if m is None:
        return 1
    word = next((g for g in m.groups() if g), "两")
    return small_number(word.replace("俩", "两")) or 1


def _uses(a: "Answerer", product: Product, text: str, packs: int) -> Answer | None:
    """"豆瓣酱每次放30g 一桶能用几次", "400g的底料能煮几顿": the net amount over what one use takes
    (the viewer's, else the product's own "每块200g…一锅")."""
    asked = _USES.search(text)
    if asked is None:
        return None
    own = _PER_USE.search(text)
    if own is not None:
        word = own.group(1)
        per_use = (float(word) if word[0].isdigit() else float(small_number(word) or 1), own.group(2))
    else:
        spec = next((m for v in product.specs.values() for m in [re.search(
            r"每(?:块|次|锅|份)\s*约?\s*(\d+(?:\.\d+)?)\s*(g|ml)", normalize(str(v)))] if m), None)
        if spec is None:
            return None
        per_use = (float(spec.group(1)), spec.group(2))
    worked = lasts_days(product, packs, per_use)
    if worked is None or worked[0] < 1:
        return None
    uses, said, numbers, _ = worked
    noun = asked.group(1)
    said = said.replace(f"大约能用{int(uses)}天", f"大约能用{int(uses)}{noun}")
    return Answer((f"{a.name_of(product)}{said}",), product.sku, (f"{product.sku}.specs",), tuple(numbers),
                  about=(product.sku,))


def dose(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    given = viewer_dose(query.text)
    people = _people(query.text)
    rest = re.sub(r"(?:一天|每天|每日)\D{0,2}?(?:\d+|[两二三四五六])\s*\S", " ", query.text)
    rest = _PER_USE.sub(" ", rest)  # "一次煮两袋": what one use takes, not packs bought
    packs = 1
    if packs_match := _PACKS.search(rest):
        word = packs_match.group(1)
        packs = small_number(word) or 0
        if gift := re.search(r"送(\d|[一两二三])\s*(?:瓶|盒|罐|袋|包|桶)", rest):  # "拍两瓶送一瓶": three to eat
            packs += small_number(gift.group(1)) or 0

    def write(product: Product, q: Query, when: datetime | None) -> Answer:
        sent = packs
        for rule in a.say.running(product, when):
            if rule.kind == "buy_get" and packs >= rule.nth and not re.search(r"送", rest):
                sent = packs + (packs // rule.nth) * rule.free  # "氨糖买3瓶" under 买3送1: four to eat
        uses = _uses(a, product, q.text, sent)
        if uses is not None:
            return uses
        age = baby_age_in_months(q.text)
        worked = lasts_days(product, sent, given, query.weight_kg, age, people)
        if worked is None:
            return a.fact(product, q, when)
        one_pack = lasts_days(product, 1, given, query.weight_kg, age)
        special = _per_day_cost(a, product, q.text, one_pack[0], tuple(one_pack[2])) or \
            _packs_for(a, product, q.text, one_pack[0], tuple(one_pack[2]))
        if special is not None:
            return special
        span = _SPAN.search(q.text)
        if span and re.search(r"够|能吃到|吃得完|撑", q.text):  # "两瓶够吃一个月吗": the days, and yes or no
            target = _span_days(span)
            enough = "够" if worked[0] >= target else "不够"
            _, said, numbers, source = worked
            return Answer((f"{said[:-1]}，{enough}用。",), product.sku,  # the viewer's span is not said back
                          tuple(f"{product.sku}.specs.{k}" for k in product.specs if k == source) or (f"{product.sku}.specs",),
                          tuple(numbers), about=(product.sku,))
        _, said, numbers, source = worked
        sources = [f"{product.sku}.specs.{k}" for k in product.specs if k == source]
        sources += [f"{product.sku}.faq[{i}]" for i, f in enumerate(product.faq) if f.q == source]
        basis = "按您说的用量算" if given else f"按{a.name_of(product)}的用量算"
        return Answer((f"{basis}，{said}",), product.sku, tuple(sources) or (f"{product.sku}.specs",),
                      tuple(numbers), about=(product.sku,))
    return a.per_product(query, now, write)


_SPAN = re.compile(r"(半年|一年|一个月|两个月|三个月|(\d+)\s*个?月|(\d+)\s*天|(\d+)\s*周)")


def _span_days(span: re.Match) -> int:
    words = {"半年": 180, "一年": 365, "一个月": 30, "两个月": 60, "三个月": 90}
    return words.get(span.group(1)) or (int(span.group(2)) * 30 if span.group(2) else
                                        int(span.group(3)) if span.group(3) else int(span.group(4)) * 7)


def _per_day_cost(a: "Answerer", product: Product, text: str, days: float, derived: tuple[str, ...] = ()
                  ) -> Answer | None:
    """"吃一天多少钱": the price over the days one pack lasts."""
    if not re.search(r"(?:一天|1天|每天|日均|每日|天天)\D{0,3}(?:多少钱|钱多少|花多少|几块|合多少)|吃(?:一|1)天多少", text) or days < 1:
        return None
    each = product.price / int(days)
    return Answer((f"{a.name_of(product)}{format_price(product.price)}能用{int(days)}天，每天合{format_amount(each)}元。",),
                  product.sku, (f"{product.sku}.price",), (*derived, derivation(each, f"{format_amount(product.price)}/{int(days)}")),
                  about=(product.sku,))


def _packs_for(a: "Answerer", product: Product, text: str, days: float, derived: tuple[str, ...] = ()
               ) -> Answer | None:
    """"吃半年要买几瓶": the packs that cover the span."""
    span = _SPAN.search(text)
    if not span or not re.search(r"几[瓶盒罐袋包桶]|要买几|买多少|需要几", text) or days < 1:
        return None
    target = _span_days(span)
    needed = -int(-target // int(days))
    noun = re.search(r"几([瓶盒罐袋包桶])", text)
    unit = noun.group(1) if noun else "份"
    return Answer((f"{a.name_of(product)}每{unit}能用{int(days)}天，{span.group(1)}要买{needed}{unit}。",), product.sku,
                  (f"{product.sku}.specs",), (*derived, derivation(needed, f"{target}/{int(days)}")), about=(product.sku,))


__all__ = ["dose", "baby_age_in_months"]
