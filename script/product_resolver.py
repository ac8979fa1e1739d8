"""Which product a viewer means: by cart link number, SKU, title words, variant tokens (三段, SPF50,
L码), pinyin for typos and homophones (冲电宝, 放晒, 体恤), pinyin initials (fs, yrf), what the
product is for (its selling points, scenes, FAQ; e5 when an embedder is given), and context (the
viewer's last product, the one on screen).

Variants of one family (奶粉 1段/2段/3段) are never guessed between: when the question does not
say which and the context does not either, the guess lists them all as ambiguous. Pure: no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


from .catalog import Catalog, Product
from .facts import CATEGORY_WORDS
from .retrieval import PASSAGE_PREFIX, QUERY_PREFIX, Embedder, FactIndex, LazyVectors
from .textmatch import STOP_CHARS, normalize
from .variant_adjectives import chosen_by_adjective
from .product_words import (LINK, PRODUCT_WORDS, head_noun, naming_words_only, cjk_runs,
                            describing_bigrams,
                            distinct_title_words, families_of,
                            bigrams_with_sound, common_words, without_everyday_words, fold_question, slip_for, small_number, sound, sound_grams, spelled_as_titles, title_initials, title_pinyin,
                            title_words)


# Nouns that stand for a category's products ("衣服"); not 吃的/穿的, which describe a question.
_PETS = (("狗|犬", r"狗|犬|金毛|柯基|泰迪|哈士奇|拉布拉多|比熊|柴犬|博美|汪|边牧|萨摩"), ("猫|喵", r"猫|喵|布偶|英短|美短|橘猫|主子"))
# Viewers' words for the qualifier a variant's title uses ("宝宝的救生衣" is the 儿童 one).
_QUALIFIER_WORDS = {"儿童": ("宝宝", "孩子", "小孩", "小朋友", "娃", "宝贝"), "成人": ("大人", "成年"),
                    "男款": ("男生", "男士", "男的"), "女款": ("女生", "女士", "女的"), "宠物": ("狗", "猫", "宠物")}
_CATEGORY_NOUNS = {"apparel": ("衣服", "服装"), "beauty": ("护肤品", "化妆品"), "electronics": ("数码产品", "电子产品"),
                   "baby": ("母婴用品", "婴儿用品"), "health_food": ("保健品",), "home": ("家居用品", "日用品")}


@dataclass(frozen=True)
class ProductGuess:
    skus: tuple[str, ...]  # the product(s) meant; several when variants stay ambiguous
    how: str  # link | named | homophone | initials | description | previous | on_screen | none
    ambiguous: bool = False  # several variants and nothing says which

    @property
    def sku(self) -> str | None:
        return self.skus[0] if len(self.skus) == 1 else None



class ProductResolver:
    def __init__(self, catalog: Catalog, index: FactIndex, embedder: Embedder | None = None) -> None:
        self.catalog = catalog
        self.index = index
        self._embedder = embedder
        products = catalog.products
        self._titles = {p.sku: fold_question(p.title) for p in products}
        self._sounds = {p.sku: sound_grams(self._titles[p.sku]) for p in products}
        self._initials = {p.sku: title_initials(self._titles[p.sku]) for p in products}
        self._pinyin_words = {p.sku: title_pinyin(self._titles[p.sku]) for p in products}
        self.titles_text = "\n".join(self._titles.values())  # one search, not one per title
        common_words()  # read now: on the first question it would stall the frame being rendered
        self.families = families_of(products)
        self._heads = {sku: head_noun(self._titles[sku]) for sku in self.families}  # 陈皮 names both 陈皮
        self._distinct = distinct_title_words(self._titles, self.families, frozenset(self.index.fact_phrases))
        self._profiles = {p.sku: fold_question(" ".join([p.title, *p.selling_points, *p.scenes,
                                                        *CATEGORY_WORDS.get(p.category, ()),
                                                        *(f"{k}{v}" for k, v in p.specs.items()),
                                                        *(f.q for f in p.faq)])) for p in products}
        self._listings = {p.sku: fold_question(" ".join([p.title, *p.selling_points, *p.scenes,
                                                         *(f"{k}{v}" for k, v in p.specs.items())])) for p in products}
        self._profile_skus = list(self._profiles)
        self._profile_vectors = LazyVectors(embedder, [PASSAGE_PREFIX + self._profiles[s] for s in self._profile_skus]
                                            if embedder else [], "product listings")

    # ---- building ---------------------------------------------------------------------------
    # ---- resolving --------------------------------------------------------------------------
    def by_link(self, text: str) -> Product | None:
        match = LINK.search(normalize(text))
        if not match:
            return None
        value = small_number(next(g for g in match.groups() if g))
        return self.catalog.product_at_link(value) if value else None

    def _in_catalog_words(self, folded: str) -> str:
        """A viewer's product word replaced by the one this catalog's titles use (洗面奶 -> 洁面乳)."""
        for words in PRODUCT_WORDS:
            used = next((w for w in words if w in self.titles_text), None)
            if used is None:
                continue
            for word in words:
                if word == used or len(word) < 2 or word in self.titles_text:
                    continue  # 短袖 is a title word of its own in a shop selling 短袖 and 长袖
                if word in folded and used not in folded:
                    folded = folded.replace(word, used)
                    break
                sounds = [sound(c) for c in word]
                heard = [sound(c) for c in folded]
                for i in range(len(folded) - len(word) + 1):
                    span = folded[i:i + len(word)]
                    if span in self.titles_text:
                        continue  # "鱼干" is a title word here, not a slip for 鱼竿
                    if heard[i:i + len(word)] == sounds and span != used and slip_for(span, word):
                        folded = folded[:i] + used + folded[i + len(word):]
                        break
        return folded

    def _from_pinyin(self, folded: str) -> str:
        """A product word typed in pinyin ("chuifengji", "kouhong") as the title's characters."""
        for run in re.findall(r"[a-z]{5,}", folded):
            for sku, words in self._pinyin_words.items():
                if run in words:
                    folded = folded.replace(run, words[run])
                    break
        return folded

    def scores(self, text: str) -> dict[str, float]:
        """How strongly the question names each product: title words, homophones, initials."""
        folded = self._in_catalog_words(naming_words_only(self._from_pinyin(fold_question(text)), self.titles_text))
        bare = without_everyday_words(folded, self.titles_text)
        bare = re.sub(r"(?<![a-z\d.#])\d+(?:\.\d+)?(?![\d.]*\s*(?:[a-z%]|段|码|号|毫|克|斤|升|寸|片|粒|包|袋|支|件|罐|盒|瓶|层|代|档|款))",
                      " ", bare)  # "保温杯350和500": a bare figure names no product by itself
        bare = re.sub(r"(?:(?<![\d.])1|一|每|单)\s*小?(?:片|粒|包|袋|支|条|罐|瓶|块)", " ", bare)  # "L码一片多少": 片 is a unit here
        scores = {h.sku: h.score for h in self.index.rank_products(bare)}
        asked_sounds = sound_grams(folded)
        latin = set(re.findall(r"[a-z]{2,4}", folded))
        for sku, sounds in self._sounds.items():
            title = self._titles[sku]
            # A title bigram heard in the question but written with other characters: a homophone.
            heard = [g for g in sounds & asked_sounds if not self._written_in_catalog(folded, g)]
            extra = 0.0
            for gram in heard:
                chars = bigrams_with_sound(title, gram)
                if chars and not any(c in folded for c in chars) and \
                        any(slip_for(typed, chars[0]) for typed in bigrams_with_sound(folded, gram)):
                    extra += 1.5
            if latin & self._initials[sku]:
                extra += 2.0
            if extra:
                scores[sku] = scores.get(sku, 0.0) + extra
            if self._heads.get(sku, "-")[-2:] in bare:  # however common the head noun is in this shop
                scores[sku] = max(scores.get(sku, 0.0), self.index.settings.min_product_score)
        return scores

    def _written_in_catalog(self, folded: str, sounds: tuple[str, str]) -> bool:
        """The question writes this sound pair with characters the catalog itself uses (绒量 of
        含绒量): then it is that word, not a slip for a title word (容量)."""
        return any(word in p for word in bigrams_with_sound(folded, sounds) for p in self._profiles.values())

    def named(self, text: str) -> list[tuple[str, float]]:
        """Products the question names, best first. A variant named by its own words (大容量, 3段)
        stands for its family; a family named only by its head noun keeps every member."""
        threshold = self.index.settings.min_product_score
        folded = self._in_catalog_words(naming_words_only(self._from_pinyin(fold_question(text)), self.titles_text))
        scores = self.scores(text)
        named_by_own_words = set()
        for sku in self._distinct:
            hits = self.distinct_hits(folded, sku)
            if hits:
                named_by_own_words.add(sku)
            if hits and self.families.get(sku):
                scores[sku] = max(scores.get(sku, 0.0), threshold) + len(hits)
        ranked = sorted(((s, v) for s, v in scores.items() if v >= threshold), key=lambda sv: -sv[1])
        chosen = {s for s, _ in ranked}
        for family in {self.families.get(s, ()) for s in chosen}:
            picked = {m for m in family if m in chosen and m in named_by_own_words}
            if picked:
                chosen -= set(family) - picked
        ranked = [(s, v) for s, v in ranked if s in chosen]
        link = self.by_link(text)
        if link is not None:
            ranked = [(link.sku, 99.0)] + [(s, v) for s, v in ranked if s != link.sku]
        return ranked

    def resolve(self, text: str, previous: str | None = None, on_screen: str | None = None,
                pointing: bool = False) -> ProductGuess:
        """`pointing`: the question points back ("它", "刚才那个"), so the viewer's last product
        comes before a description."""
        ranked = self.named(text)
        if ranked:
            top = ranked[0][1]
            best = [s for s, v in ranked if v >= top - 1e-6]
            if ranked[0][1] == 99.0:
                return ProductGuess((ranked[0][0],), "link")
            if len(best) > 1 and not any(self.families.get(s) for s in best):
                fits = {s: self._fit(text, s) for s in best}
                top = max(fits.values())
                if top > 0 and list(fits.values()).count(top) == 1:  # "烧水那个壶": the kettle, not the teapot
                    best = [s for s in best if fits[s] == top]
            if len(best) == 1:
                sku = best[0]
                siblings = self.families.get(sku, ())
                if siblings and not self._distinguished(text, sku, siblings):
                    return self._among(siblings, previous, on_screen, "named", text)
                return ProductGuess((sku,), "named")
            return self._among(tuple(best), previous, on_screen, "named", text)
        if pointing and previous and self.catalog.product(previous) is not None:
            return ProductGuess((previous,), "previous")
        pets = self.by_pet(text)
        if pets:
            return self._among(pets, previous, on_screen, "named", text) if len(pets) > 1 else ProductGuess(pets, "named")
        category = self.by_category(text)
        if category:
            return self._among(category, previous, on_screen, "named", text) if len(category) > 1 else \
                ProductGuess(category, "named")
        described = self.described(text)
        context = previous or on_screen
        if described is not None and (context is None or self._fit(text, described) > self._fit(text, context)):
            return ProductGuess((described,), "description")
        # The viewer's own last question (remembered for a minute) says more than the card on screen.
        for sku, how in ((previous, "previous"), (on_screen, "on_screen")):
            if sku and self.catalog.product(sku) is not None:
                chosen = self.by_adjective(text, self.families[sku]) if sku in self.families else None
                return ProductGuess((chosen,), "adjective") if chosen else ProductGuess((sku,), how)  # "那小的呢"
        return ProductGuess((), "none")

    def separately_named(self, text: str) -> list[str]:
        """Products each named by words of their own ("电饭煲加水壶"): the best, then the best of the rest."""
        found: list[str] = []
        rest = text
        for _ in range(4):
            if found and not re.search(r"[a-z0-9]", fold_question(rest)) and self.fits(found[0], rest):
                break  # "狗粮蛋白含量多少": 蛋白 is the dog food's 粗蛋白, not the protein powder
            taken = {m for f in found for m in self.families.get(f, ())}
            ranked = [(s, v) for s, v in self.named(rest) if s not in found and
                      (s not in taken or self.distinct_hits(fold_question(rest), s)) and
                      (not found or self.title_word_in(rest, s) or self.distinct_hits(fold_question(rest), s))]
            if not ranked:
                break
            top = ranked[0][1]
            tied = [s for s, v in ranked if v >= top - 1e-6]
            folded_rest = fold_question(rest)
            whole_families = {self.families[s] for s in tied if s in self.families and not self.distinct_hits(folded_rest, s)}
            listed = set(tied)  # a family named only by its head noun: every member, none chosen
            tied += [m for m, _ in ranked if m not in listed and any(m in f for f in whole_families)]
            found += tied
            rest = self.without_names(rest, tied)
        return found + self._named_inside(text, found) if found else found

    def _named_inside(self, text: str, found: list[str]) -> list[str]:
        """The one product whose 3-character title word no found product has ("骑行服跟手套")."""
        folded = fold_question(text)
        runs = {run[i:i + 3] for run in cjk_runs(folded) for i in range(len(run) - 2)}
        runs = {r for r in runs if not any(r in self._titles[f] for f in found)}
        extra = [s for s, title in self._titles.items() if s not in found and any(r in title for r in runs)]
        return extra if len(extra) == 1 else []

    def title_word_in(self, text: str, sku: str) -> bool:
        """A word of two or more characters of the product's title is in the text (one shared
        character such as 包 of 24包 does not name a second product)."""
        folded = self._in_catalog_words(fold_question(text))
        return any(len(w) >= 2 and w in folded for w in title_words(self._titles[sku]))

    def _distinguished(self, text: str, sku: str, siblings: tuple[str, ...]) -> bool:
        """The question uses a word of this variant's title that its siblings' titles lack."""
        return bool(self.distinct_hits(fold_question(text), sku))

    def distinct_hits(self, folded: str, sku: str) -> list[str]:
        """The variant's own words in the question; "20000的" names 20000mAh by its number alone."""
        hits = []
        for word in self._distinct.get(sku, ()):
            number = re.match(r"[a-z]*(\d+\.\d+|\d{2,}(?:\.\d+)?)", word)
            letters = re.fullmatch(r"([a-z]{1,3})[码号]", word)  # "s码" named as "S" beside another size
            if word in folded or any(w in folded for w in _QUALIFIER_WORDS.get(word, ())) or (number and re.search(rf"(?<![\d.]){re.escape(number.group(1))}(?![\d.])", folded)) or (
                    letters and re.search(rf"(?<![a-z\d.]){letters.group(1)}(?![a-z])\s*(?:码|号|和|跟|与|还是|的|呢|[?？]|$)|"
                                          rf"(?:和|跟|与|还是)\s*{letters.group(1)}(?![a-z])", folded)):
                hits.append(word)
        return hits

    def without_names(self, text: str, skus: tuple[str, ...] | list[str]) -> str:
        """The question without the words that name these products (so 大容量 does not ask for 容量)."""
        folded = self._in_catalog_words(self._from_pinyin(fold_question(text)))
        for sku in skus:
            title = self._titles[sku]
            for initials in self._initials.get(sku, ()):
                folded = re.sub(rf"(?<![a-z]){initials}(?![a-z])", " ", folded)  # "pe 357的多少"
            spans = {run[i:j] for run in cjk_runs(title) for i in range(len(run)) for j in range(i + 2, len(run) + 1)}
            for word in sorted(self._distinct.get(sku, ()) | title_words(title) | spans, key=len, reverse=True):
                if len(word) >= 2:
                    folded = folded.replace(word, " ")  # longest first: 挂耳咖啡 goes whole, not 耳咖 alone
            for number in {m for w in self._distinct.get(sku, ()) for m in re.findall(r"\d+\.\d+|\d{2,}", w)}:
                folded = re.sub(rf"(?<![\d.]){number}(?![\d.])", " ", folded)  # "357的" named 357g
        return folded

    def titles_of(self, skus) -> str:
        return "\n".join(self._titles[s] for s in skus if s in self._titles)

    def by_adjective(self, text: str, candidates: tuple[str, ...]) -> str | None:
        """"大的", "小的那个": see variant_adjectives.chosen_by_adjective."""
        return chosen_by_adjective(fold_question(text), {s: self._distinct.get(s, ()) for s in candidates})

    def _among(self, candidates: tuple[str, ...], previous: str | None, on_screen: str | None,
               how: str, text: str = "") -> ProductGuess:
        chosen = self.by_adjective(text, candidates) if text else None
        if chosen is not None:
            return ProductGuess((chosen,), "adjective")
        # A family named by its head noun ("小鱼干有啥活动") is every variant, unless the question points
        # at one ("这个奶粉", "它") or leans on the viewer's last question.
        leaning = not text or re.search(r"这个|这款|那个|那款|它|刚才|刚刚|呢[?？]*$", fold_question(text))
        for sku, why in ((previous, "previous"), (on_screen, "on_screen")):
            if sku in candidates and leaning:
                return ProductGuess((sku,), why)
        return ProductGuess(candidates, how, ambiguous=True)

    def listed(self, item: str, titles_only: bool = False) -> bool:
        """The item is in the shop's listings (a title, or with `titles_only` False also a selling
        point, scene or spec), not only in an FAQ that mentions it ("手机" in "安卓手机能用吗")."""
        folded = self._in_catalog_words(fold_question(item))
        grams = {run[i:i + 2] for run in cjk_runs(folded) for i in range(len(run) - 1)}
        grams |= set(re.findall(r"[a-z0-9]{2,}", folded))
        listings = self._titles if titles_only else self._listings
        return bool(grams) and any(all(g in listing for g in grams) for listing in listings.values())

    def position(self, text: str, sku: str, others: tuple[str, ...] = ()) -> int:
        """Where the product is first named, by words `others` lack (骑行服 also has 骑行); else the end."""
        words = title_words(self._titles[sku]) | set(self._distinct.get(sku, ()))
        own = {w for w in words if not any(w in self._titles[o] for o in others if o != sku)} or words
        spots = [text.find(w) for w in own if w in text]
        return min(spots) if spots else len(text)

    def by_pet(self, text: str) -> tuple[str, ...]:
        """"我家金毛", "柯基", "喵主子": the products for that animal (a title word 狗/犬/猫)."""
        folded = fold_question(text)
        for species, words in _PETS:
            if re.search(words, folded):
                return tuple(p.sku for p in self.catalog.products if re.search(species, p.title))
        return ()

    def by_category(self, text: str) -> tuple[str, ...]:
        """The products of a category the question names by its everyday word ("衣服不合适能换吗")."""
        folded = fold_question(text)
        for category, words in _CATEGORY_NOUNS.items():
            if any(w in folded for w in words):
                found = tuple(p.sku for p in self.catalog.products if p.category == category)
                if found:
                    return found
        return ()

    def qualified_away(self, item: str, skus: list[str]) -> bool:
        """The item names these products plus a qualifier none of their listings has ("儿童" of
        儿童羽绒服 when the jackets are adult ones)."""
        rest = self.without_names(spelled_as_titles(item, self.titles_text), skus)
        grams = {run[i:i + 2] for run in cjk_runs(rest) for i in range(len(run) - 1)}
        grams = {g for g in grams if not all(c in STOP_CHARS for c in g) and "的" not in g}  # 男款 qualifies; 这款 does not
        return bool(grams) and not any(g in self._listings[s] for s in skus for g in grams)

    def fits(self, sku: str, text: str) -> bool:
        """Every title word by which the question names some product also describes `sku` ("充电"
        of 充电露营灯 in "那带充电仓呢" is also in the earbuds' 充电仓 spec)."""
        folded = fold_question(text)
        grams = {run[i:i + 2] for run in cjk_runs(folded) for i in range(len(run) - 1)}
        naming = {g for g in grams if g in self.titles_text}
        # A model word ("SPF30", "pro") some title carries must be the previous product's own too.
        models = {w for w in re.findall(r"[a-z][a-z\d+]*\d[a-z\d+]*|[a-z]{2,}", folded)
                  if w in self.titles_text}
        profile = self._profiles.get(sku, "")
        return bool(naming) and all(g in profile for g in naming) and all(w in profile for w in models)

    def described(self, text: str) -> str | None:
        """The product a description fits ("不用油炸鸡翅的锅"): its selling points, scenes, specs and
        FAQ share words with the question, and e5 (when loaded) agrees by a clear margin."""
        asked = {g for g in describing_bigrams(text) if not all(c in STOP_CHARS for c in g)}
        # Words most products share (保质期, 发货) ask for a fact; they describe no product.
        common = max(1, len(self._profiles) // 4)
        asked = {g for g in asked if sum(1 for p in self._profiles.values() if g in p) <= common}
        if not asked:
            return None
        overlap = {sku: sum(1 for g in asked if g in profile) for sku, profile in self._profiles.items()}
        lexical_best = max(overlap.values(), default=0)
        if lexical_best == 0:
            return None
        leaders = [s for s, v in overlap.items() if v == lexical_best]
        similarity = self.similarities(text)
        if similarity is None:
            return leaders[0] if len(leaders) == 1 and lexical_best >= 2 else None
        order = sorted(similarity, key=lambda s: -similarity[s])
        first, second = order[0], order[1] if len(order) > 1 else None
        margin = similarity[first] - (similarity[second] if second else 0.0)
        if overlap[first] > 0 and (margin >= 0.015 or first in leaders):
            return first
        return leaders[0] if len(leaders) == 1 and lexical_best >= 2 else None

    def closest(self, text: str, count: int) -> list[Product]:
        """The products whose listing e5 finds closest to the question (none without an embedder)."""
        similarity = self.similarities(text)
        if similarity is None:
            return []
        return [self.catalog.product(s) for s in sorted(similarity, key=lambda s: -similarity[s])[:count]]

    def _fit(self, text: str, sku: str) -> int:
        return sum(1 for g in describing_bigrams(text, digits=True) if g in self._profiles.get(sku, ""))

    def similarities(self, text: str) -> dict[str, float] | None:
        """e5 similarity of the question to each product's listing; None without an embedder or
        while a large catalog's listings are still being embedded."""
        vectors = self._profile_vectors.ready()
        if vectors is None or self._embedder is None:
            return None
        query = self._embedder.embed([QUERY_PREFIX + text])[0]
        return dict(zip(self._profile_skus, (vectors @ query).tolist()))
