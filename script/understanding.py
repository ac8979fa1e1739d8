"""Understanding a viewer's question before any answer is written: a typed `Query` (what is asked,
about which product or products, with which quantities, body measures, claimed figures, and what
the viewer asked before).

This is the seam where a local language model could later propose a reading; whatever proposes
it, the answer is written only from the catalog. Pure: no I/O, no clock.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Protocol

from .catalog import Catalog
from .facts import POLICY_SYNONYMS, names_a_category
from .product_resolver import ProductGuess, ProductResolver
from .viewer_measures import age_in_months, body_measures
from .gifts import gift_asked, gifts_of
from .product_words import count_from_word, counted_single_nouns, fold_question, head_noun, product_kind, spelled_as_titles
from .answer_facts import mentioned_promotion
from .question_words import (AFTER_BASKET, BARE_FOLLOW_UP, BARE_PRICE, BEST_DEAL, BOTH, COMPARE, COUNT, DOSE, FOLLOW_UP, HAGGLE,
                             HOW_TO_BUY, IDENTIFY, INTENT_PATTERNS, INVENTED_PROMO, MEDICAL, MONEY_CLAIM, NOT_ITEMS, PAST, PII,
                             POINTING, PRICE_NOT_SIZE, RECOMMEND, CHOOSE_FOR_NEED, SELLS, SERVICE_HOURS, SHOP_SALE, SIZE, SIZE_CHOICE, STAGE_CHOICE,
                             SIZE_WORDS, SUPERLATIVE,
                             TOTAL, UNIT_PRICE)
from .spec_reading import viewer_dose
from .claimed_figures import claimed_price
from .spoken_numbers import parse_chinese_integer
from .textmatch import STOP_CHARS


@dataclass(frozen=True)
class ViewerContext:
    """What the director remembers of one viewer, and what is on screen."""

    on_screen: str | None = None
    previous_skus: tuple[str, ...] = ()  # the product(s) the viewer's last question was about
    previous_text: str = ""  # the viewer's last question
    previous_sources: tuple[str, ...] = ()  # the facts its answer cited ("H352.specs.加热")


@dataclass(frozen=True)
class Query:
    text: str
    intent: str
    guess: ProductGuess
    named: tuple[str, ...] = ()  # every product the question names, best first (comparisons, baskets)
    quantities: tuple[tuple[str, int], ...] = ()  # (sku, count) in a basket
    height_cm: float | None = None
    weight_kg: float | None = None
    claimed_price: float | None = None  # a price the viewer states ("昨天不是59吗")
    unknown_item: str | None = None  # a thing asked about that the shop does not list
    follow_up: bool = False  # leans on the viewer's last question ("那三段呢")
    previous_text: str = ""  # that question, when this one leans on it
    previous_facts: tuple[str, ...] = ()  # what its answer cited: "那1L的呢" asks the same of another
    flags: frozenset[str] = field(default_factory=frozenset)


INTENTS = ("price", "promotion", "list_price", "stock", "fact", "not_sold", "medical", "superlative", "haggle",
           "price_claim", "promotion_claim", "compute", "compare", "size", "dose", "unit_price", "how_to_buy",
           "shop_sale", "recommend", "private", "service_hours", "identify", "gift", *(f"policy:{k}" for k in POLICY_SYNONYMS))


class QueryProposer(Protocol):
    """A reader that proposes a Query (e.g. a local language model the merchant points at); the
    catalog validates it and the rules read the question when it proposes nothing usable."""

    def __call__(self, text: str, context: ViewerContext) -> Query | None: ...


# The last character of a product noun that says what kind of thing it is (裤 of 羽绒裤, 机 of 吹风机).
_MEASURE_WORDS = frozenset("片粒瓶包袋盒罐支条颗块件个张抽卷桶箱套双只")
_KIND_ENDINGS = frozenset("裤服衣裙鞋袜帽巾包杯壶锅碗盘霜乳膏粉茶机器灯线宝表镜垫枕被毯帘椅桌架箱盒瓶罐")


class Understanding:
    """Reads questions over one catalog (rebuilt when the catalog changes)."""

    def __init__(self, catalog: Catalog, resolver: ProductResolver, proposer: QueryProposer | None = None) -> None:
        self.catalog = catalog
        self.resolver = resolver
        self.proposer = proposer
        self.gifts = gifts_of(catalog)
        self._heads: dict[str, list[str]] = {}  # the last character of each head noun -> its products
        for p in catalog.products:
            self._heads.setdefault(head_noun(p.title)[-1:], []).append(p.sku)
        # Every word the shop writes about its products: a one-character item none of it uses is not sold.
        self._written = "\n".join(" ".join([p.title, *p.selling_points, *p.scenes, *map(str, p.specs.keys()),
                                            *map(str, p.specs.values()), *(f.q + f.a for f in p.faq)])
                                   for p in catalog.products)

    def read(self, text: str, context: ViewerContext | None = None) -> Query:
        context = context or ViewerContext()
        proposed = self._proposed(text, context)
        return proposed if proposed is not None else self._read(text, context)

    def _proposed(self, text: str, context: ViewerContext) -> Query | None:
        """A proposer's reading, kept only when it names a known intent and products the catalog
        has, with counts that are counts: it may choose, never invent."""
        if self.proposer is None:
            return None
        try:
            query = self.proposer(text, context)
        except Exception:  # a failing proposer costs its proposal, never the answer
            return None
        if not isinstance(query, Query) or query.intent not in INTENTS:
            return None
        skus = (*query.guess.skus, *query.named, *(s for s, _ in query.quantities))
        if any(self.catalog.product(s) is None for s in skus):
            return None
        if any(not isinstance(n, int) or not 0 < n <= 99 for _, n in query.quantities):
            return None
        return query

    def _read(self, text: str, context: ViewerContext) -> Query:
        folded = fold_question(text)
        named = self.resolver.separately_named(text)
        named += [s for s in counted_single_nouns(folded, self._heads) if s not in named] if named else []
        follow_up = bool(FOLLOW_UP.search(folded)) and bool(context.previous_skus)
        previous = context.previous_skus[0] if len(context.previous_skus) == 1 else None
        pointing = bool(POINTING.search(folded))
        guess = self.resolver.resolve(text, previous, context.on_screen, pointing)
        if guess.how == "adjective" and len(named) > 1 and set(named) <= set(self.resolver.families.get(guess.sku, ())):
            named = [guess.sku]  # "保温杯大的两个": 大的 chose one of the family
        if follow_up and previous and guess.how == "named" and previous not in guess.skus and \
                self.resolver.fits(previous, text):
            guess, named = ProductGuess((previous,), "previous"), []
        if not named and follow_up and len(context.previous_skus) > 1:
            chosen = self.resolver.by_adjective(text, context.previous_skus)  # "那小的呢" after both sizes
            guess = ProductGuess((chosen,), "adjective") if chosen else \
                ProductGuess(context.previous_skus, "previous", ambiguous=True)
        elif not named and follow_up and previous and len(self.resolver.families.get(previous, ())) > 1:
            chosen = self.resolver.by_adjective(text, self.resolver.families[previous])  # "小的那个呢" after one
            guess = ProductGuess((chosen,), "adjective") if chosen else guess
        if context.previous_skus and len(set(named)) <= 1 and COMPARE.search(folded) and \
                (follow_up or pointing or re.search(r"[比跟和]它|[比跟和](?:刚才|刚刚)|^\s*(?:那|它)?比", folded)):
            current = named[0] if named else guess.sku  # "1段比它贵多少": against the last product asked
            others = [s for s in context.previous_skus if s != current]
            if current and others:
                named = [current, others[0]]
        if len(set(named)) == 1 and re.search(r"比", folded) and COMPARE.search(folded):
            # "大的那个充电宝比mini重多少": the other side is the family member the adjective picks
            family = self.resolver.families.get(named[0], ())
            rest = self.resolver.without_names(text, (named[0],))
            other = self.resolver.by_adjective(rest, tuple(s for s in family if s != named[0])) \
                if len(family) > 1 and re.search(r"[大小长短厚薄高矮]的", rest) else None
            if other is not None:
                named = [other, named[0]]
        flags = set()
        for flag, pattern in (("medical", MEDICAL), ("superlative", SUPERLATIVE), ("haggle", HAGGLE)):
            if pattern.search(folded):
                flags.add(flag)
        unknown = self._unknown_item(folded) or self._missing_variant(folded, guess)
        height, weight = body_measures(text)
        gift = gift_asked(self.gifts, folded, (*named, *guess.skus, context.on_screen or ""))
        if gift is not None and not any(gift.name[-2:] in self.resolver.titles_of((s,)) for s in named):
            return Query(text=text, intent="gift", guess=ProductGuess((gift.sku,), "gift"))  # "加绒围巾单独卖吗"
        if not named and guess.how not in ("named", "link") and context.previous_text and AFTER_BASKET.search(folded):
            before = self._read(context.previous_text, ViewerContext(context.on_screen))
            if before.intent == "compute" and before.quantities:  # "省了多少啊" after "糍粑拿3袋多少钱"
                return replace(before, text=text, follow_up=True, previous_text=context.previous_text)
        intent = self._intent(folded, guess, named, flags, unknown, height, weight)
        if follow_up and context.previous_text and viewer_dose(text) and intent in (None, "compute", "fact") and \
                DOSE.search(fold_question(context.previous_text)):
            intent = "dose"  # "那一天两袋呢" after "一盒喝多久": the same question at the viewer's dose
        if intent is None and follow_up and context.previous_text and BARE_FOLLOW_UP.search(folded):
            inherited = self._intent(fold_question(context.previous_text), guess, named, set(), None, None, None)
            intent = inherited or "fact"
        return Query(text=text, intent=intent or "fact", guess=guess, named=tuple(named),
                     quantities=self._quantities(folded, guess, named), height_cm=height, weight_kg=weight,
                     claimed_price=claimed_price(self.catalog, folded, guess), unknown_item=unknown,
                     follow_up=follow_up, previous_text=context.previous_text if follow_up else "",
                     previous_facts=context.previous_sources if follow_up else (),
                     flags=frozenset(flags))

    # ---- pieces -------------------------------------------------------------------------------
    def _intent(self, folded: str, guess: ProductGuess, named: list[str], flags: set[str], unknown: str | None,
                height: float | None, weight: float | None) -> str | None:
        if PII.search(folded):
            return "private"
        if SERVICE_HOURS.search(folded):
            return "service_hours"
        if guess.how == "link" and IDENTIFY.search(folded):
            return "identify"  # "3号链接是啥 充电器吗": the link says which, whatever the viewer guesses
        if unknown is not None:
            return "not_sold"
        # "宠物窝大号多少钱 我家金毛30斤": the price of a size the viewer chose, not a size to choose
        asks_price = PRICE_NOT_SIZE.search(folded) and not SIZE_CHOICE.search(folded)
        if age_in_months(folded) is not None and STAGE_CHOICE.search(folded) and not asks_price:
            return "size"  # "宝宝刚满月 喝哪个": the stage (or size) for a child's age
        if (height or weight) and SIZE_WORDS.search(folded) and not asks_price:
            return "size"  # "我家金毛60斤 选哪个规格": a size from a measure, not a recommendation
        if "推荐" in folded and guess.how == "previous" and not named:
            return "recommend"  # "那推荐哪个" after "mini还有吗": the one to buy instead, or that one
        if RECOMMEND.search(folded) and guess.how not in ("link", "previous") and (not named or "推荐" in folded):
            return "recommend"  # "给我妈买点啥 她血脂有点高": a product to suggest, medical words or not
        if "medical" in flags:
            return "medical"
        if not named and guess.how in ("on_screen", "none") and BEST_DEAL.search(folded):
            return "shop_sale"  # "今天啥最划算": today's offers, not bait
        if "superlative" in flags:
            return "superlative"
        buying = HOW_TO_BUY.search(folded)
        if buying and not (buying.group(0) == "哪个是" and len(set(named)) >= 2) and \
                not any(p.search(folded) for n, p in INTENT_PATTERNS if n == "price"):
            return "how_to_buy"  # "四件套和卫衣哪个是真丝的" asks which of two, not where to buy
        if not named and re.search(r"(?:不同|跨|别的|其他|混)\S{0,4}凑|凑\S{0,4}(?:不同|跨|别的|混)", folded):
            return "shop_sale"  # "满减可以不同商品凑吗": whether the shop's threshold pools products
        if not named and guess.how in ("on_screen", "none", "description") and \
                re.search(r"全场|全店|整个店|凑满减|凑单|凑[啥什]|满减.{0,4}(?:截止|结束|到什么时候|到几号)", folded) \
                and INTENT_PATTERNS[0][1].search(folded) and not COUNT.search(folded):
            return "shop_sale"  # "全场有满减吗", "想凑满减 凑啥划算": the shop's offers, not the product on screen
        if not named and guess.how in ("on_screen", "none") and SHOP_SALE.search(folded) \
                and not self._quantities(folded, guess, named):
            return "shop_sale"
        if len(set(named)) <= 1 and (RECOMMEND.search(folded) and not COMPARE.search(folded) or (
                CHOOSE_FOR_NEED.search(folded) and not guess.ambiguous and not re.search(r"钱|价|贵|便宜", folded))):
            return "recommend"
        if not asks_price and (SIZE.search(folded) or (
                height and weight and re.search(r"cm|kg|斤|jin|公斤|米|身高|体重|穿", folded)) or (
                (height or weight) and re.search(r"合适|适合|选哪|规格|码|穿", folded))):
            return "size"
        if DOSE.search(folded):
            return "dose"
        if UNIT_PRICE.search(folded) and not re.search(r"各|一共|一起|总共|加起来|买\S{0,2}送|算下来|平均|折合", folded):
            return "unit_price"
        if len(set(named)) >= 2 and re.search(r"还差|凑|一起买|一起拍|[一1]块[买拍要]|一共|总共|加起来|各来|各买", folded):
            return "compute"  # "X和Y一起买还差多少" is a basket, not a comparison
        kinds = len({self.resolver.families.get(s, (s,)) for s in named})  # "除湿盒和猫砂": two kinds of thing
        if len(set(named)) >= 2 and (COMPARE.search(folded) or BOTH.search(folded) or kinds >= 2 and guess.how != "link" and re.search(r"[和跟与同、加]", folded) and (
                re.search(r"可不可以|能不能|支不支持|是不是|有没有", folded) or
                any(n.startswith("policy:") and p.search(folded) for n, p in INTENT_PATTERNS)
                and not TOTAL.search(folded) and "够" not in folded)):
            return "compare"  # "果干和原浆都加糖了吗": each one's answer, and whether both
        if guess.ambiguous and COMPARE.search(folded) and not TOTAL.search(folded):
            return "compare"
        if INVENTED_PROMO.search(folded) and re.search(r"是吧|对吧|是不是|吧[?？]*$|吗[?？]*$", folded):
            # "T恤今天三件五折是吧": the claim first, whatever counts it holds
            return "shop_sale" if self._shop_level(folded, guess, named) else "promotion_claim"
        if re.search(r"有货|还剩|库存|卖完|断货|没货", folded) and not re.search(r"钱|价|一共|总共|到手|满减", folded):
            return "stock"  # "还有货吗 我寻思整两袋": whether it can be bought, whatever the count
        counts = [c for _, c in self._quantities(folded, guess, named)]
        if (counts and (max(counts) >= 2 or len(counts) >= 2)) or TOTAL.search(folded):
            return "compute"
        if "haggle" in flags:
            return "haggle"
        shop_level = self._shop_level(folded, guess, named)
        if INVENTED_PROMO.search(folded):
            return "shop_sale" if shop_level else "promotion_claim"
        if shop_level and INTENT_PATTERNS[0][1].search(folded):
            return "shop_sale"
        if claimed_price(self.catalog, folded, guess) is not None:
            return "price_claim"
        if PAST.search(folded) and MONEY_CLAIM.search(folded) and guess.skus:
            return "price"  # "昨天不是29.9吗" when 29.9 is today's price: the price, said plainly
        if re.search(r"涨价|涨了|涨到|降价|降了|贵了|便宜了", folded) and not any(
                n.startswith("policy:") and p.search(folded) for n, p in INTENT_PATTERNS):
            return "price"  # "怎么涨到399了": today's price, said plainly
        plain = next((name for name, pattern in INTENT_PATTERNS if pattern.search(folded)), None)
        asked = named or guess.skus  # "顿盅多少" is 炖盅's price: its own title's homophones go too
        named_away = self.resolver.without_names(spelled_as_titles(folded, self.resolver.titles_of(asked)), asked)
        bare = re.sub(r"\d+\s*号\s*(?:链接|链)?|链接\s*\d+|小黄车", " ", named_away)  # "15号多少", "顿盅多少"
        titles = self.resolver.titles_of(asked)
        bare = "".join(" " if c in titles and "\u4e00" <= c <= "\u9fff" and c not in _MEASURE_WORDS else c
                       for c in bare)  # "猫冻干多少": 猫 of 猫零食 (but "一瓶多少片" asks a count)
        if plain is None and BARE_PRICE.search(bare):
            return "price"
        return plain

    def _shop_level(self, folded: str, guess: ProductGuess, named: list[str]) -> bool:
        """A promotion question about the shop: no product named, and the one on screen does not
        run the promotion named."""
        shown = self.catalog.product(guess.sku or "")
        return not named and guess.how in ("on_screen", "none") and not (
            shown is not None and mentioned_promotion(shown, folded) is not None)

    def _quantities(self, folded: str, guess: ProductGuess, named: list[str]) -> tuple[tuple[str, int], ...]:
        # "四件套" names the product: counts are read with the product names taken out.
        distinguished = [s for s in named if self.resolver.distinct_hits(folded, s)]
        original = folded
        folded = self.resolver.without_names(folded, tuple(dict.fromkeys((*named, *guess.skus))))
        for title in self.resolver.titles_of(tuple(dict.fromkeys((*named, *guess.skus)))).split("\n"):
            for figure in set(re.findall(r"\d+\s*[片粒包袋支条只个层]", title)):
                folded = folded.replace(figure, " ")  # "13片那个": the heater's 13 fins, not 13 heaters
        one_family = len({self.resolver.families.get(s, (s,)) for s in named}) == 1
        if guess.ambiguous and set(named) <= set(guess.skus) and one_family and len(distinguished) < 2:
            named = []  # one family named by its head noun: one product, not a basket of each variant
        found, cursor = [], 0
        for m in COUNT.finditer(folded):
            c = count_from_word(m.group(1) or m.group(3) or m.group(4))
            if c and folded[m.end():m.end() + 1] not in ("段", "码"):
                # where the count stands in the question itself, as product names are found there
                at = original.find(m.group(0).strip(), cursor)
                cursor = at + 1 if at >= 0 else cursor
                found.append((at if at >= 0 else m.start(), c))
        counts = [c for _, c in found]
        if len(set(named)) >= 2 and (TOTAL.search(folded) or counts):
            return self._counts_by_position(original, list(dict.fromkeys(named)), found, folded)
        buyable = [s for s in guess.skus if not getattr(self.catalog.product(s), "sold_out", True)]
        if guess.ambiguous and counts and len(buyable) == 1:
            return ((buyable[0], max(counts)),)  # "充电宝买两个": of a family, only one can be bought
        if guess.sku and counts:
            return ((guess.sku, max(counts)),)
        if guess.sku and TOTAL.search(folded):
            return ((guess.sku, 1),)
        return ()

    def _counts_by_position(self, text: str, skus: list[str], found: list[tuple[int, int]],
                            rest: str) -> tuple[tuple[str, int], ...]:
        """Each product's count is the one written nearest after its name ("咖啡两盒加坚果一盒");
        "各来一件" gives every product the same count; none written means one each."""
        where = sorted((self.resolver.position(text, s, tuple(skus)), s) for s in skus)
        if len(found) == 1 and re.search(r"各|都", rest):
            return tuple((s, found[0][1]) for s in skus)
        # "一个鸳鸯锅加两袋微辣底料": every count written right before a name belongs to that name.
        spans = [(m.end(), count_from_word(m.group(1) or m.group(3) or m.group(4))) for m in COUNT.finditer(text)]
        before = {sku: c for start, sku in where for end, c in spans if c and end == start}
        if before and len(before) == len([c for _, c in spans if c]):
            return tuple((s, before.get(s, 1)) for s in skus)
        counts: dict[str, int] = {}
        for i, (start, sku) in enumerate(where):
            end = where[i + 1][0] if i + 1 < len(where) else len(text) + 1
            near = [c for at, c in found if start <= at < end] or [c for at, c in found if at < start][-1:]
            counts[sku] = near[0] if near else 1
        return tuple((s, counts[s]) for s in skus)

    def _missing_variant(self, folded: str, guess: ProductGuess) -> str | None:
        """"有3段奶粉吗" where the family is 1段 and 2段: a variant written in the titles' own unit
        that none of them is; "xs码有吗" where the size chart starts at S."""
        letter = re.search(r"(?<![a-z])(xs|xxs|xxxl|4xl|5xl)\s*[码号]", folded)
        shown = self.catalog.product(guess.sku or "")
        if letter and shown is not None and guess.how in ("named", "adjective", "on_screen"):
            sizes = " ".join(f"{k} {v}" for k, v in shown.specs.items() if re.search(r"尺码|码", k)).lower()
            if re.search(r"(?<![a-z])[sml](?![a-z])", sizes) and not re.search(rf"(?<![a-z]){letter.group(1)}(?![a-z])", sizes):
                return letter.group(0)
        shade = re.search(r"#?(\d{2,3})\s*号?色", folded)  # "唇釉有03号色吗" where the shades are #01 and #05
        family = self.resolver.families.get(guess.sku or "", guess.skus) if shade and guess.how in ("named", "adjective") else ()
        numbers = {n for s in family for p in [self.catalog.product(s)] if p
                   for n in re.findall(r"#(\d+)", " ".join([p.title, *map(str, p.specs.values())]))}
        if numbers and shade.group(1) not in numbers:
            return shade.group(0)
        # "两万毫安的充电宝": a capacity in 万 as the titles write it (20000mAh)
        folded = re.sub(r"(?<![\d.])(\d+(?:\.\d+)?|[一两二三四五六七八九])\s*万\s*(?:毫安|mah)",
                        lambda m: f"{int(float(m.group(1)) * 10000) if m.group(1)[0].isdigit() else (parse_chinese_integer(m.group(1)) * 10000)}mah",
                        folded).replace("毫安", "mah")
        asked = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(段|ml|寸|mah)(?![a-z])", folded) or \
            re.search(r"有(?:没有)?\s*(\d+(?:\.\d+)?)\s*(kg|l)(?![a-z])\s*(?:的|装)", folded)  # "大米有10公斤的吗"
        skus = self.resolver.families.get(guess.sku, guess.skus) if guess.sku else guess.skus
        if not asked or not skus or guess.how not in ("named", "adjective"):
            return None
        unit = asked.group(2)
        sizes = [re.findall(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*{unit}(?![a-z])", fold_question(
            " ".join([self.catalog.product(s).title, *map(str, self.catalog.product(s).specs.values())]) if unit == "mah"
            else self.catalog.product(s).title)) for s in skus]
        if not all(sizes) or any(float(asked.group(1)) == float(v) for found in sizes for v in found):
            return None
        return asked.group(0)

    def _unknown_item(self, folded: str) -> str | None:
        """The item in "有猫粮吗", "卖不卖手机", when no product, description or category covers it."""
        names_a_product = any(self.resolver.title_word_in(folded, s) for s, _ in self.resolver.named(folded))
        for pattern in SELLS:
            m = pattern.search(folded)
            if not m:
                continue
            item = m.group("item").strip(" 的了卖吗呢啊")
            item = re.sub(r"^(?:这个|那个|什么|没有|卖|的)", "", item)
            titles_only = "卖" in m.group(0)  # "卖不卖手机": a product name, not a feature
            one_thing = titles_only and re.fullmatch(r"[\u4e00-\u9fff]", item) and item not in STOP_CHARS \
                and item not in self._written  # "你们卖貂吗" (but 鞋 of 鞋码 is the snow boots)
            if (len(item) < 2 and not one_thing) or NOT_ITEMS.search(item) or \
                    re.search(r"[还都也就又]|的$|^(?:适合|用来|能|可以)", item):
                continue
            if names_a_category(item, {p.category for p in self.catalog.products}):
                continue
            named = self.resolver.named(item)
            if named:
                # "儿童羽绒服": the shop sells 羽绒服, but none of them is for children
                if self.resolver.qualified_away(item, [s for s, _ in named]):
                    return item
                # "羽绒裤" where the shop sells 羽绒服: a kind of thing none of the named titles is
                head = item[-1]
                by_stem = [s for s, _ in self.resolver.named(item[:-1])] if len(item) >= 3 else []
                titles = self.resolver.titles_of(by_stem or [s for s, _ in named])  # 纸尿裤 is no 羽绒裤
                if head in _KIND_ENDINGS and head not in titles:
                    return item
                continue
            kind = product_kind(item)
            if kind is not None and not any(word in self.resolver.titles_text for word in kind):
                return item  # "口红有没有": no title is one, though a selling point says "口红大小"
            # "鲜花饼有没有小盒装" asks about a product the shop sells; "有没有蜂蜜 云南的那种" does not
            # (云南 only qualifies the item): a named product counts when the item comes after it.
            named_before = names_a_product and not folded.lstrip().startswith(("有没有", "有木有", "有冇")) and \
                min(self.resolver.position(folded, s) for s, _ in self.resolver.named(folded)) < m.start("item") and \
                not re.search(r"配套|搭配|同款|同系列|成套", m.group(0))  # "卫衣有配套的卫裤吗": another thing
            if named_before or self.resolver.listed(item, titles_only):
                continue  # the question names a product the shop sells: the item is a piece of it
            return item
        return None
