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
from .answer_facts import Answer, FactSentences, speakable
from .catalog import Catalog, Product
from .product_resolver import ProductResolver
from .product_words import fold_question, spelled_as_titles, without_title
from .promotions import read_rule
from .retrieval import Embedder, FactIndex
from .spec_reading import asked_class, keys_named
from . import claim_answers as claims, comparisons, computed_answers as computed
from . import dose_answers, size_answers
from . import shop_answers as shop
from .question_words import INTENT_PATTERNS
from .understanding import Query, QueryProposer, Understanding, ViewerContext
from .figure_check import confirms, spec_for, stated_figure
from .piece_reading import asks_about_pieces, piece_sentence, read_pack, total_derivation
from .value_parts import pick
from .option_compare import compare_options
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
        options = self._options_compared(query)
        if options is not None:
            return options
        writer = _WRITERS.get(query.intent)
        if writer is not None:
            return writer(self, query, now)
        return self.per_product(query, now, self.single)

    def _options_compared(self, query: Query) -> Answer | None:
        """"香芋紫跟白色是一个价吗": two options one product's spec lists, not two products. Of a
        family ("充电宝"), only the one product whose spec lists both can be meant."""
        if query.intent not in ("fact", "compare", "compute", "price", "stock"):
            return None
        skus = list(dict.fromkeys((*query.guess.skus, *query.named)))[:_MAX_LISTED]
        products = [p for p in map(self.catalog.product, skus) if p]
        found = [x for x in (compare_options(p, query.text, self.name_of(p)) for p in products) if x]
        return found[0] if len(found) == 1 else None

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
        if len(products) > 1 and query.intent in ("promotion", "promotion_claim") and any(not p.sold_out for p in products):
            products = [p for p in products if not p.sold_out]  # a sold-out variant's offers are no offer
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
        if intent in ("stock", "fact", "price") and (intent == "price" or re.search(r"有|没|卖完|售罄", text)):
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

        spelled = self._spelled(product, query)  # "开将噪": 降噪, for the fact and for the part of it asked
        stated = self._one_part(product, self._fact(product, spelled, now), spelled.text)
        if not stated.sources:
            return stated
        sentences = with_verdict(query.text, stated.sentences)
        if query.guess.how == "description" and self.name_of(product) not in "".join(sentences):
            sentences = (f"{self.name_of(product)}：{sentences[0]}", *sentences[1:])  # found by description: say which
        return replace(stated, sentences=sentences)

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

    def _spelled(self, product: Product, query: Query) -> Query:
        """"益生君饭前吃还是饭后吃": the title's own spelling, so the FAQ and specs are found by their words."""
        return replace(query, text=spelled_as_titles(query.text, self.resolver.titles_of((product.sku,))))

    def fact(self, product: Product, query: Query, now: datetime | None) -> Answer:
        """A spec by kind or name, else the best fact the index finds; a bare follow-up ("1L那个呢")
        asks the viewer's last question again, about this product."""
        return self._fact(product, self._spelled(product, query), now)

    def _fact(self, product: Product, query: Query, now: datetime | None) -> Answer:
        own = self.resolver.without_names(query.text, (product.sku, *query.named))
        texts = [query.text]
        if query.follow_up and query.previous_text and asked_class(own) is None and len(own.strip(" 呢吗的那个")) <= 3:
            touched = self.say.touched(product, own) or self._key_named(product, query.text, query.previous_facts)
            same = touched or self.say.same_fact(product, query.previous_facts)
            if same is not None:
                return same
            texts = [self.resolver.without_names(query.previous_text, self.catalog_skus), query.text]
        for text in texts:
            asked = self.resolver.without_names(text, (product.sku, *query.named))
            by_kind = self.say.faq_asked(product, asked) or self.say.specs(product, asked) if asked_class(asked) != "usage" \
                else self.say.specs(product, asked) or self.say.faq_asked(product, asked)  # "结晶的蜜 一天喝多少": the dose
            if by_kind is None and (asked_class(asked) is None and asked_class(text) is not None or
                                    any(len(k) >= 2 and k in text and k not in product.title for k in product.specs)):
                by_kind = self.say.specs(product, text)  # "充电要多久", "遮光率": its words are title words too
            narrower = self.say.specs(product, text) if by_kind is not None and len(by_kind.sources) > 1 else None
            if narrower is not None and 0 < len(narrower.sources) < len(by_kind.sources) and \
                    set(narrower.sources) <= set(by_kind.sources):
                by_kind = narrower  # "无线充多少瓦": 无线 is in the title and names the spec too
            if by_kind is not None:
                return by_kind
            hits = (self.index.search(without_title(text, product), product.sku)
                    or self.index.search(self.resolver.without_names(text, self.catalog_skus), product.sku))
            if hits:
                return self.say.from_fact(hits[0].fact, product, now, text)
        # "手套能触屏不": the feature asked is also a title word, so only the whole text finds it.
        return self.say.title_feature(product, query.text) or self.say.colours(product, query.text) or \
            Answer((), product.sku, (), about=(product.sku,))

    def _key_named(self, product: Product, text: str, before: tuple[str, ...]) -> Answer | None:
        """"那装冰的呢" (保冷), "有线充呢" after 无线输出: the one other spec the follow-up names, even
        by a word the title shares (无线充电宝)."""
        keys = [k for k in keys_named(product.specs, fold_question(text)) if f"{product.sku}.specs.{k}" not in before]
        return self.say.spec(product, keys[0]) if len(keys) == 1 else None

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


_WRITERS = {
    "identify": Answerer._identify, "gift": Answerer._gift, "not_sold": Answerer._not_sold, "medical": claims.medical, "superlative": claims.superlative,
    "haggle": claims.haggle, "price_claim": claims.price_claim, "promotion_claim": claims.promotion_claim,
    "compute": computed.basket, "compare": comparisons.compare, "size": size_answers.size, "dose": dose_answers.dose,
    "unit_price": computed.unit_price,
    "how_to_buy": shop.how_to_buy, "shop_sale": shop.shop_sale, "recommend": shop.recommend,
    "private": shop.private, "service_hours": shop.service_hours,
}


def answer_question(text: str, catalog: Catalog, current_sku: str | None,
                    now: datetime | None = None) -> Answer:
    """One-off answer with a lexical index (tests and tools; the show keeps an Answerer)."""
    return Answerer.build(catalog).answer(text, current_sku, now)
