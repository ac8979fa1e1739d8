"""Selling lines written from catalog facts in a persona's style.

A product's rundown is a sequence of line kinds (opener, specs, use scene, objection,
promotion arithmetic, policy reassurance, close). Every number a line states comes from the
product record or is arithmetic on it; the line lists the facts it states in `sources` and the
computed numbers in `derived`, so the guard can trace every number it hears.
"""
from __future__ import annotations

import math
import random
import re
from datetime import datetime

from .catalog import Product, Promotion
from .derivation import derivation
from .lines import Line, LineKind, Priority, format_amount, format_price
from .persona import PersonaStyle

RUNDOWN_KINDS = (LineKind.OPENER, LineKind.SPECS, LineKind.SCENE, LineKind.OBJECTION, LineKind.PROMOTION,
                 LineKind.POLICY, LineKind.CLOSE)

_POLICY_ORDER = ("returns", "shipping", "price_protection")

# Where a product of a category is used, when the catalog gives no `scenes` of its own.
# Plain situations only: no claims, no numbers.
_CATEGORY_SCENES = {
    "food": ("下午茶", "办公室加餐", "招待朋友", "周末在家"),
    "health_food": ("日常补充", "工作忙碌", "出差在外"),
    "beauty": ("换季护肤", "早晚护肤", "熬夜之后", "出门上妆前"),
    "electronics": ("出差通勤", "户外出游", "日常办公", "追剧打游戏"),
    "apparel": ("日常通勤", "周末出游", "朋友聚会", "换季搭配"),
    "baby": ("宝宝外出", "夜里照顾宝宝", "日常护理", "带娃出门"),
    "home": ("日常收纳", "厨房做饭", "周末大扫除", "朋友来家里"),
    "other": ("日常生活", "送礼", "居家"),
}
_SPEC_FRAMES = ("先说规格，{specs}。", "看一下参数，{specs}。", "规格给大家念一下，{specs}。", "{specs}，这些都写在详情页。")
_SPEC_PAIR_FRAMES = ("{name}是{value}", "{name}{value}")


class _Choice:
    """Deterministic choices for one (product, kind, variant): the same variant writes the same line."""

    def __init__(self, sku: str, kind: LineKind, variant: int) -> None:
        self._rng = random.Random(f"{sku}|{kind.value}|{variant}")

    def one(self, options: tuple[str, ...] | list[str]) -> str:
        return options[self._rng.randrange(len(options))]

    def some(self, options: list, count: int) -> list:
        if len(options) <= count:
            picked = list(options)
            self._rng.shuffle(picked)
            return picked
        return self._rng.sample(options, count)


def live_promotions(product: Product, now: datetime | None) -> tuple[tuple[int, Promotion], ...]:
    """Promotions still running at `now` (with their catalog index). Undated ones always run; a dated
    one needs a known `now`, since an ended promotion must never be advertised."""
    return tuple((i, p) for i, p in enumerate(product.promotions)
                 if p.ends_at is None or (now is not None and p.ends_at > now))


def write_line(product: Product, kind: LineKind, style: PersonaStyle, variant: int, line_id: str,
               now: datetime | None = None) -> Line | None:
    """One rundown line of `kind`, or None when the product has nothing to say of that kind."""
    choice = _Choice(product.sku, kind, variant)
    written = _WRITERS[kind](product, style, choice, now)
    if written is None:
        return None
    sentences, sources, derived = written
    return Line(line_id, Priority.RUNDOWN, tuple(sentences), product.sku, tuple(sources), kind=kind,
                derived=tuple(derived))


_Written = tuple[list[str], list[str], list[str]] | None


def _opener(product: Product, style: PersonaStyle, choice: _Choice, now: datetime | None) -> _Written:
    sentences = [choice.one(style.openers).format(title=product.title)]
    sources = [f"{product.sku}.title"]
    if product.selling_points:
        points = choice.some(list(product.selling_points), 3)
        sentences.append(f"{choice.one(style.catch_phrases)}，{'，'.join(points)}。")
        sources.append(f"{product.sku}.selling_points")
    return sentences, sources, []


def _specs(product: Product, style: PersonaStyle, choice: _Choice, now: datetime | None) -> _Written:
    if not product.specs:
        return None
    names = choice.some(list(product.specs), 3)
    pair = choice.one(_SPEC_PAIR_FRAMES)
    specs = "，".join(pair.format(name=n, value=product.specs[n]) for n in names)
    return [choice.one(_SPEC_FRAMES).format(specs=specs)], [f"{product.sku}.specs.{n}" for n in names], []


def _scene(product: Product, style: PersonaStyle, choice: _Choice, now: datetime | None) -> _Written:
    scenes = product.scenes or _CATEGORY_SCENES.get(product.category, _CATEGORY_SCENES["other"])
    sentences = [choice.one(style.scene_intros).format(scene=choice.one(scenes))]
    sources = [f"{product.sku}.scenes"] if product.scenes else []
    if product.selling_points:
        sentences.append(f"{choice.one(style.catch_phrases)}{choice.one(product.selling_points)}。")
        sources.append(f"{product.sku}.selling_points")
    return sentences, sources, []


def _objection(product: Product, style: PersonaStyle, choice: _Choice, now: datetime | None) -> _Written:
    sku = product.sku
    facts: dict[str, tuple[str, list[str]]] = {}
    if product.list_price and product.list_price > product.price:
        facts["price"] = (f"日常价{format_price(product.list_price)}，现在{format_price(product.price)}。",
                          [f"{sku}.list_price", f"{sku}.price"])
    if product.specs:
        name = choice.one(list(product.specs))
        facts["quality"] = (f"{name}是{product.specs[name]}。", [f"{sku}.specs.{name}"])
    policies = [k for k in _POLICY_ORDER if k in product.policies]
    if policies:
        key = choice.one(policies)
        facts["after_sales"] = (f"{product.policies[key]}。", [f"{sku}.policies.{key}"])
    concerns = [c for c in facts if style.objection_replies(c)]
    if not concerns:
        return None
    concern = choice.one(concerns)
    fact, sources = facts[concern]
    return [choice.one(style.objection_replies(concern)), fact], sources, []


def promotion_arithmetic(product: Product, promotion: Promotion) -> tuple[str, list[str]] | None:
    """What buying under `promotion` costs, as a sentence and the numbers it computed.

    Only forms whose arithmetic is unambiguous are worked out: 满X减Y, 第二件半价, N件M折.
    """
    price = product.price
    text = promotion.text
    full = re.search(r"满(\d+(?:\.\d+)?)元?减(\d+(?:\.\d+)?)", text)
    if full:
        threshold, off = float(full.group(1)), float(full.group(2))
        count = max(1, math.ceil(threshold / price - 1e-9))
        if count > 3 or off >= price * count:
            return None
        total = price * count
        paid = total - off
        if count == 1:
            return (f"一件就满{format_amount(threshold)}，减{format_amount(off)}，到手{format_price(paid)}。",
                    [derivation(paid, f"{format_amount(price)}-{format_amount(off)}")])
        count_word = "两" if count == 2 else "三"
        return (f"买{count_word}件是{format_price(total)}，满{format_amount(threshold)}减{format_amount(off)}，"
                f"到手{format_price(paid)}，算下来一件{format_price(paid / count)}。",
                [derivation(total, f"{format_amount(price)}*{count}"),
                 derivation(paid, f"{format_amount(price)}*{count}-{format_amount(off)}"),
                 derivation(paid / count, f"({format_amount(price)}*{count}-{format_amount(off)})/{count}"), str(count)])
    if "第二件半价" in text:
        total = price * 1.5
        return (f"第二件半价，两件一共{format_price(total)}，一件合{format_price(total / 2)}。",
                [derivation(total, f"{format_amount(price)}*3/2"), derivation(total / 2, f"{format_amount(price)}*3/4")])
    pieces = re.search(r"(\d)件(\d(?:\.\d)?)折", text)
    if pieces:
        count, tenths = int(pieces.group(1)), float(pieces.group(2))
        if not 2 <= count <= 3 or not 0 < tenths < 10:
            return None
        total = price * count * tenths / 10
        return (f"{count}件打{format_amount(tenths)}折，{count}件一共{format_price(total)}，"
                f"一件合{format_price(total / count)}。",
                [derivation(total, f"{format_amount(price)}*{count}*{format_amount(tenths)}/10"),
                 derivation(total / count, f"{format_amount(price)}*{format_amount(tenths)}/10")])
    return None


def _promotion(product: Product, style: PersonaStyle, choice: _Choice, now: datetime | None) -> _Written:
    running = live_promotions(product, now)
    if not running:
        return None
    index, promotion = running[choice.one(list(range(len(running))))] if len(running) > 1 else running[0]
    sku = product.sku
    sentences = [f"{choice.one(style.transitions)}，现在下单有{promotion.text}的活动。"]
    sources = [f"{sku}.promotions[{index}]", f"{sku}.price"]
    derived: list[str] = []
    worked = promotion_arithmetic(product, promotion)
    if worked:
        sentence, derived = worked
        sentences.append(f"单价{format_price(product.price)}，{sentence}")
    return sentences, sources, derived


def _policy(product: Product, style: PersonaStyle, choice: _Choice, now: datetime | None) -> _Written:
    keys = [k for k in _POLICY_ORDER if k in product.policies]
    if not keys:
        return None
    shown = choice.some(keys, 2)
    shown.sort(key=_POLICY_ORDER.index)
    text = "，".join(product.policies[k] for k in shown)
    return [f"{text}，{choice.one(style.reassurances)}。"], [f"{product.sku}.policies.{k}" for k in shown], []


def _close(product: Product, style: PersonaStyle, choice: _Choice, now: datetime | None) -> _Written:
    sku = product.sku
    price = format_price(product.price)
    if product.list_price and product.list_price > product.price:
        sentence = choice.one((f"日常价{format_price(product.list_price)}，今天直播间到手价{price}。",
                               f"今天到手价{price}，日常要{format_price(product.list_price)}。"))
        sources = [f"{sku}.list_price", f"{sku}.price"]
    else:
        sentence = choice.one((f"直播间到手价{price}。", f"今天的价格是{price}。"))
        sources = [f"{sku}.price"]
    sentences = [f"{choice.one(style.transitions)}，{sentence}"]
    if product.stock is not None and product.stock > 0:
        sentences.append(f"现在库存还有{product.stock}件。")
        sources.append(f"{sku}.stock")
    sentences.append(choice.one(style.calls_to_action))
    return sentences, sources, []


_WRITERS = {
    LineKind.OPENER: _opener,
    LineKind.SPECS: _specs,
    LineKind.SCENE: _scene,
    LineKind.OBJECTION: _objection,
    LineKind.PROMOTION: _promotion,
    LineKind.POLICY: _policy,
    LineKind.CLOSE: _close,
}


def write_selling_line(product: Product, style: PersonaStyle, cycle: int, line_id: str,
                       now: datetime | None = None) -> Line:
    """The whole rundown of a product as one line (demo and quick listening)."""
    sentences: list[str] = []
    sources: list[str] = []
    derived: list[str] = []
    for kind in RUNDOWN_KINDS:
        line = write_line(product, kind, style, cycle, line_id, now)
        if line is not None:
            sentences += line.sentences
            sources += line.sources
            derived += line.derived
    return Line(line_id, Priority.RUNDOWN, tuple(sentences), product.sku, tuple(dict.fromkeys(sources)),
                kind=LineKind.CLOSE, derived=tuple(derived))
