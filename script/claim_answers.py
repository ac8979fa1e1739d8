"""Answers to bait and claims: medical hopes, "best/lowest" superlatives, haggling, a price or a
promotion the viewer claims. Each states the catalog's real facts, never the claim.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from .answer_facts import Answer, mentioned_promotion, speakable
from .catalog import Product
from .lines import format_amount, format_price
from .product_words import without_title
from .promotions import rule_source
from .understanding import Query

if TYPE_CHECKING:
    from .answers import Answerer


def medical(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    product = a.catalog.product(query.guess.skus[0]) if query.guess.skus else None
    kind = {"health_food": "保健食品", "food": "食品", "beauty": "护肤品", "baby": "母婴用品"}.get(
        product.category if product else "", "日常用品")
    sentences = [f"这款是{kind}，不是药，不能代替药物，身体不适请及时就医。"]
    if product is None:
        return Answer(tuple(sentences), None, ())
    asked = a.say.faq_asked(product, query.text) or _faq_hit(a, product, query.text)
    if asked is not None and not re.search(r"治|疗", "".join(asked.sentences)):  # never a cure word on air  # "咖啡含糖吗 减肥能喝不": the merchant's own answer to what is asked
        return Answer((sentences[0], *asked.sentences), product.sku, asked.sources, about=(product.sku,))
    dosing = [k for k in product.specs if re.search(r"食用|用法|用量|服用|注意|推荐量", k)]
    if dosing and re.search(r"\d+\s*[粒片颗袋]|一天|每天|每日|多吃|吃多|加量|加倍", query.text):
        # "一天吃4粒好得快": the dose the label gives, not a guess at what is safe
        parts = [speakable(f"{k}是{product.specs[k]}") for k in dosing[:2]]
        return Answer((sentences[0], f"{a.name_of(product)}的{'，'.join(parts)}。"), product.sku,
                      tuple(f"{product.sku}.specs.{k}" for k in dosing[:2]), about=(product.sku,))
    facts, sources = a.say.highlights(product, limit=1, text=query.text, points=False)
    if facts:
        sentences.append(f"它的{facts}。")
    return Answer(tuple(sentences), product.sku, sources, about=(product.sku,))

def _faq_hit(a: "Answerer", product: Product, text: str) -> Answer | None:
    hits = [h for h in a.index.search(without_title(text, product), product.sku) if h.fact.kind == "faq"]
    return a.say.from_fact(hits[0].fact, product, None, text) if hits else None

def superlative(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    if not query.named and query.guess.how not in ("previous", "link"):
        # "这是不是全网最低": no product named; no claim, and no product's figures guessed at.
        return Answer(("这个我们不做全网比价，直播间价格以小黄车标价为准。",), None, ())

    def write(product: Product, q: Query, when: datetime | None) -> Answer:
        if re.search(r"便宜|价|钱|低", q.text):
            return a.say.price(product, when, prefix="我们不和别家比价，")
        facts, sources = a.say.highlights(product, limit=1, text=q.text, points=True)
        if not facts:
            return a.say.price(product, when, prefix="这个我们不做比较，")
        return Answer((f"这个我们不做比较，说说实在的：{a.name_of(product)}的{facts}。",), product.sku,
                      sources, about=(product.sku,))
    return a.per_product(query, now, write)

def haggle(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    return a.per_product(query, now, lambda p, q, t: a.say.price(p, t, prefix="价格以直播间标价为准，"))

def price_claim(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    def write(product: Product, q: Query, when: datetime | None) -> Answer:
        if product.sold_out and len(q.guess.skus) <= 1:  # corrected all the same: "L码是89元，现在已经售罄了"
            return Answer((f"以今天直播间的价格为准，{a.name_of(product)}是{format_price(product.price)}，"
                           f"现在已经售罄了。",), product.sku, (f"{product.sku}.price", f"{product.sku}.stock"),
                          about=(product.sku,))
        said = a.say.price(product, when, prefix="以今天直播间的价格为准，")
        claimed = format_amount(q.claimed_price) if q.claimed_price else None
        timed = next((r for r in a.say.running(product, when) if claimed and re.search(
            rf"(?<![\d.]){re.escape(claimed)}(?![\d.])", r.text)), None)
        if timed is None or timed.text in "".join(said.sentences):
            return said
        # "现在拍锅是不是169": the figure is a promotion's, and when it applies is in its words
        return Answer((*said.sentences, f"{claimed}元是这个活动的：{timed.text}。"), product.sku,
                      said.sources + (rule_source(product, timed),), said.derived, about=(product.sku,))
    return a.per_product(query, now, write)

def promotion_claim(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    def write(product: Product, q: Query, when: datetime | None) -> Answer:
        if mentioned_promotion(product, q.text) is not None:
            return a.say.promotion(product, when, q.text)
        asked = a.say.faq_asked(product, a.resolver.without_names(q.text, (product.sku,)))
        if asked is not None:  # "送数据线吗": the merchant's FAQ says
            return asked
        running = a.say.running(product, when)
        name, sku = a.name_of(product), product.sku
        if not running:
            return Answer((f"{name}没有这个活动哦，现在直播间到手价{format_price(product.price)}。",), sku,
                          (f"{sku}.price",), about=(sku,))
        return Answer((f"{name}没有这个活动哦，现在的活动是{'、'.join(r.text for r in running[:3])}。",), sku,
                      tuple(rule_source(product, r) for r in running[:3]), about=(sku,))
    return a.per_product(query, now, write)
