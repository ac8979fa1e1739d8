"""Which size or variant fits the viewer: a size chart read against the height, weight or foot
length they give, or a variant whose range (适用体重, 适用月龄) holds it. Every figure said is the
catalog's.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from .viewer_measures import age_in_months, body_measures
from .answer_facts import Answer
from .catalog import Product
from .question_words import STAGE_ASKED
from .spec_reading import foot_length_mm, pick_foot_size, pick_size, size_chart
from .understanding import Query

if TYPE_CHECKING:
    from .answers import Answerer

_RANGE_SPEC = re.compile(r"适用体重|体重|适用身高|身高|月龄|年龄|适用年龄|阶段")


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
            by_age = re.search("月龄|年龄", key) or re.search(r"\d\s*(?:个月|岁)", value)  # 适用阶段: 1段（0-6个月）
            measure = height if "身高" in key else months if by_age else weight
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


_BABY = re.compile(r"宝宝|婴儿|bb|娃|新生")  # the viewer shops for a baby
_GIRTH = re.compile(r"(掌围|腰围|头围|胸围|臀围|腕围|颈围)\s*(\d+(?:\.\d+)?)")


def girth_size(a: "Answerer", product: Product, text: str) -> Answer | None:
    """"手套掌围21穿多大": the size whose row of the chart holds that girth (the larger of two at a
    boundary, as a host advises)."""
    asked = _GIRTH.search(text)
    if asked is None:
        return None
    word, value = asked.group(1), float(asked.group(2))
    for key, spec in product.specs.items():
        rows = re.findall(rf"([A-Za-z0-9]+)\s*码?[:：]\s*{word}\s*(\d+(?:\.\d+)?)\s*[-~～到至]\s*(\d+(?:\.\d+)?)", str(spec))
        fitting = [size for size, low, high in rows if float(low) <= value <= float(high)]
        if fitting:
            row = next(r for r in rows if r[0] == fitting[-1])
            return Answer((f"按{a.name_of(product)}的尺码表，{word}{row[1]}-{row[2]}cm选{fitting[-1]}码。",), product.sku,
                          (f"{product.sku}.specs.{key}",), about=(product.sku,))
    return None


_USUAL_SHOE = re.compile(r"(?:平时|平常|一般|通常|都)?穿\s*(3\d|4[0-8])\s*(?:码|号|的)?(?!\d)|(3\d|4[0-8])\s*(?:码|号)的鞋|穿(3\d|4[0-8])的鞋")
_RUNS = re.compile(r"偏大(半|一)码|拍小(半|一)码|偏小(半|一)码|拍大(半|一)码")


def usual_shoe_size(a: "Answerer", product: Product, text: str) -> Answer | None:
    """"平时穿38的 拍几码" of shoes whose notes say 偏大一码/建议拍小一码: the size to order, one off
    (the viewer's own size is a fact the guard cannot see; the one-off is checked arithmetic)."""
    asked = _USUAL_SHOE.search(text)
    note = next(((k, v) for k, v in product.specs.items() if _RUNS.search(str(v))), None)
    if asked is None or note is None:
        return None
    usual = int(next(g for g in asked.groups() if g))
    runs = _RUNS.search(str(note[1]))
    if runs.group(1) == "半" or runs.group(2) == "半" or runs.group(3) == "半" or runs.group(4) == "半":
        return None  # half sizes: the chart decides, not this arithmetic
    step = -1 if (runs.group(1) or runs.group(2)) else 1
    order = usual + step
    return Answer((f"{a.name_of(product)}{note[1]}，您平时穿{usual}码的话，建议拍{order}码。",), product.sku,
                  (f"{product.sku}.specs.{note[0]}",), (str(usual), f"{order}={usual}{'+' if step > 0 else '-'}1"),
                  about=(product.sku,))


def size(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    shoes = [x for x in (usual_shoe_size(a, p, query.text) for p in (a.catalog.product(s) for s in query.guess.skus) if p) if x]
    if len(shoes) == 1:
        return shoes[0]
    girth = [x for x in (girth_size(a, p, query.text) for p in (a.catalog.product(s) for s in query.guess.skus) if p) if x]
    if len(girth) == 1:
        return girth[0]
    height, weight = query.height_cm, query.weight_kg
    if height is None and weight is None:
        height, weight = body_measures(query.text)
    family = [p for p in (a.catalog.product(s) for s in query.guess.skus) if p]
    months = age_in_months(query.text)
    if (re.search(STAGE_ASKED, query.text) or months is not None) and len(family) < 2:
        family = [p for p in a.catalog.products if re.search(r"\d\s*段", p.title)]  # "8个月喝哪段"
    if (not family or query.guess.how in ("on_screen", "none")) and not query.named and weight and \
            _BABY.search(query.text):
        # "宝宝13kg了穿哪个": the baby products sized by weight (纸尿裤 M码 6-11kg, L码 9-14kg)
        family = [p for p in a.catalog.products if p.category == "baby" and
                  any(re.search(r"体重", k) and re.search(r"kg", str(v)) for k, v in p.specs.items())] or family
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
        if height:  # a person's height: not the pet bed's chart by the dog's weight
            charted = [p for p in charted if any(row.height for row in size_chart(p)[1])] or charted
        if _BABY.search(query.text):  # "宝宝13kg了穿哪个": the baby's chart, not a hoodie's
            charted = [p for p in charted if p.category == "baby"] or charted
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


__all__ = ["size", "age_in_months"]
