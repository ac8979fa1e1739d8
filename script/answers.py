"""Answers to viewers' questions, stated only from catalog facts and arithmetic on them.

The question is first read into a typed `Query` (understanding.py: intent, product(s), quantities,
body measures, claimed figures, the viewer's previous question); this module writes the answer
for that reading. When several variants fit and nothing says which, the answer gives each one's
fact or asks which; it never picks one. When no fact answers, the answer has no sources and the
director says the persona's honest "I'll check" line. Bait (haggling, "best", medical claims, a
false price, an invented promotion) gets the catalog's real facts, never the claim.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from .gifts import gift_asked
from .answer_facts import Answer, FactSentences, mentioned_promotion, speakable
from .catalog import Catalog, Product
from .lines import format_price
from .product_resolver import ProductResolver
from .product_words import fold_question, spelled_as_titles
from .promotions import read_rule, rule_source
from .retrieval import Embedder, FactIndex
from .spec_reading import asked_class
from . import comparisons, computed_answers as computed
from . import dose_answers, size_answers
from . import shop_answers as shop
from .question_words import INTENT_PATTERNS
from .understanding import Query, QueryProposer, Understanding, ViewerContext
from .figure_check import confirms, spec_for, stated_figure
from .piece_reading import asks_about_pieces, piece_sentence, read_pack, total_derivation
from .value_parts import pick
from .yes_no import with_verdict

__all__ = ["Answer", "Answerer", "ViewerContext", "answer_question"]

_MAX_LISTED = 4

LIKELY_ANSWER_PRODUCTS = 60  # the first products of the rundown; a huge catalog's others are synthesized when asked


class Answerer:
    """Grounded answers over one catalog; rebuilt (cheaply, lexical part) when the catalog changes."""

    def __init__(self, catalog: Catalog, index: FactIndex, embedder: Embedder | None = None,
                 proposer: QueryProposer | None = None) -> None:
        self.catalog = catalog
        self.index = index
        self._embedder = embedder
        self._proposer = proposer
        self.resolver = ProductResolver(catalog, index, embedder)
        self.understanding = Understanding(catalog, self.resolver, proposer)
        self.say = FactSentences(catalog, self.name_of)
        self.catalog_skus = tuple(p.sku for p in catalog.products)

    @classmethod
    def build(cls, catalog: Catalog, embedder: Embedder | None = None,
              proposer: QueryProposer | None = None) -> "Answerer":
        # Every promotion is indexed; whether one is still running is checked when answering.
        return cls(catalog, FactIndex.from_catalog(catalog, embedder=embedder), embedder, proposer)

    def with_catalog(self, catalog: Catalog) -> "Answerer":
        return Answerer.build(catalog, self._embedder, self._proposer)

    def name_of(self, product: Product) -> str:
        """The title's first word, plus what tells it from its variants (奶粉 -> 奶粉3段)."""
        words = re.sub(r"[（(][^）)]*[）)]", " ", product.title).split()  # "（2C1A）" is for the listing
        name = words[0] if words else product.title
        siblings = self.resolver.families.get(product.sku, ())
        if len(siblings) > 1 and len(words) > 1:
            others = [self.catalog.product(s) for s in siblings if s != product.sku]
            other_words = {w for o in others if o for w in o.title.split()}
            extra = [w for w in words[1:] if w not in other_words]
            same_name = any(o.title.split()[:1] == words[:1] for o in others if o)
            staged = [w for w in extra if re.search(r"\d+[段码号代]|^[a-z]{1,4}码$|spf\d+", w, re.I)]
            if extra and same_name:
                name += extra[0]  # a sibling is called the same (纯棉圆领T恤 短袖 / 长袖)
            elif staged:
                name += staged[0]  # the stage tells variants apart in a list (幼儿配方奶粉3段)
        return name

    # ---- the one entry point ---------------------------------------------------------------------
    def answer(self, text: str, current_sku: str | None, now: datetime | None = None,
               context: ViewerContext | None = None) -> Answer:
        context = replace(context, on_screen=current_sku) if context else ViewerContext(current_sku)
        return self.answer_query(self.understanding.read(text, context), now)

    def answer_query(self, query: Query, now: datetime | None) -> Answer:
        if query.intent == "policy:shipping" and not query.guess.skus and "包邮" in query.text:
            shop_wide = shop.free_shipping(self, now)  # "包邮不": of the shop, not of one product
            if shop_wide is not None:
                return shop_wide
        if query.intent in ("fact", "compute", "price") and asks_about_pieces(query.text):
            pieces = self.per_product(query, now, self._pieces)  # "家庭装一袋多少克", "牛肉丝一共几包"
            if pieces.sources:
                return pieces
        writer = _WRITERS.get(query.intent)
        if writer is not None:
            return writer(self, query, now)
        return self.per_product(query, now, self.single)

    plain_intent = staticmethod(lambda text: plain_intent(text))

    def likely_answers(self, now: datetime | None = None) -> list[Answer]:
        """The answers viewers ask for most, for every product: price, running promotions, list
        price, stock, policies, and every catalog fact answered from the index (specs, FAQ).
        The live show synthesizes these ahead so most answers start the moment they are due."""
        answers: list[Answer] = []
        products = self.catalog.products[:LIKELY_ANSWER_PRODUCTS]
        for product in products:
            answers += [self.say.price(product, now), self.say.promotion(product, now, ""),
                        self.say.list_price(product), self.say.stock(product)]
            answers += [self.say.policy(product, key) for key in product.policies]
        skus = {p.sku for p in products}
        for fact in self.index.facts:
            product = self.catalog.product(fact.sku) if fact.sku in skus else None
            if product is not None:
                answers.append(self.say.from_fact(fact, product, now, ""))
        unique: dict[tuple[str, ...], Answer] = {}
        for answer in answers:
            if answer.sentences:
                unique.setdefault(answer.sentences, answer)
        return list(unique.values())

    # ---- intents -----------------------------------------------------------------------------------
    def per_product(self, query: Query, now: datetime | None, write) -> Answer:
        """`write` for the product meant; for ambiguous variants, for each of them (or ask which)."""
        products = [p for p in (self.catalog.product(s) for s in query.guess.skus) if p]
        if not products:
            return Answer((), None, ())
        if len(products) == 1:
            return write(products[0], query, now)
        if len(products) > _MAX_LISTED:
            names = "、".join(self.name_of(p) for p in products[:_MAX_LISTED])
            return Answer((f"您问的是哪一款呢？有{names}等几款。",), None, tuple(f"{p.sku}.title" for p in products),
                          about=tuple(p.sku for p in products))
        answers = [write(p, query, now) for p in products]
        known = [(p, a) for p, a in zip(products, answers) if a.sentences and a.sources]
        if known and len(known) < len(answers) and not any(a.derived for _, a in known):
            # Only some variants have the fact (an FAQ written on one shade): say whose it is.
            return joined([Answer((f"{self.name_of(p)}：{''.join(a.sentences)}",), p.sku, a.sources, about=a.about)
                           for p, a in known], None)
        if not all(a.sentences and a.sources for a in answers):
            names = "还是".join(self.name_of(p) for p in products)
            return Answer((f"您问的是{names}呀？",), None, tuple(f"{p.sku}.title" for p in products),
                          about=tuple(p.sku for p in products))
        return self._compact(products, answers)

    def _compact(self, products: list[Product], answers: list[Answer]) -> Answer:
        """Several variants' answers in as few words as a host would use: one sentence when they say
        the same thing ("三款都一样：24小时内发货"), prices as one list ("1段268元，2段已售罄")."""
        whole = joined(answers, None)
        bodies = {"".join(a.sentences).replace(self.name_of(p), "", 1).strip("：:，, 的") for p, a in zip(products, answers)}
        if len(bodies) == 1:
            body = next(iter(bodies))
            count = "一两三"[len(products) - 1] if len(products) <= 3 else "几"  # a count over three reads as a claim
            return Answer((f"这{count}款都一样，{body}",), None, whole.sources, whole.derived, about=whole.about)
        prices = [re.fullmatch(r"(.*?)(到手价[\d.]+元|已经售罄了)(?:，还有.+)?。", "".join(a.sentences)) for a in answers]
        if all(prices):
            lead = next(iter({m.group(1).replace(self.name_of(p), "") for p, m in zip(products, prices)}))
            listed = "，".join(f"{self.name_of(p)}{'已售罄' if '售罄' in m.group(2) else '：' + m.group(2)[3:]}"
                              for p, m in zip(products, prices))
            return Answer((f"{lead}{listed}。",), None, whole.sources, whole.derived, about=whole.about)
        return whole

    def single(self, product: Product, query: Query, now: datetime | None) -> Answer:
        intent, text = query.intent, query.text
        if intent in ("stock", "fact", "price") and re.search(r"有|没|卖完|售罄", text):
            gone = self.say.variant_sold_out(product, text)  # "XXL荧光黄还有不": the spec says it is gone
            if gone is not None:
                return gone
        if intent == "price":
            return self.say.variant_price(product, text) or self.say.price(product, now, alone=len(query.guess.skus) <= 1)
        if intent == "promotion":
            return self.say.promotion(product, now, text)
        if intent == "list_price":
            return self.say.list_price(product)
        if intent == "stock":
            return self.say.stock(product)
        if intent == "policy:shipping" and "包邮" in text:
            stated = self.say.policy(product, "shipping")
            shop_wide = shop.free_shipping(self, now)
            if shop_wide is not None and "包邮" not in "".join(stated.sentences):
                return Answer(stated.sentences + shop_wide.sentences, product.sku, stated.sources + shop_wide.sources,
                              about=(product.sku,))
        if intent.startswith("policy:"):
            stated = self.say.policy(product, intent.split(":", 1)[1])
            return stated if stated.sentences else self.say.policy_in_specs(product, intent.split(":", 1)[1]) \
                or self.fact(product, query, now)  # 质保 written as a spec
        checked = self._figure_checked(product, text) if intent == "fact" else None
        if checked is not None:
            return checked

        stated = self._one_part(product, self.fact(product, query, now), query.text)
        return replace(stated, sentences=with_verdict(query.text, stated.sentences)) if stated.sources else stated

    def _one_part(self, product: Product, stated: Answer, text: str) -> Answer:
        """Of a spec holding several figures ("单耳4.5g；充电盒38g"), the one the question names."""
        specs = [s.split(".specs.", 1)[1] for s in stated.sources if ".specs." in s]
        if len(specs) != 1 or len(stated.sources) != 1 or specs[0] not in product.specs:
            return stated
        part = pick(str(product.specs[specs[0]]), text, f"{specs[0]} {product.title}")
        if part is None:
            return stated
        return replace(stated, sentences=(speakable(f"{self.name_of(product)}的{specs[0]}，{part}。"),))

    def _pieces(self, product: Product, query: Query, now: datetime | None) -> Answer:
        pack = read_pack(product)
        if pack is None:
            return Answer((), product.sku, (), about=(product.sku,))
        source = f"{product.sku}.title" if pack.key == "title" else f"{product.sku}.specs.{pack.key}"
        return Answer((piece_sentence(self.name_of(product), pack, query.text),), product.sku, (source,),
                      (*pack.derived, total_derivation(pack)), about=(product.sku,))

    def _figure_checked(self, product: Product, text: str) -> Answer | None:
        """"1段是900克的吗": yes or no from the spec stating the product's own figure of that unit."""
        figure = stated_figure(text)
        key = spec_for(product, figure[0]) if figure else None
        if figure is None or key is None:
            return None
        verdict = "是的" if confirms(product, key, figure) else "不是"
        return Answer((speakable(f"{verdict}，{self.name_of(product)}的{key}是{product.specs[key]}。"),), product.sku,
                      (f"{product.sku}.specs.{key}",), about=(product.sku,))

    def fact(self, product: Product, query: Query, now: datetime | None) -> Answer:
        """A spec by kind or name, else the best fact the index finds; a bare follow-up ("1L那个呢")
        asks the viewer's last question again, about this product."""
        # "益生君饭前吃还是饭后吃": the title's own spelling, so the FAQ and specs are found by their words
        query = replace(query, text=spelled_as_titles(query.text, self.resolver.titles_of((product.sku,))))
        own = self.resolver.without_names(query.text, (product.sku, *query.named))
        texts = [query.text]
        if query.follow_up and query.previous_text and asked_class(own) is None and len(own.strip(" 呢吗的那个")) <= 3:
            touched = self.say.touched(product, own)  # "那装冰的呢": a spec of its own (保冷) first
            same = touched or self.say.same_fact(product, query.previous_facts)
            if same is not None:
                return same
            texts = [self.resolver.without_names(query.previous_text, self.catalog_skus), query.text]
        for text in texts:
            asked = self.resolver.without_names(text, (product.sku, *query.named))
            by_kind = self.say.faq_asked(product, asked) or self.say.specs(product, asked)
            if by_kind is None and (asked_class(asked) is None and asked_class(text) is not None or
                                    any(len(k) >= 2 and k in text and k not in product.title for k in product.specs)):
                by_kind = self.say.specs(product, text)  # "充电要多久", "遮光率": its words are title words too
            narrower = self.say.specs(product, text) if by_kind is not None and len(by_kind.sources) > 1 else None
            if narrower is not None and 0 < len(narrower.sources) < len(by_kind.sources) and \
                    set(narrower.sources) <= set(by_kind.sources):
                by_kind = narrower  # "无线充多少瓦": 无线 is in the title and names the spec too
            if by_kind is not None:
                return by_kind
            hits = (self.index.search(_without_name(text, product), product.sku)
                    or self.index.search(self.resolver.without_names(text, self.catalog_skus), product.sku))
            if hits:
                return self.say.from_fact(hits[0].fact, product, now, text)
        # "手套能触屏不": the feature asked is also a title word, so only the whole text finds it.
        return self.say.title_feature(product, query.text) or self.say.colours(product, query.text) or \
            Answer((), product.sku, (), about=(product.sku,))

    def _identify(self, query: Query, now: datetime | None) -> Answer:
        """"11号链接是啥": the product at that link, and its price."""
        def write(product: Product, q: Query, when: datetime | None) -> Answer:
            price = self.say.price(product, when, alone=True)
            link = self.catalog.link_of(product)
            return Answer((f"{link}号链接是{self.name_of(product)}。", *price.sentences), product.sku,
                          (f"{product.sku}.link", *price.sources), (str(link), *price.derived), about=(product.sku,))
        return self.per_product(query, now, write)

    def _gift(self, query: Query, now: datetime | None) -> Answer:
        """"护手霜是送的吗 多大": the promotion that gives it, in its own words (no title sells it)."""
        gift = gift_asked(self.understanding.gifts, fold_question(query.text), query.guess.skus)
        product = self.catalog.product(gift.sku) if gift else None
        if product is None:
            return Answer((), None, ())
        promotion, name = product.promotions[gift.promotion], self.name_of(product)
        source = (f"{product.sku}.promotions[{gift.promotion}]",)
        if promotion.ends_at is not None and now is not None and promotion.ends_at <= now:
            return Answer((f"{name}送{gift.name}的活动已经结束了。",), product.sku, source, about=(product.sku,))
        given = "" if read_rule(gift.promotion, promotion).store_wide else f"买{name}"  # a shop-wide gift
        return Answer((f"{gift.name}是{given}送的：{promotion.text}，店里没有单独卖。",), product.sku, source,
                      about=(product.sku,))

    def _not_sold(self, query: Query, now: datetime | None) -> Answer:
        return Answer((), None, (), not_sold=True)

    def _medical(self, query: Query, now: datetime | None) -> Answer:
        product = self.catalog.product(query.guess.skus[0]) if query.guess.skus else None
        kind = {"health_food": "保健食品", "food": "食品", "beauty": "护肤品", "baby": "母婴用品"}.get(
            product.category if product else "", "日常用品")
        sentences = [f"这款是{kind}，不能代替药物，身体不适请咨询医生。"]
        if product is None:
            return Answer(tuple(sentences), None, ())
        asked = self.say.faq_asked(product, query.text) or self._faq_hit(product, query.text)
        if asked is not None and not re.search(r"治|疗", "".join(asked.sentences)):  # never a cure word on air  # "咖啡含糖吗 减肥能喝不": the merchant's own answer to what is asked
            return Answer((sentences[0], *asked.sentences), product.sku, asked.sources, about=(product.sku,))
        dosing = [k for k in product.specs if re.search(r"食用|用法|用量|服用|注意|推荐量", k)]
        if dosing and re.search(r"\d+\s*[粒片颗袋]|一天|每天|每日|多吃|吃多|加量|加倍", query.text):
            # "一天吃4粒好得快": the dose the label gives, not a guess at what is safe
            parts = [speakable(f"{k}是{product.specs[k]}") for k in dosing[:2]]
            return Answer((sentences[0], f"{self.name_of(product)}的{'，'.join(parts)}。"), product.sku,
                          tuple(f"{product.sku}.specs.{k}" for k in dosing[:2]), about=(product.sku,))
        facts, sources = self.say.highlights(product, limit=1, text=query.text, points=False)
        if facts:
            sentences.append(f"它的{facts}。")
        return Answer(tuple(sentences), product.sku, sources, about=(product.sku,))

    def _faq_hit(self, product: Product, text: str) -> Answer | None:
        hits = [h for h in self.index.search(_without_name(text, product), product.sku) if h.fact.kind == "faq"]
        return self.say.from_fact(hits[0].fact, product, None, text) if hits else None

    def _superlative(self, query: Query, now: datetime | None) -> Answer:
        if not query.named and query.guess.how not in ("previous", "link"):
            # "这是不是全网最低": no product named; no claim, and no product's figures guessed at.
            return Answer(("这个我们不做全网比价，直播间价格以小黄车标价为准。",), None, ())

        def write(product: Product, q: Query, when: datetime | None) -> Answer:
            if re.search(r"便宜|价|钱|低", q.text):
                return self.say.price(product, when, prefix="我们不和别家比价，")
            facts, sources = self.say.highlights(product, limit=1, text=q.text, points=True)
            if not facts:
                return self.say.price(product, when, prefix="这个我们不做比较，")
            return Answer((f"这个我们不做比较，说说实在的：{self.name_of(product)}的{facts}。",), product.sku,
                          sources, about=(product.sku,))
        return self.per_product(query, now, write)

    def _haggle(self, query: Query, now: datetime | None) -> Answer:
        return self.per_product(query, now, lambda p, q, t: self.say.price(p, t, prefix="价格以直播间标价为准，"))

    def _price_claim(self, query: Query, now: datetime | None) -> Answer:
        def write(product: Product, q: Query, when: datetime | None) -> Answer:
            if product.sold_out and len(q.guess.skus) <= 1:  # corrected all the same: "L码是89元，现在已经售罄了"
                return Answer((f"以今天直播间的价格为准，{self.name_of(product)}是{format_price(product.price)}，"
                               f"现在已经售罄了。",), product.sku, (f"{product.sku}.price", f"{product.sku}.stock"),
                              about=(product.sku,))
            return self.say.price(product, when, prefix="以今天直播间的价格为准，")
        return self.per_product(query, now, write)

    def _promotion_claim(self, query: Query, now: datetime | None) -> Answer:
        def write(product: Product, q: Query, when: datetime | None) -> Answer:
            if mentioned_promotion(product, q.text) is not None:
                return self.say.promotion(product, when, q.text)
            asked = self.say.faq_asked(product, self.resolver.without_names(q.text, (product.sku,)))
            if asked is not None:  # "送数据线吗": the merchant's FAQ says
                return asked
            running = self.say.running(product, when)
            name, sku = self.name_of(product), product.sku
            if not running:
                return Answer((f"{name}没有这个活动哦，现在直播间到手价{format_price(product.price)}。",), sku,
                              (f"{sku}.price",), about=(sku,))
            return Answer((f"{name}没有这个活动哦，现在的活动是{'、'.join(r.text for r in running[:3])}。",), sku,
                          tuple(rule_source(product, r) for r in running[:3]), about=(sku,))
        return self.per_product(query, now, write)


def plain_intent(text: str) -> str:
    """The one-product intent inside a comparison ("哪个贵" asks each one's price)."""
    folded = text.lower()
    if re.search(r"贵|便宜|价|钱", folded) and asked_class(folded) is None:
        return "price"
    return next((name for name, pattern in INTENT_PATTERNS if pattern.search(folded)), "fact")


def joined(answers: list[Answer], sku: str | None) -> Answer:
    return Answer(tuple(s for a in answers for s in a.sentences), sku,
                  tuple(dict.fromkeys(s for a in answers for s in a.sources)),
                  tuple(dict.fromkeys(d for a in answers for d in a.derived)),
                  about=tuple(dict.fromkeys(s for a in answers for s in a.about)))


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


_WRITERS = {
    "identify": Answerer._identify, "gift": Answerer._gift, "not_sold": Answerer._not_sold, "medical": Answerer._medical, "superlative": Answerer._superlative,
    "haggle": Answerer._haggle, "price_claim": Answerer._price_claim, "promotion_claim": Answerer._promotion_claim,
    "compute": computed.basket, "compare": comparisons.compare, "size": size_answers.size, "dose": dose_answers.dose,
    "unit_price": computed.unit_price,
    "how_to_buy": shop.how_to_buy, "shop_sale": shop.shop_sale, "recommend": shop.recommend,
    "private": shop.private, "service_hours": shop.service_hours,
}


def answer_question(text: str, catalog: Catalog, current_sku: str | None,
                    now: datetime | None = None) -> Answer:
    """One-off answer with a lexical index (tests and tools; the show keeps an Answerer)."""
    return Answerer.build(catalog).answer(text, current_sku, now)
