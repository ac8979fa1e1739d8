"""Answers to viewers' questions, stated only from catalog facts.

The fact index (lexical + optional e5 embeddings) finds the product and the fact; this module
turns the fact into a sentence the host can say, with the fact's source id. When no fact
answers the question, the answer has no sources and the director says the persona's honest
"I'll check with service" line; it never guesses a price or a spec. Bait (haggling below the
catalog price, medical or "best" claims) gets the catalog's facts or a plain refusal, never the
claim.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .catalog import Catalog, Product
from .facts import KIND_SYNONYMS, POLICY_SYNONYMS, Fact
from .lines import format_price
from .retrieval import Embedder, FactIndex
from .writer import live_promotions, promotion_arithmetic


@dataclass(frozen=True)
class Answer:
    sentences: tuple[str, ...]
    sku: str | None
    sources: tuple[str, ...]  # empty: no catalog fact answers it, and nothing was invented
    derived: tuple[str, ...] = ()  # numbers computed from the facts (promotion arithmetic)
    not_sold: bool = False  # the question is about something the shop does not sell

    def spoken(self, prefix: str) -> tuple[str, ...]:
        """The sentences as the host says them: the persona's prefix ("这位家人，") goes before an
        answer that states catalog facts; persona templates speak for themselves."""
        if not self.sources or not self.sentences:
            return self.sentences
        return (prefix + self.sentences[0], *self.sentences[1:])


# "有卖手机吗", "有没有卖茅台", "有猫粮卖吗", "卖不卖奶粉": asking whether the shop sells a thing.
_SELLS = (re.compile(r"有(?:没有)?卖(?P<item>.{1,12}?)(?:吗|的吗|嘛|么|不|没|[?？]|$)"),
          re.compile(r"有(?P<item>.{1,12}?)卖(?:吗|嘛|么|不|没|[?？]|$)"),
          re.compile(r"卖不卖(?P<item>.{1,12}?)(?:啊|呀|[?？]|$)"))
_HAGGLE = re.compile(r"便宜点|便宜一点|少点|少一点|再便宜|打[一二三四五六七八九\d]+折|\d+\s*(?:块|元)?\s*(?:卖|给我|行不行|可以吗)"
                     r"|(?:能不能|可不可以|可以).{0,6}(?:便宜|优惠|少)")
_MEDICAL = re.compile(r"治|疗效|药|降血|降压|降糖|降脂|祛斑|祛痘|美白|抗癌|防癌|消炎|感冒|高血压|糖尿病|减肥|瘦身|增高")
_SUPERLATIVE = re.compile(r"最|第一|顶级|全网|100%|百分百|百分之百|保证|绝对")
_MULTI_BUY = re.compile(r"两件|2件|两个|2个|两盒|两瓶|两包|两提|两箱|三件|3件|三瓶|三罐|三个|买二|买三|凑单|满减|满\d+减|"
                        r"一起买|多买|能拿下|到手多少|一共多少")


def _intent_pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


# What a question asks for, by the words viewers use, before any fuzzy search: "怎么卖" is a
# price question however many title words come with it. Checked in this order.
_INTENTS: tuple[tuple[str, re.Pattern], ...] = (
    ("promotion", _intent_pattern(("活动", "优惠", "满减", "优惠券", "第二件", "买一送一", "有券", "福利"))),
    ("list_price", _intent_pattern(KIND_SYNONYMS["list_price"])),
    ("stock", _intent_pattern(KIND_SYNONYMS["stock"] + ("还有吗", "还有没有"))),
    ("price", _intent_pattern(KIND_SYNONYMS["price"] + ("多少钱", "价位"))),
    *((f"policy:{key}", _intent_pattern(words)) for key, words in POLICY_SYNONYMS.items()),
)


class Answerer:
    """Grounded answers over one catalog; rebuilt (cheaply, lexical part) when the catalog changes."""

    def __init__(self, catalog: Catalog, index: FactIndex, embedder: Embedder | None = None) -> None:
        self.catalog = catalog
        self.index = index
        self._embedder = embedder

    @classmethod
    def build(cls, catalog: Catalog, embedder: Embedder | None = None) -> "Answerer":
        # Every promotion is indexed; whether one is still running is checked when answering.
        return cls(catalog, FactIndex.from_catalog(catalog, embedder=embedder), embedder)

    def with_catalog(self, catalog: Catalog) -> "Answerer":
        return Answerer.build(catalog, self._embedder)

    def answer(self, text: str, current_sku: str | None, now: datetime | None = None) -> Answer | None:
        named = self.index.products_for(text)
        product = self.catalog.product(named[0]) if named else None
        if product is None:
            sold = self._not_sold(text)
            if sold is not None:
                return sold
        if _MEDICAL.search(text):
            return self._medical(product or self.catalog.product(current_sku or ""))
        lookup = self.index.lookup(text, current_sku)
        product = self.catalog.product(lookup.sku) if lookup.sku else None
        if product is None:
            return Answer((), None, ())
        if _HAGGLE.search(text):
            return self._price(product, now, prefix="价格以直播间标价为准，")
        if _SUPERLATIVE.search(text):
            return self._no_comparison(product, now, text)
        intent = next((name for name, pattern in _INTENTS if pattern.search(text)), None)
        if intent is not None:
            return self._by_intent(intent, product, now, text)
        # A question that names its product by a number ("10000毫安的多重") was already searched
        # without that number; otherwise the product's name is taken out before the fact search.
        hits = list(lookup.hits) if lookup.named else (
            self.index.search(_without_name(text, product), product.sku) or list(lookup.hits))
        if not hits:
            return Answer((), product.sku, ())
        return self._from_fact(hits[0].fact, product, now, text)

    def _by_intent(self, intent: str, product: Product, now: datetime | None, text: str) -> Answer:
        sku = product.sku
        if intent == "promotion" or (intent == "price" and _MULTI_BUY.search(text)):
            if intent == "promotion" or live_promotions(product, now):
                return self._promotion(product, now, text)
        if intent == "list_price" and product.list_price is not None:
            return self._from_fact(Fact(sku, f"{sku}.list_price", "list_price", "list_price", "", "", ""),
                                   product, now, text)
        if intent == "stock":
            if product.stock is None:
                return Answer((), sku, ())  # no live stock figure: never guess one
            return self._from_fact(Fact(sku, f"{sku}.stock", "stock", "stock", "", "", ""), product, now, text)
        if intent.startswith("policy:"):
            key = intent.split(":", 1)[1]
            if key not in product.policies:
                return Answer((), sku, ())
            return Answer((_sentence(product.policies[key]),), sku, (f"{sku}.policies.{key}",))
        return self._price(product, now)

    def likely_answers(self, now: datetime | None = None) -> list[Answer]:
        """The answers viewers ask for most, for every product: price, running promotions, list
        price, stock, policies, and every catalog fact answered from the index (specs, FAQ).
        The live show synthesizes these ahead so most answers start the moment they are due."""
        answers: list[Answer] = []
        for product in self.catalog.products:
            answers.append(self._price(product, now))
            answers.append(self._promotion(product, now, ""))
            for intent in ("list_price", "stock", *(f"policy:{key}" for key in product.policies)):
                answers.append(self._by_intent(intent, product, now, ""))
        for fact in self.index.facts:
            product = self.catalog.product(fact.sku)
            if product is not None:
                answers.append(self._from_fact(fact, product, now, ""))
        unique: dict[tuple[str, ...], Answer] = {}
        for answer in answers:
            if answer.sentences:
                unique.setdefault(answer.sentences, answer)
        return list(unique.values())

    # --- special questions ------------------------------------------------------------------
    def _not_sold(self, text: str) -> Answer | None:
        for pattern in _SELLS:
            match = pattern.search(text)
            if match and not self.index.products_for(match.group("item")):
                return Answer((), None, (), not_sold=True)
        return None

    @staticmethod
    def _medical(product: Product | None) -> Answer:
        what = "保健食品" if product and product.category == "health_food" else "日常用品"
        if product and product.category in ("food",):
            what = "食品"
        if product and product.category == "beauty":
            what = "护肤品"
        return Answer((f"这款是{what}，不是药品，不能代替药物，我们也不做功效承诺。", "身体有不适请咨询医生。"),
                      product.sku if product else None, ())

    def _no_comparison(self, product: Product, now: datetime | None, text: str) -> Answer:
        if any(w in text for w in ("便宜", "价", "钱")):
            return self._price(product, now, prefix="我们不和别家比价，")
        return Answer(("这个我们不做比较，也不做保证，具体可以看详情页里的规格参数。",), product.sku, ())

    # --- facts into sentences ---------------------------------------------------------------
    def _price(self, product: Product, now: datetime | None, prefix: str = "") -> Answer:
        if product.sold_out:
            return Answer((f"{_spoken_name(product)}现在已经售罄了，可以先看看其他商品。",), product.sku, (f"{product.sku}.stock",))
        sentences = [f"{prefix}{_spoken_name(product)}现在直播间到手价{format_price(product.price)}。"]
        sources = [f"{product.sku}.price"]
        running = live_promotions(product, now)
        if running:
            index, promotion = running[0]
            sentences.append(f"另外还有{promotion.text}的活动。")
            sources.append(f"{product.sku}.promotions[{index}]")
        return Answer(tuple(sentences), product.sku, tuple(sources))

    def _promotion(self, product: Product, now: datetime | None, text: str) -> Answer:
        sku = product.sku
        running = live_promotions(product, now)
        live_indices = {i for i, _ in running}
        asked = _mentioned_promotion(product, text)
        if asked is not None and asked not in live_indices:
            # The viewer asks about an ended promotion: say it ended, without advertising it again.
            sentences = ["这个活动已经结束了。"]
            sources = [f"{sku}.promotions[{asked}]"]
            if running:
                sentences.append(f"现在{_spoken_name(product)}有{running[0][1].text}的活动。")
                sources.append(f"{sku}.promotions[{running[0][0]}]")
            return Answer(tuple(sentences), sku, tuple(sources))
        if not running:
            return Answer(("现在没有进行中的活动，价格以直播间标价为准。", f"{_spoken_name(product)}到手价{format_price(product.price)}。"),
                          sku, (f"{sku}.price",))
        index, promotion = next(((i, p) for i, p in running if i == asked), running[0])
        sentences = [f"现在{_spoken_name(product)}有{promotion.text}的活动。"]
        sources = [f"{sku}.promotions[{index}]"]
        derived: tuple[str, ...] = ()
        if promotion.ends_at is not None and now is not None and _ASKS_UNTIL.search(text):
            local = promotion.ends_at
            sentences.append(f"活动到{local.month}月{local.day}日{local.hour}点{local.minute:02d}分结束。"
                             if local.minute else f"活动到{local.month}月{local.day}日{local.hour}点结束。")
            derived += (str(local.month), str(local.day), str(local.hour), f"{local.minute:02d}")
        worked = promotion_arithmetic(product, promotion)
        if worked and _MULTI_BUY.search(text):
            sentence, numbers = worked
            sentences.append(f"单价{format_price(product.price)}，{sentence}")
            sources.append(f"{sku}.price")
            derived += tuple(numbers)
        return Answer(tuple(sentences), sku, tuple(sources), derived)

    def _from_fact(self, fact: Fact, product: Product, now: datetime | None, text: str) -> Answer:
        sku = product.sku
        if fact.kind == "price":
            if _MULTI_BUY.search(text) and live_promotions(product, now):
                return self._promotion(product, now, text)
            return self._price(product, now)
        if fact.kind == "promotion":
            return self._promotion(product, now, text)
        if fact.kind == "list_price" and product.list_price is not None:
            return Answer((f"{_spoken_name(product)}日常价{format_price(product.list_price)}，今天直播间"
                           f"{format_price(product.price)}。",), sku, (f"{sku}.list_price", f"{sku}.price"))
        if fact.kind == "stock":
            if product.sold_out:
                return Answer((f"{_spoken_name(product)}已经售罄了。",), sku, (fact.source,))
            return Answer((f"{_spoken_name(product)}现在库存还有{product.stock}件。",), sku, (fact.source,))
        if fact.kind == "spec":
            return Answer((f"{_spoken_name(product)}的{fact.key}是{fact.value}。",), sku, (fact.source,))
        if fact.kind == "selling_points":
            return Answer((f"{_spoken_name(product)}的特点是{fact.value}。",), sku, (fact.source,))
        return Answer((_sentence(fact.value),), sku, (fact.source,))  # FAQ answers and policies, verbatim


_ASKS_UNTIL = re.compile(r"到什么时候|到几号|什么时候结束|截止|到哪天|还有几天|什么时候截")


def _mentioned_promotion(product: Product, text: str) -> int | None:
    """The index of the promotion the question names (买一送一, 第二件半价, 满199减30), if any."""
    compact = re.sub(r"\s+", "", text)
    best, best_len = None, 2
    for i, promotion in enumerate(product.promotions):
        words = re.findall(r"满\d+减\d+|第二件半价|买一送一|\d件\d折|[\u4e00-\u9fff]{4,}", promotion.text)
        for word in words or [promotion.text]:
            if word in compact and len(word) > best_len:
                best, best_len = i, len(word)
    return best


def _without_name(text: str, product: Product) -> str:
    """The question without the product's name: title words must not pull the fact search
    toward facts that repeat them (高山 in 高山茶园)."""
    title = re.sub(r"\s+", "", product.title)
    for size in range(len(title), 1, -1):
        for start in range(len(title) - size + 1):
            part = title[start:start + size]
            if part in text:
                text = text.replace(part, " ")
    return text


def _spoken_name(product: Product) -> str:
    """What a host calls the product in an answer: the title's first word (高山乌龙茶), not the
    whole listing title with its sizes (the viewer already knows which one they asked about)."""
    return product.title.split()[0] if product.title.split() else product.title


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "!", "?")) else f"{text}。"


def answer_question(text: str, catalog: Catalog, current_sku: str | None,
                    now: datetime | None = None) -> Answer | None:
    """One-off answer with a lexical index (tests and tools; the show keeps an Answerer)."""
    return Answerer.build(catalog).answer(text, current_sku, now)
