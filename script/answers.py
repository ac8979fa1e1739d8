"""Answers to viewers' questions, stated only from catalog facts.

When the catalog has no fact for the question the host says so and offers customer service;
it never guesses a price or a spec.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .catalog import Catalog, Product
from .lines import format_price
from .writer import live_promotions

_QUESTION_MARKERS = ("?", "？", "吗", "呢", "多少", "几", "怎么", "如何", "能不能", "可不可以", "有没有",
                     "是不是", "啥", "什么", "哪")
_PRICE_WORDS = ("多少钱", "价格", "价钱", "几块", "多少米", "啥价", "怎么卖", "贵不贵", "多钱", "售价")
_POLICY_WORDS = {
    "returns": ("退货", "退换", "退款", "七天无理由", "能退"),
    "shipping": ("发货", "快递", "包邮", "几天到", "物流", "运费"),
    "price_protection": ("保价", "降价", "差价"),
}
# Colloquial ways viewers ask for a spec, mapped to the spec names merchants use.
_SPEC_SYNONYMS = {
    "净含量": ("多重", "多少克", "分量", "几克", "重量", "净含量"),
    "重量": ("多重", "多少克", "几克", "重量", "沉不沉"),
    "产地": ("哪里产", "哪产", "产地", "哪里的", "原产"),
    "保质期": ("保质期", "能放多久", "放多久", "过期"),
    "容量": ("容量", "多大", "多少毫升"),
    "电池容量": ("电池", "续航", "毫安"),
    "尺码": ("尺码", "码数", "多大码"),
    "材质": ("材质", "面料", "什么做的"),
}


@dataclass(frozen=True)
class Answer:
    sentences: tuple[str, ...]
    sku: str | None
    sources: tuple[str, ...]  # empty: no catalog fact answers it, and nothing was invented
    derived: tuple[str, ...] = ()  # numbers computed from the facts (promotion arithmetic)
    not_sold: bool = False  # the question is about something the shop does not sell


def is_question(text: str) -> bool:
    return any(marker in text for marker in _QUESTION_MARKERS)


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


# Characters that carry no product meaning in a question ("这个多少钱" names no product).
_FUNCTION_CHARS = set("这个那款的了吗呢么嘛吧啊是有没多少钱几怎样么能可以不还和与跟给我你您它们哪里啥请问下")


def _longest_shared_run(question: str, title: str) -> int:
    best = 0
    for i in range(len(question)):
        for j in range(i + best + 1, len(question) + 1):
            if not question[j - 1].isspace() and question[i:j] in title:
                best = j - i
            else:
                break
    return best


def _question_words(text: str) -> str:
    """The question without words that ask *about* a product (price, spec, policy words)."""
    for word in sorted(set(_PRICE_WORDS) | {w for ws in _POLICY_WORDS.values() for w in ws}
                       | {w for ws in _SPEC_SYNONYMS.values() for w in ws} | set(_SPEC_SYNONYMS), key=len, reverse=True):
        text = text.replace(word, " ")
    return "".join(c if c not in _FUNCTION_CHARS else " " for c in text)


def _names_sku(text: str, sku: str) -> bool:
    return re.search(rf"(?<![0-9a-z]){re.escape(sku.lower())}(?![0-9a-z])", text) is not None


def resolve_product(text: str, catalog: Catalog, current_sku: str | None) -> Product | None:
    """The product a question is about: named by SKU or by a run of title words, else the one on screen."""
    lowered = text.lower()
    for product in sorted(catalog.products, key=lambda p: len(p.sku), reverse=True):
        if _names_sku(lowered, product.sku):
            return product
    meaningful = _question_words(lowered)
    scored = [(_longest_shared_run(meaningful, p.title.lower()), p.sku == current_sku, p) for p in catalog.products]
    score, _, best = max(scored, key=lambda s: (s[0], s[1]))
    # One shared character ("保" in 保质期 and 保湿面霜) is not naming a product; a single-character
    # product word like 茶 counts only when it is the title's last character (its head noun).
    if score >= 2 or (score == 1 and any(best.title.split()[0].endswith(c) and meaningful.count(c) == 1
                                          for c in meaningful if c.strip())):
        return best
    return catalog.product(current_sku) if current_sku else None


def _price_answer(product: Product, now: datetime | None) -> Answer:
    if product.sold_out:
        return Answer((f"{product.title}现在已经售罄了，可以先看看其他商品。",), product.sku,
                      (f"{product.sku}.stock",))
    sentences = [f"{product.title}现在直播间到手价{format_price(product.price)}。"]
    sources = [f"{product.sku}.price"]
    running = live_promotions(product, now)
    if running:
        index, promotion = running[0]
        sentences.append(f"另外还有{promotion.text}的活动。")
        sources.append(f"{product.sku}.promotions[{index}]")
    return Answer(tuple(sentences), product.sku, tuple(sources))


def _spec_answer(text: str, product: Product) -> Answer | None:
    for name, value in product.specs.items():
        asked = name in text or any(s in text for s in _SPEC_SYNONYMS.get(name, ()))
        if asked:
            return Answer((f"{product.title}的{name}是{value}。",), product.sku, (f"{product.sku}.specs.{name}",))
    return None


def _policy_answer(text: str, product: Product) -> Answer | None:
    for key, words in _POLICY_WORDS.items():
        if any(w in text for w in words) and key in product.policies:
            return Answer((f"放心，{product.policies[key]}。",), product.sku, (f"{product.sku}.policies.{key}",))
    return None


def _faq_answer(text: str, product: Product) -> Answer | None:
    words = _bigrams(text)
    best, best_score = None, 0.0
    for i, entry in enumerate(product.faq):
        q = _bigrams(entry.q)
        score = len(words & q) / max(1, len(q))
        if score > best_score:
            best, best_score = (i, entry), score
    if best is None or best_score < 0.5:
        return None
    i, entry = best
    return Answer((f"{entry.a}。".replace("。。", "。"),), product.sku, (f"{product.sku}.faq[{i}]",))


def answer_question(text: str, catalog: Catalog, current_sku: str | None,
                    now: datetime | None = None) -> Answer | None:
    """A grounded answer, an honest "let me check", or None when the comment is not a question."""
    if not is_question(text) and not any(w in text for w in _PRICE_WORDS):
        return None
    product = resolve_product(text, catalog, current_sku)
    if product is None:
        return Answer(("您问的这款我们直播间暂时没有哦，可以看看小黄车里的其他宝贝。",), None, (), not_sold=True)
    if any(w in text for w in _PRICE_WORDS):
        return _price_answer(product, now)
    for finder in (_spec_answer, _policy_answer, _faq_answer):
        answer = finder(text, product)
        if answer is not None:
            return answer
    return Answer(("这个问题我帮您记下来，稍后请客服给您准确答复哦。",), product.sku, ())
