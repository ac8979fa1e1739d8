"""One product's facts as answer sentences: price, promotions, stock, policies, specs, FAQ.

Every sentence carries the catalog sources it states and the numbers it computed; nothing here
decides which product or what is asked (that is `understanding`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .catalog import Catalog, Product
from .facts import POLICY_SYNONYMS, Fact
from .derivation import derivation
from .lines import format_amount, format_price
from .product_words import cjk_runs, fold_question
from .promotions import ended_rules, quote, rule_source, rules_for
from .spec_reading import choose_specs
from .text_variants import syllable
from .variant_prices import named_variant, variant_prices


@dataclass(frozen=True)
class Answer:
    sentences: tuple[str, ...]
    sku: str | None
    sources: tuple[str, ...]  # empty: no catalog fact answers it, and nothing was invented
    derived: tuple[str, ...] = ()  # numbers computed from the facts (promotion arithmetic, totals)
    not_sold: bool = False  # the question is about something the shop does not sell
    about: tuple[str, ...] = ()  # every product the answer speaks of (the viewer's context next time)

    @property
    def cited(self) -> tuple[str, ...]:
        """The sources, and the title of each product spoken of whose facts are not cited (a sold-out
        sibling named beside a shop-wide promotion): what the guard may trace the line's numbers to."""
        cited = {source.split(".", 1)[0] for source in self.sources}
        extra = tuple(f"{sku}.title" for sku in self.about if sku not in cited)
        return self.sources + extra if self.sources else ()

    def spoken(self, prefix: str) -> tuple[str, ...]:
        """The sentences as the host says them: the persona's prefix ("这位家人，") goes before an
        answer that states catalog facts; persona templates speak for themselves."""
        if not self.sources or not self.sentences:
            return self.sentences
        return (prefix + self.sentences[0], *self.sentences[1:])


def speakable(text: str) -> str:
    """Catalog text as the host may say it: a spec's technical 最大/最高 ("最大20W") would read as a
    banned absolute claim, so it becomes 可达 / 低至 / 峰值 (the number stays the catalog's)."""
    text = re.sub(r"最[大高长多]\s*(?=[0-9])", "可达", text)
    text = re.sub(r"最[低小少短]\s*(?=[0-9])", "低至", text)
    text = re.sub(r"最[长久](?=[\u4e00-\u9fff])", "", text)  # "最长保温时间" -> "保温时间"
    return re.sub(r"最[大高多]", "峰值", text)


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "!", "?")) else f"{text}。"


ASKS_UNTIL = re.compile(r"到什么时候|到啥时候|啥时候(?:结束|截止|完|停)|哪天结束|到几号|什么时候结束|截止|到哪天|还有几天|什么时候截")


class FactSentences:
    """Sentences about one product of one catalog, naming products as `name_of` says."""

    def __init__(self, catalog: Catalog, name_of) -> None:
        self.catalog = catalog
        self.name_of = name_of

    def running(self, product: Product, now: datetime | None):
        """The promotions the product's basket gets now: its own and the shop-wide ones."""
        return rules_for(product, self.catalog.products, now)

    def price(self, product: Product, now: datetime | None, prefix: str = "", alone: bool = False) -> Answer:
        """`alone`: this product was asked about by itself, so a sold-out one still gets its price (beside
        its siblings it is not offered at one)."""
        name, sku = self.name_of(product), product.sku
        if product.sold_out and alone:
            return Answer((f"{prefix}{name}已经售罄了，标价{format_price(product.price)}。",), sku,
                          (f"{sku}.stock", f"{sku}.price"), about=(sku,))
        if product.sold_out:
            return Answer((f"{prefix}{name}已经售罄了。",), sku, (f"{sku}.stock",), about=(sku,))
        # One short sentence: answers to several viewers must not queue behind long ones.
        own = [r for r in self.running(product, now) if not r.owner]
        promo = f"，还有{own[0].text}" if own else ""
        sources = [f"{sku}.price"] + ([rule_source(product, own[0])] if own else [])
        return Answer((f"{prefix}{name}到手价{format_price(product.price)}{promo}。",), sku, tuple(sources), about=(sku,))

    def promotion(self, product: Product, now: datetime | None, text: str) -> Answer:
        sku, name = product.sku, self.name_of(product)
        running = self.running(product, now)
        asked = mentioned_promotion(product, text)
        if asked is not None and asked in {r.index for r in ended_rules(product, now)}:
            sentences = ["这个活动已经结束了。"]
            sources = [f"{sku}.promotions[{asked}]"]
            if running:
                sentences.append(f"现在{name}有{running[0].text}的活动。")
                sources.append(rule_source(product, running[0]))
            else:
                sentences.append(f"现在{name}到手价{format_price(product.price)}。")
                sources.append(f"{sku}.price")
            return Answer(tuple(sentences), sku, tuple(sources), about=(sku,))
        if not running:
            return Answer((f"{name}现在没有进行中的活动，到手价{format_price(product.price)}。",),
                          sku, (f"{sku}.price",), about=(sku,))
        chosen = [r for r in running if r.index == asked and not r.owner] or running
        sentences = [f"现在{name}有{'、'.join(r.text for r in chosen[:3])}的活动。"]
        sources = [rule_source(product, r) for r in chosen[:3]]
        derived: list[str] = []
        ends = next((r for r in chosen if not r.owner and product.promotions[r.index].ends_at), None)
        if ends is not None and now is not None and ASKS_UNTIL.search(text):
            local = product.promotions[ends.index].ends_at
            if (local.hour, local.minute) in ((23, 59), (0, 0)):  # the end of a day is said as the day
                sentences.append(f"活动到{local.month}月{local.day}日结束。")
            elif local.minute:
                sentences.append(f"活动到{local.month}月{local.day}日{local.hour}点{local.minute:02d}分结束。")
            else:
                sentences.append(f"活动到{local.month}月{local.day}日{local.hour}点结束。")
            derived += [str(local.month), str(local.day), str(local.hour), f"{local.minute:02d}"]
        worked = self.example_basket(product, now, chosen[0])
        if worked is not None and re.search(r"第二件|多少钱|怎么算|算下来|几件|两件|一共|到手|拿下|能拿", text):
            sentences.append(worked.sentence)
            sources += list(worked.sources)
            derived += list(worked.derived)
        return Answer(tuple(sentences), sku, tuple(dict.fromkeys(sources)), tuple(derived), about=(sku,))

    def example_basket(self, product: Product, now: datetime | None, rule) -> object | None:
        """The smallest basket that uses the promotion, priced (第二件半价: two; 满199减30: enough to reach 199)."""
        if rule.kind == "nth_item":
            count = rule.nth
        elif rule.kind in ("n_pieces_rate", "n_pieces_off"):
            count = int(rule.threshold)
        elif rule.kind == "buy_get":
            count = rule.nth + rule.free
        elif rule.kind == "threshold" and product.price > 0:
            count = max(1, -int(-rule.threshold // product.price))
            if count > 5:
                return None
        else:
            return None
        return quote([(product, count)], {product.sku: self.running(product, now)}, self.name_of)

    def list_price(self, product: Product) -> Answer:
        sku = product.sku
        if product.list_price is None:
            return Answer((f"{self.name_of(product)}现在直播间到手价{format_price(product.price)}。",), sku,
                          (f"{sku}.price",), about=(sku,))
        saved = product.list_price - product.price
        return Answer((f"{self.name_of(product)}日常价{format_price(product.list_price)}，今天直播间"
                       f"{format_price(product.price)}，便宜{format_price(saved)}。",), sku, (f"{sku}.list_price", f"{sku}.price"),
                      (derivation(saved, f"{format_amount(product.list_price)}-{format_amount(product.price)}"),), about=(sku,))

    def stock(self, product: Product) -> Answer:
        sku, name = product.sku, self.name_of(product)
        if product.stock is None:
            return Answer((f"{name}现在可以正常下单，能不能拍以小黄车显示为准。",), sku, (f"{sku}.price",), about=(sku,))
        if product.sold_out:
            return Answer((f"{name}已经售罄了。",), sku, (f"{sku}.stock",), about=(sku,))
        return Answer((f"{name}现在还有货，库存{product.stock}件。",), sku, (f"{sku}.stock",), about=(sku,))

    def spec(self, product: Product, key: str) -> Answer:
        """One spec said whole: "<name>的<key>是<value>。", cited as the product's spec."""
        return Answer((speakable(f"{self.name_of(product)}的{key}是{product.specs[key]}。"),), product.sku,
                      (f"{product.sku}.specs.{key}",), about=(product.sku,))

    def variant_price(self, product: Product, text: str) -> Answer | None:
        """A product priced per variant in a spec: the named variant's price, else every one (its
        base price is only the cheapest variant's)."""
        variants = variant_prices(product)
        if not variants:
            return None
        sku, name = product.sku, self.name_of(product)
        source = (f"{sku}.specs.{variants[0].spec}",)
        chosen = named_variant(product, text)
        if chosen is not None:
            return Answer((f"{name}{chosen.label}：{chosen.detail}。",), sku, source, about=(sku,))
        listed = "；".join(f"{v.label} {format_price(v.price)}" for v in variants)
        return Answer((f"{name}按规格价格不同，{listed}。",), sku, source, about=(sku,))

    def variant_sold_out(self, product: Product, text: str) -> Answer | None:
        """"特辣的还有吗" when a spec says 特辣已售罄: that spec, which says so."""
        folded = fold_question(text)
        asked_sizes = set(re.findall(r"[a-z0-9]+", folded))
        for key, value in product.specs.items():
            for part in re.split(r"[；;，,。（）()]", str(value)):
                gone = re.search(r"([\w\u4e00-\u9fff]+?)(?:已|暂时|暂)?(?:售罄|缺货|断货|无货|卖完|卖光)", part)
                word = fold_question(gone.group(1)) if gone else ""
                sizes = re.findall(r"[a-z0-9]+", word)  # "XXL荧光黄" is not the L码 one
                if len(word) < 2 or (sizes and not set(sizes) & asked_sizes):
                    continue
                grams = {word[i:i + 2] for i in range(len(word) - 1)} | {word[-1] + "色"}
                if any(g in folded for g in grams) or re.sub(r"[\u4e00-\u9fff]", "", word) in folded.split():
                    return self.spec(product, key)
        return None

    def policy(self, product: Product, key: str) -> Answer:
        sku = product.sku
        if key not in product.policies:
            return Answer((), sku, (), about=(sku,))
        return Answer((f"{self.name_of(product)}：{sentence(product.policies[key])}",), sku,
                      (f"{sku}.policies.{key}",), about=(sku,))

    def faq_asked(self, product: Product, text: str) -> Answer | None:
        """The FAQ entry the question all but repeats ("一天吃几片" for the FAQ 一天吃几片): its
        merchant-written answer beats any spec the wording also touches."""
        asked = _bigrams(text)
        heard = {_heard(g) for g in asked}
        for i, entry in enumerate(product.faq):
            written = {g for g in _bigrams(entry.q) if not any(c in "吗呢吧啊么能可以会用是的了不" for c in g)} or _bigrams(entry.q)
            if written and sum(1 for g in written if g in asked or _heard(g) in heard) / len(written) >= 0.75:
                return Answer((speakable(sentence(entry.a)),), product.sku, (f"{product.sku}.faq[{i}]",),
                              about=(product.sku,))
        return None

    def touched(self, product: Product, text: str) -> Answer | None:
        """The spec a few words clearly point at ("装冰" -> 保冷), or None."""
        keys = _touched_specs(product, text)[:1]
        if not keys:
            return None
        return self.spec(product, keys[0])

    def title_feature(self, product: Product, text: str) -> Answer | None:
        """The spec that states a feature the title also names ("手套能触屏不": 触屏 is in the
        title, and 功能 says 可触屏), or None."""
        folded = fold_question(text)
        grams = {run[i:i + 2] for run in cjk_runs(folded) for i in range(len(run) - 1)}
        title = fold_question(product.title)
        grams = {g for g in grams if g in title}
        for key, value in product.specs.items():
            said = fold_question(str(value))
            if any(g in said for g in grams):
                return self.spec(product, key)
        return None

    def colours(self, product: Product, text: str) -> Answer | None:
        """"白色有吗" of a product whose colours are 曜石黑/云白: its colour spec."""
        key = next((k for k in product.specs if "色" in k), None)
        if key is None or not re.search(r"[\u4e00-\u9fff]色|颜色", text):
            return None
        return self.spec(product, key)

    def same_fact(self, product: Product, cited: tuple[str, ...]) -> Answer | None:
        """The fact another product's answer cited, of this product ("H352.specs.加热" -> its 加热)."""
        for source in cited:
            _, _, field = source.partition(".")
            if field.startswith("specs.") and field[6:] in product.specs:
                key = field[6:]
                return self.spec(product, key)
            if field.startswith("policies.") and field[9:] in product.policies:
                return self.policy(product, field[9:])
        return None

    def policy_in_specs(self, product: Product, key: str) -> Answer | None:
        """A policy the merchant wrote as a spec (质保: 1年换新)."""
        words = (key, *POLICY_SYNONYMS.get(key, ()))
        spec = next((k for k in product.specs if any(w in k for w in words if len(w) >= 2)), None)
        if spec is None:
            return None
        return self.spec(product, spec)

    def specs(self, product: Product, text: str, most: int = 4) -> Answer | None:
        """The spec(s) a question asks for by kind (功率, 直径, 续航), or None when it asks no kind
        or the product has none of it."""
        choice = choose_specs(product, text)
        if choice is None or not choice.keys:
            return None
        sku, name = product.sku, self.name_of(product)
        parts = [speakable(f"{key}是{product.specs[key]}") for key in choice.keys[:most]]
        return Answer((f"{name}的{'，'.join(parts)}。",), sku, tuple(f"{sku}.specs.{k}" for k in choice.keys[:most]),
                      about=(sku,))

    def from_fact(self, fact: Fact, product: Product, now: datetime | None, text: str) -> Answer:
        sku, name = product.sku, self.name_of(product)
        if fact.kind == "price":
            return self.price(product, now)
        if fact.kind == "promotion":
            return self.promotion(product, now, text)
        if fact.kind == "list_price":
            return self.list_price(product)
        if fact.kind == "stock":
            return self.stock(product)
        if fact.kind == "spec":
            return Answer((speakable(f"{name}的{fact.key}是{fact.value}。"),), sku, (fact.source,), about=(sku,))
        if fact.kind == "selling_points":
            return Answer((f"{name}的特点是{fact.value}。",), sku, (fact.source,), about=(sku,))
        if fact.kind == "policy":
            return Answer((f"{name}：{sentence(fact.value)}",), sku, (fact.source,), about=(sku,))
        return Answer((speakable(sentence(fact.value)),), sku, (fact.source,), about=(sku,))  # FAQ answers

    def highlights(self, product: Product, limit: int = 2, text: str = "", points: bool = True
                   ) -> tuple[str, tuple[str, ...]]:
        """A product's concrete facts for a line that must not make a claim: the specs the question
        touches (防水 -> 面料：防泼水尼龙; 暖和 -> 适用温度), else the first ones, and selling points."""
        sku = product.sku
        keys = _touched_specs(product, text)[:limit] or list(product.specs)[:limit]
        parts, sources = [], []
        for key in keys:
            value = product.specs[key]
            if len(value) <= 40:
                parts.append(speakable(f"{key}{value}"))
                sources.append(f"{sku}.specs.{key}")
        if product.selling_points and (points or not parts):
            parts.append(speakable("，".join(product.selling_points[:2])))
            sources.append(f"{sku}.selling_points")
        return "，".join(parts), tuple(sources)


# Words that say a quality a spec answers, when the spec itself is named otherwise.
_QUALITY_WORDS = (("孩子", "儿童"), ("小孩", "儿童"), ("宝宝", "儿童婴"), ("孕", "孕妇"), ("老人", "老年"),
                  ("暖和", "温度绒"), ("保暖", "温度绒厚"), ("怕冷", "温度绒"), ("防水", "水"), ("透气", "透气"),
                  ("耐用", "续航小时"), ("多久", "续航保质期小时"), ("轻不轻", "重"), ("多大", "容量尺寸"),
                  ("快不快", "功率w"), ("充得快", "功率w"), ("降噪", "降噪db"), ("冰", "冷冰"), ("凉", "冷冰"))


def _touched_specs(product: Product, text: str, minimum: int = 2) -> list[str]:
    """Spec names the question's content words (or the qualities they stand for) appear in."""
    if not text:
        return []
    wanted = {c for c in text if "\u3400" <= c <= "\u9fff"} - set("的了吗呢么吧啊是在这那个款些我你您哪都也还很能可以会有没不和与跟给要想")
    for word, implied in _QUALITY_WORDS:
        if word in text:
            wanted |= set(implied)
    title = set(product.title)  # a title character (五常 of 五常大米) says less than another word

    def score(key: str, value: str) -> int:
        return sum(1 if c in title else 2 for c in set(f"{key}{value}") if c in wanted)

    scored = [(score(k, v), k) for k, v in product.specs.items()]
    return [k for points, k in sorted(scored, key=lambda sk: -sk[0]) if points >= minimum]


_PROMO_TOKENS = tuple(re.compile(p) for p in (
    r"满\d+减\d+", r"\d+(?:\.\d)?折", r"第[二2][件袋瓶盒罐包支个份桶箱套双]\S{0,3}?(?:半价|折|元)", r"买[一二两三\d]送[一二两三\d]", r"直降\d+",
    r"立减\d+", r"[\u4e00-\u9fff]{2}\d+元?"))


def _heard(gram: str) -> tuple[str, ...]:
    return tuple(syllable(c) or c for c in gram)


def _bigrams(text: str) -> set[str]:
    folded = re.sub(r"[^\u3400-\u9fffa-z0-9]", "", text.lower())
    return {folded[i:i + 2] for i in range(len(folded) - 1)}


# Kinds of promotion a viewer names without its figures ("还有立减吗", "送围巾吗", "有满减吗").
_PROMO_KINDS = {"threshold": r"满\d+\D{0,2}减|满减", "off": r"立减", "drop": r"直降", "nth": r"第[二2][件袋瓶盒罐包支个份桶箱套双]|半价",
                "gift": r"送|赠", "rate": r"\d(?:\.\d)?折|折扣|打折", "flash": r"秒杀", "shipping": r"包邮", "addon": r"换购"}


_CN_COUNT = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5"}


def _promo_folded(text: str) -> str:
    """赠 read as 送, counts as digits and piece words dropped: 买二送一 / 买2盒送1盒 both read 买2送1."""
    text = re.sub(r"\s+", "", text).replace("赠送", "送").replace("赠", "送")
    text = re.sub(r"(?<=[买送])[一二两三四五]|[一二两三四五](?=[件个瓶盒罐包袋箱支双送折]|$)",
                  lambda m: _CN_COUNT[m.group(0)], text)
    return re.sub(r"(买\d)[件个瓶盒罐包袋箱支双]?(送\d)[件个瓶盒罐包袋箱支双]?", r"\1\2", text)


def _promotion_by_kind(promotions: list[str], compact: str) -> int | None:
    """`promotions`: the product's promotion texts, folded."""
    kinds = [k for k, pattern in _PROMO_KINDS.items() if re.search(pattern, compact)]
    if not kinds or re.search(r"赠品|送东西|送啥|送什么", compact) and len(kinds) > 1:
        kinds = kinds[:1] if kinds else []
    having = sorted({i for i, text in enumerate(promotions) for k in kinds if re.search(_PROMO_KINDS[k], text)})
    if len(having) > 1:  # "送围巾吗": the one that also names the 围巾
        asked = {compact[j:j + 2] for j in range(len(compact) - 1)}
        shared = {i: len(asked & {t[j:j + 2] for j in range(len(t) - 1)}) for i in having for t in [promotions[i]]}
        having = [i for i in having if shared[i] == max(shared.values()) and shared[i] > 0]
    return having[0] if len(having) == 1 else None


def mentioned_promotion(product: Product, text: str) -> int | None:
    """The index of the promotion the question names (买一送一, 第二件半价, 满199减30, 9折, or only its
    kind: 立减, 送), if any."""
    compact = _promo_folded(text)
    promotions = [_promo_folded(p.text) for p in product.promotions]
    tokens = [t for pattern in _PROMO_TOKENS for t in pattern.findall(compact)]
    for token in tokens:
        for i, promotion in enumerate(promotions):
            if token in promotion:
                return i
    best, best_len = None, 2
    for i, promotion in enumerate(product.promotions):
        words = re.findall(r"满\d+减\d+|第[二2]件半价|买1送1|\d件\d折|[\u4e00-\u9fff]{4,}", promotions[i])
        for word in words or [promotion.text]:
            if word in compact and len(word) > best_len:
                best, best_len = i, len(word)
    if best is not None or re.search(r"\d", "".join(tokens)):
        return best  # a promotion with figures that none has ("买一送一"): not one of a kind that exists
    return _promotion_by_kind(promotions, compact)
