"""Understanding a viewer's question before any answer is written: a typed `Query` (what is asked,
about which product or products, with which quantities, body measures, claimed figures, and what
the viewer asked before).

This is the seam where a local language model could later propose a reading; whatever proposes
it, the answer is written only from the catalog. Pure: no I/O, no clock.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from .catalog import Catalog
from .facts import KIND_SYNONYMS, POLICY_SYNONYMS
from .product_resolver import ProductGuess, ProductResolver
from .product_words import fold_question, small_number
from .answer_facts import mentioned_promotion
from .spec_reading import body_measures
from .textmatch import normalize


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


def _words(*groups: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for g in groups for w in sorted(g, key=len, reverse=True)))


_MEDICAL = re.compile(r"治|疗效|药|降血|降压|降糖|降脂|祛斑|祛痘|抗癌|防癌|消炎|感冒|高血压|糖尿病|减肥|瘦身|增高|长高|"
                      r"湿疹|失眠|便秘|过敏性|补钙长个|提高免疫|增强免疫|抵抗力|癌|[藓癣炎疹]|生病|得病|病了|发烧|咳嗽|"
                      r"(?:病|疾|痛|疼|伤|溃疡).{0,8}(?:能好|会好|好得快|有用|管用|有效)|血脂|血糖|血压")
# "最长多久", "最高多少度", "最多装多少" ask a figure; "最好的吗" is bait.
_SUPERLATIVE = re.compile(r"最(?!近|后|初|终|早|晚|多|少|迟|(?:长|高|大|低|久|快|小|短|重|轻|远)\s*(?:多|几|是多少|能))[\u4e00-\u9fff]|第一|顶级|全网最|100%|百分百|百分之百|保证|绝对|no\.?1|number\s*one|天花板")
_HAGGLE = re.compile(r"便宜点|便宜一点|少点|少一点|再便宜|能不能便宜|可以便宜|抹[个掉]?零|优惠点|(?:能不能|可不可以|可以).{0,6}(?:便宜|少)")
_INVENTED_PROMO = re.compile(r"送[\u4e00-\u9fff]{1,4}(?:吗|吧|是吧|对吧|是真的|呢)|买\S{1,4}送\S{1,3}(?:吗|吧|不|没)|第[二2]件\S{0,2}?(?:\d+元|免费|不要钱|[一二两三四五六七八九\d]折|半价)|买[一二两三1-3][件个盒瓶罐包袋支]?送[一二两三1-3]|送[一二两三1-3]件|[一二两三四五六七八九\d](?:\.\d)?折|半价|免单|送赠品|有赠品|"
                             r"满\d+减\d+|直降|立减|秒杀|下单送|买就送|不要钱|免费送|白送")
_MONEY_CLAIM = re.compile(r"(?:不是|才|只要|就|卖|是|要|说)\s*(\d+(?:\.\d+)?)\s*(?:元|块|米)?(?:吗|嘛|么|啊|呀|吧|的|呢|[?？]|$)|"
                          r"(\d+(?:\.\d+)?)\s*(?:元|块)?(?:吗|嘛|么|啊|呀|吧|呢|是吧|对吧|[?？]|$)")
_PAST = re.compile(r"昨天|上次|之前|以前|前几天|刚才不是|原来|别家|别人家|外面|超市|官网|旗舰店|说好的|不是说|记得|双十一|双11|双十二|"
                   r"双12|618|上周|上个月|去年|前天|刚才说|朋友|别人|人家|同事|闺蜜|群里|网上|淘宝|京东|拼多多|pdd|线下|"
                   r"实体店|专柜|买的是|拍的是|卖的是|之前卖|刚才还|活动价|到手才")
_COUNT = re.compile(r"(?<!第)(?:买|拍|来|要|拿|下单|入)?\s*(?<![\d.])(\d{1,2}|[一两二三四五六七八九十俩仨]{1,2})\s*"
                    r"(件(?!套)|个(?!月|小时|星期)|罐|盒|瓶|包|袋|支|条|套|双|桶|箱|份|只|台|提|组|单|副|把)|[x×*]\s*(\d{1,2})(?![\d.])|"
                    r"(?:买|拍|来|要)?(俩|仨)")
_TOTAL = re.compile(r"一起拍|一起下单|一块买|一起要|一起带|到手|实付|实际付|付多少|一共|总共|合计|总价|凑|够吗|够不够|够满|能用满减|可以用满减|各来|各买|各拿|各要|各一|还差|差多少|满减后|用满减|减完|加起来|一起买|一起多少|都买|都要|全买|到手多少|算下来|多少钱一共")
_COMPARE = re.compile(r"差在哪|差哪|区别在哪|有啥不一样|有什么不一样|(?<![还凑])差多少|差价|贵多少|便宜多少|哪个|哪款|哪一个|还是|区别|不同|对比|比较|比.{0,6}[大小多少长短高低重轻快慢贵便宜好]|更|差别|一样吗|都能|都是|都有|都可以|都防|都支持|两个都|两款都|都[能可]")
_SERVICE_HOURS = re.compile(r"客服.{0,4}(?:几点|时间|在线|上班|下班|在不在)|几点(?:上班|下班|开播|下播)|营业时间|人工客服")
_BEST_DEAL = re.compile(r"最划算|最便宜的是|哪个最便宜|降价最|降得最|便宜最多|省最多|优惠最大|折扣最大|哪个最实惠|最实惠")
_SHOP_SALE = re.compile(r"(?:有|啥|什么|哪些|那些)(?:什么|啥)?(?:活动|优惠|福利|折扣|便宜|秒杀|划算)|今天.{0,6}(?:活动|优惠|划算|便宜|福利)|"
                        r"什么最划算|哪个最划算|哪个划算|有没有活动|活动有哪些|优惠有哪些")
_RECOMMEND = re.compile(r"推荐|有啥适合|有什么适合|适合我|适合的吗|有啥可买|有什么可买|买点啥|带啥|带什么|带哪个|哪个好|买哪个好|选哪个好|要买啥|买点啥|买点什么|需要啥|需要什么|用什么好|用啥好|有啥好|送(?:给)?(?:老人|长辈|女朋友|男朋友|老婆|老公|妈妈|爸爸|爸妈|宝宝|孩子|朋友|同事|闺蜜|领导|自己)|"
                        r"买什么好|买啥好|选哪个|适合送|送礼|礼物|给.{1,4}买(?:什么|啥|哪个)")
_HOW_TO_BUY = re.compile(r"咋买|咋下单|咋拍|找不着|找不到链接|去哪买|怎么买|怎么下单|怎么拍|在哪买|哪里买|哪儿买|几号链接|哪个链接|链接在哪|链接是几|怎么抢|在哪个链接|几号链|在几号|是几号|(?<!到)几号$|"
                         r"哪里拍|在哪拍|去哪拍|哪拍|怎么付款|哪个是|是哪个链接|链接呢|上链接|求链接")
_DOSE = re.compile(r"够(?:吃|喝|用)|(?:一天|1天|每天|日均)\D{0,3}多少钱|吃一天多少|要买几[瓶盒罐袋包]|买几[瓶盒罐袋包]够|(?:吃|喝|用|冲)(?:多久|几天|多少天|几个月|多长时间)|能(?:吃|喝|用)多久|多久(?:吃|喝|用)完|(?:吃|喝|用)完|够(?:吃|喝|用)")
_UNIT_PRICE = re.compile(r"(?:一|每|单|(?<!\d)1)(?:片|粒|颗|抽|卷|支|条)(?:多少|多钱|几块|合|算)(?!\s*(?:毫克|mg|克|g|毫升|ml|个|片|粒))|合(?:多少|几块)钱?(?:一|1)(?:片|粒|颗|支)|单价")
_SIZE_WORDS = re.compile(r"规格|码|尺寸|大小|号|选哪|合适|适合|穿")
_SIZE = re.compile(r"我的码|脚长|鞋码|穿哪双|哪段|几段|什么段|哪个阶段|什么码|多大码|几码|哪个码|选码|尺码|size|穿多大|穿什么|穿哪|码数|选多大|什么号")
_SELLS = (re.compile(r"^(?:你们|这里|直播间|店里)?卖(?P<item>[^吗嘛么不没?？,，。！!]{1,10}?)(?:吗|嘛|么|不)"),
          re.compile(r"有(?:没有)?卖(?P<item>[^吗嘛么不没?？,，。！!]{1,10}?)(?:吗|的吗|嘛|么|不|没|[?？]|$)"),
          re.compile(r"有没有(?P<item>[^吗嘛么不没?？,，。！!]{2,10}?)(?:啊|呀|卖|[?？]|$)"),
          re.compile(r"(?:^|[，,。 ])有(?P<item>[^吗嘛么不没?？,，。！!]{2,8}?)(?:卖)?(?:吗|嘛|么|没|不)"),
          re.compile(r"卖不卖(?P<item>[^?？,，。！!]{1,10}?)(?:啊|呀|[?？]|$)"),
          re.compile(r"(?P<item>[\u4e00-\u9fffa-z]{2,8})有(?:卖)?(?:吗|嘛|么|没)"))
# Words after 有 that ask about a fact, not an item to buy ("有货吗", "有活动吗").
_NOT_ITEMS = re.compile(r"货|活动|优惠|福利|赠品|券|送|满减|折|减|秒杀|库存|发票|保修|质保|售后|运费|包邮|现货|折扣|链接|颜色|尺码|码|味|"
                        r"型号|款|规格|大码|小码|尺寸|防伪|保价|退|换|区别|效果|用|什么|啥|吗|呢|什么人|哪些人|问题|副作用|"
                        r"香精|酒精|添加|激素|防腐|糖|农药|甲醛|异味|味道|声音|噪音|蓝牙|^[0-9.]+\S?$|^[0-9]+(?:斤|kg|g|ml|码|号|元|块)")
_FOLLOW_UP = re.compile(r"^(?:那|那么|还有|再问|再说)?(?:它|这个|那个|这款|那款|[\w\u3400-\u9fff]{1,8})?(?:呢|嘞|咧)[?？。!！~]*$|^那|^它|它的|刚才那|刚刚那|刚说的|上一个")
_POINTING = re.compile(r"^(?:那|那么)?它|它的|它[能可是有会多]|刚才那|刚刚那|刚说|刚问|刚才说|刚才问|上一个|前面那|你说的那")
_PII = re.compile(r"(?:手机号|电话|住址|地址|微信号?|身份证|真名|名字|住哪|联系方式|qq号|家在哪|哪个小区|银行卡|订单号)"
                  r".{0,6}(?:多少|是什么|是啥|发|报|念|说|告诉|给|吗|呢|\?|？|$)|(?:报|念|说|告诉|透露|发).{0,8}(?:手机号|电话|地址|住址|身份证|微信)")
# "三段奶粉现在多少", "体恤长袖的多少": 多少 with nothing else asked is the price.
_BARE_PRICE = re.compile(r"^[\s，,]*(?:那|这|那个|这个|那款|这款|它|现在|今天|的|了|卖|要)*[\s，,]*(?:1[件个罐盒瓶包袋支套])?多少(?:钱)?"
                         r"(?:1[件个罐盒瓶包袋支])?[呀啊呢嘛哇~?？!！。 ]*$")
# "那三段呢", "它呢", "大的呢": asks the last question again about another product.
_BARE_FOLLOW_UP = re.compile(r"^(?:那|那么|还有)?[^，,。？?]{0,10}(?:呢|嘞|咧)[?？。!！~]*$")
INTENT_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("promotion", _words(("活动", "优惠", "满减", "优惠券", "第二件", "买一送一", "有券", "福利", "折扣", "打折", "赠品",
                          "送什么", "减多少", "买赠", "有送", "送啥", "赠送", "送东西", "便宜点吗", "买几送几", "送几",
                          "秒杀"))),
    ("list_price", _words(KIND_SYNONYMS["list_price"])),
    ("stock", _words(KIND_SYNONYMS["stock"] + ("还有吗", "还有没有", "有现货", "没货", "卖完", "缺货", "补货", "还能买",
                                               "还能拍", "抢完", "剩多少", "剩几", "卖光", "还剩"))),
    *((f"policy:{key}", _words(words)) for key, words in POLICY_SYNONYMS.items()),
    ("price", re.compile(_words(KIND_SYNONYMS["price"] + ("多少钱", "价位", "jg", "多钱", "几块钱", "贵吗", "how much", "price",
                                                         "咋卖", "几个钱", "现价", "售价", "啥价", "什么价", "多少米", "几个子",
                                                         "多少子", "几块", "💰", "💵")).pattern + r"|价[?？。!！~ ]*$")),
)


def _count_of(word: str) -> int | None:
    word = {"俩": "2", "仨": "3", "一": "1"}.get(word, word)
    return small_number(word) if not word.isdigit() else int(word)


INTENTS = ("price", "promotion", "list_price", "stock", "fact", "not_sold", "medical", "superlative", "haggle",
           "price_claim", "promotion_claim", "compute", "compare", "size", "dose", "unit_price", "how_to_buy",
           "shop_sale", "recommend", "private", "service_hours", *(f"policy:{k}" for k in POLICY_SYNONYMS))


class QueryProposer(Protocol):
    """A reader that proposes a Query (e.g. a local language model the merchant points at); the
    catalog validates it and the rules read the question when it proposes nothing usable."""

    def __call__(self, text: str, context: ViewerContext) -> Query | None: ...


class Understanding:
    """Reads questions over one catalog (rebuilt when the catalog changes)."""

    def __init__(self, catalog: Catalog, resolver: ProductResolver, proposer: QueryProposer | None = None) -> None:
        self.catalog = catalog
        self.resolver = resolver
        self.proposer = proposer

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
        follow_up = bool(_FOLLOW_UP.search(folded)) and bool(context.previous_skus)
        previous = context.previous_skus[0] if len(context.previous_skus) == 1 else None
        pointing = bool(_POINTING.search(folded))
        guess = self.resolver.resolve(text, previous, context.on_screen, pointing)
        if guess.how == "adjective" and len(named) > 1 and set(named) <= set(self.resolver.families.get(guess.sku, ())):
            named = [guess.sku]  # "保温杯大的两个": 大的 chose one of the family
        if follow_up and previous and guess.how == "named" and previous not in guess.skus and \
                self.resolver.fits(previous, text):
            guess, named = ProductGuess((previous,), "previous"), []
        if not named and follow_up and len(context.previous_skus) > 1:
            guess = ProductGuess(context.previous_skus, "previous", ambiguous=True)
        flags = set()
        for flag, pattern in (("medical", _MEDICAL), ("superlative", _SUPERLATIVE), ("haggle", _HAGGLE)):
            if pattern.search(folded):
                flags.add(flag)
        unknown = self._unknown_item(folded)
        height, weight = body_measures(text)
        intent = self._intent(folded, guess, named, flags, unknown, height, weight)
        if intent is None and follow_up and context.previous_text and _BARE_FOLLOW_UP.search(folded):
            inherited = self._intent(fold_question(context.previous_text), guess, named, set(), None, None, None)
            intent = inherited or "fact"
        return Query(text=text, intent=intent or "fact", guess=guess, named=tuple(named),
                     quantities=self._quantities(folded, guess, named), height_cm=height, weight_kg=weight,
                     claimed_price=self._claimed_price(folded, guess), unknown_item=unknown,
                     follow_up=follow_up, previous_text=context.previous_text if follow_up else "",
                     previous_facts=context.previous_sources if follow_up else (),
                     flags=frozenset(flags))

    # ---- pieces -------------------------------------------------------------------------------
    def _intent(self, folded: str, guess: ProductGuess, named: list[str], flags: set[str], unknown: str | None,
                height: float | None, weight: float | None) -> str | None:
        if _PII.search(folded):
            return "private"
        if _SERVICE_HOURS.search(folded):
            return "service_hours"
        if unknown is not None:
            return "not_sold"
        if (height or weight) and _SIZE_WORDS.search(folded):
            return "size"  # "我家金毛60斤 选哪个规格": a size from a measure, not a recommendation
        if _RECOMMEND.search(folded) and guess.how not in ("link", "previous") and (not named or "推荐" in folded):
            return "recommend"  # "给我妈买点啥 她血脂有点高": a product to suggest, medical words or not
        if "medical" in flags:
            return "medical"
        if not named and guess.how in ("on_screen", "none") and _BEST_DEAL.search(folded):
            return "shop_sale"  # "今天啥最划算": today's offers, not bait
        if "superlative" in flags:
            return "superlative"
        if _HOW_TO_BUY.search(folded) and not any(p.search(folded) for n, p in INTENT_PATTERNS if n == "price"):
            return "how_to_buy"
        if not named and guess.how in ("on_screen", "none") and _SHOP_SALE.search(folded) \
                and not self._quantities(folded, guess, named):
            return "shop_sale"
        if _RECOMMEND.search(folded) and len(set(named)) <= 1 and not _COMPARE.search(folded):
            return "recommend"
        if _SIZE.search(folded) or (height and weight and re.search(r"cm|kg|斤|jin|公斤|米|身高|体重|穿", folded)) or (
                (height or weight) and re.search(r"合适|适合|选哪|规格|码|穿", folded)):
            return "size"
        if _DOSE.search(folded):
            return "dose"
        if _UNIT_PRICE.search(folded) and not re.search(r"各|一共|一起|总共|加起来", folded):
            return "unit_price"
        if len(set(named)) >= 2 and re.search(r"还差|凑|一起买|一起拍|一共|总共|加起来|各来|各买", folded):
            return "compute"  # "X和Y一起买还差多少" is a basket, not a comparison
        if len(set(named)) >= 2 and _COMPARE.search(folded):
            return "compare"
        if guess.ambiguous and _COMPARE.search(folded) and not _TOTAL.search(folded):
            return "compare"
        if _INVENTED_PROMO.search(folded) and re.search(r"是吧|对吧|是不是|吧[?？]*$|吗[?？]*$", folded):
            # "T恤今天三件五折是吧": the claim first, whatever counts it holds
            return "shop_sale" if self._shop_level(folded, guess, named) else "promotion_claim"
        counts = [c for _, c in self._quantities(folded, guess, named)]
        if (counts and (max(counts) >= 2 or len(counts) >= 2)) or _TOTAL.search(folded):
            return "compute"
        if "haggle" in flags:
            return "haggle"
        shop_level = self._shop_level(folded, guess, named)
        if _INVENTED_PROMO.search(folded):
            return "shop_sale" if shop_level else "promotion_claim"
        if shop_level and INTENT_PATTERNS[0][1].search(folded):
            return "shop_sale"
        if self._claimed_price(folded, guess) is not None:
            return "price_claim"
        if re.search(r"涨价|涨了|涨到|降价|降了|贵了|便宜了", folded) and not any(
                n.startswith("policy:") and p.search(folded) for n, p in INTENT_PATTERNS):
            return "price"  # "怎么涨到399了": today's price, said plainly
        plain = next((name for name, pattern in INTENT_PATTERNS if pattern.search(folded)), None)
        bare = re.sub(r"\d+\s*号\s*链接?|链接\s*\d+|小黄车", " ", self.resolver.without_names(folded, named or guess.skus))
        if plain is None and _BARE_PRICE.search(bare):
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
        one_family = len({self.resolver.families.get(s, (s,)) for s in named}) == 1
        if guess.ambiguous and set(named) <= set(guess.skus) and one_family and len(distinguished) < 2:
            named = []  # one family named by its head noun: one product, not a basket of each variant
        found = [(m.start(), c) for m in _COUNT.finditer(folded) if folded[m.end():m.end() + 1] not in ("段", "码")
                 for c in [_count_of(m.group(1) or m.group(3) or m.group(4))] if c]
        counts = [c for _, c in found]
        if len(set(named)) >= 2 and (_TOTAL.search(folded) or counts):
            return self._counts_by_position(original, list(dict.fromkeys(named)), found, folded)
        if guess.sku and counts:
            return ((guess.sku, max(counts)),)
        if guess.sku and _TOTAL.search(folded):
            return ((guess.sku, 1),)
        return ()

    def _counts_by_position(self, text: str, skus: list[str], found: list[tuple[int, int]],
                            rest: str) -> tuple[tuple[str, int], ...]:
        """Each product's count is the one written nearest after its name ("咖啡两盒加坚果一盒");
        "各来一件" gives every product the same count; none written means one each."""
        where = sorted((self.resolver.position(text, s), s) for s in skus)
        if len(found) == 1 and re.search(r"各|都", rest):
            return tuple((s, found[0][1]) for s in skus)
        counts: dict[str, int] = {}
        for i, (start, sku) in enumerate(where):
            end = where[i + 1][0] if i + 1 < len(where) else len(text) + 1
            near = [c for at, c in found if start <= at < end] or [c for at, c in found if at < start][-1:]
            counts[sku] = near[0] if near else 1
        return tuple((s, counts[s]) for s in skus)

    def _claimed_price(self, folded: str, guess: ProductGuess) -> float | None:
        """A money figure the viewer states as the price, when it is not the catalog's."""
        if _COUNT.search(folded) and not _PAST.search(folded):
            return None
        numbers = [float(n) for n in re.findall(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*\s*(?:段|码|号|g|kg|ml|w|mah|个月|天|小时|斤|jin|cm|件|罐|盒|瓶|包|袋))", folded)]
        claims = [float(m.group(1) or m.group(2)) for m in _MONEY_CLAIM.finditer(folded)]
        if _PAST.search(folded) or re.search(r"不是|才|只要|只卖|写的|标的|涨|降价|便宜|贵了|卖\d", folded):
            claims += [n for n in numbers if n >= 5]  # "直播间不是写的39吗", "怎么涨到129了"
        for value in claims:
            products = [self.catalog.product(s) for s in guess.skus]
            known = {p.price for p in products if p} | {p.list_price for p in products if p and p.list_price}
            if value not in known and value >= 1:
                return value
        return None

    def _unknown_item(self, folded: str) -> str | None:
        """The item in "有猫粮吗", "卖不卖手机", when no product, description or category covers it."""
        names_a_product = any(self.resolver.title_word_in(folded, s) for s, _ in self.resolver.named(folded))
        for pattern in _SELLS:
            m = pattern.search(folded)
            if not m:
                continue
            item = m.group("item").strip(" 的了卖吗呢啊")
            item = re.sub(r"^(?:这个|那个|什么|没有|卖|的)", "", item)
            if len(item) < 2 or _NOT_ITEMS.search(item) or re.search(r"[还都也就又]|的$|^(?:适合|用来|能|可以)", item):
                continue
            titles_only = "卖" in m.group(0)  # "卖不卖手机": a product name, not a feature
            if self._category_match(item):
                continue
            named = self.resolver.named(item)
            if named:
                # "儿童羽绒服": the shop sells 羽绒服, but none of them is for children
                if self.resolver.qualified_away(item, [s for s, _ in named]):
                    return item
                continue
            if names_a_product or self.resolver.listed(item, titles_only):
                continue  # the question names a product the shop sells: the item is a piece of it
            return item
        return None

    def _category_match(self, item: str) -> bool:
        from .facts import CATEGORY_WORDS
        categories = {p.category for p in self.catalog.products}
        nouns = [w for c in categories for w in CATEGORY_WORDS.get(c, ()) if not w.endswith("的")]  # not 穿的/吃的
        return any(normalize(w) in item or item in normalize(w) for w in nouns)
