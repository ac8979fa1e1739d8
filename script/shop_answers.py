"""Answers about the shop rather than one product: what is on sale today (or whether a promotion
a viewer names exists anywhere), what to buy for someone or within a budget, where to buy (the
cart link), and requests for someone's private details (refused)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from .answer_facts import ASKS_UNTIL, Answer
from .catalog import Product
from .derivation import derivation
from .lines import format_amount, format_price
from .product_words import fold_question
from .promotions import rule_source
from .question_words import CHOOSE_FOR_NEED
from .viewer_needs import for_need
from .understanding import Query

if TYPE_CHECKING:
    from .answers import Answerer

_AUDIENCES = ((re.compile(r"宝宝|婴儿|新生|刚生|孩子|娃|宝妈|月子"), ("baby",)),
              (re.compile(r"老人|长辈|爸妈|父母|爷爷|奶奶|外婆|姥姥"), ("health_food", "food", "home")),
              (re.compile(r"女朋友|老婆|闺蜜|妈妈|女生|媳妇"), ("beauty", "apparel")),
              (re.compile(r"男朋友|老公|爸爸|男生|同事|领导"), ("electronics", "apparel")),
              (re.compile(r"狗|猫|宠物|毛孩子"), ("other",)),
              (re.compile(r"吃的|零食|好吃|特产"), ("food",)),
              (re.compile(r"家里|厨房|家用"), ("home",)))
# The kind of promotion a viewer asks about, and the rule kinds that are that kind.
_KINDS = ((re.compile(r"优惠券|领券|有券|券吗|红包"), ("coupon",)),
          (re.compile(r"买\S{0,4}送|送[一1]|赠|送\S{1,4}(?:吗|吧|呢)"), ("buy_get", "quoted")), (re.compile(r"满减|满\d+减"), ("threshold",)),
          (re.compile(r"第二件|半价"), ("nth_item",)), (re.compile(r"折"), ("n_pieces_rate", "nth_item")),
          (re.compile(r"立减|直降|减\d+"), ("n_pieces_off", "threshold", "quoted")))
# A promotion a viewer states ("满200减100", "买一送一"); if no running rule says it, it is not ours.
_CLAIMED = re.compile(r"满\d+减\d+|买[一二两三1-3]送[一二两三1-3]|第[二2](?:件|袋|瓶|盒|罐|包|支|个|份|桶|箱|套|双)(?:半价|免费|不要钱|\d折)|[\d一二三四五六七八九](?:\.\d)?折|半价|直降\d+|立减\d+|"
                      r"首单|新人|无门槛|红包|返现")
_STORE_WIDE_TEXT = re.compile(r"全场|全店|跨店")
_BUDGET = re.compile(r"(\d+)\s*(?:元|块)?\s*(?:以内|以下|之内|内|左右|上下)")


def how_to_buy(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    def write(product: Product, q: Query, when: datetime | None) -> Answer:
        link = a.catalog.link_of(product)
        choice = re.search(r"颜色|尺码|规格|码数|款式|口味", q.text)  # "颜色尺码在哪选": chosen on the order page
        then = f"下单时在规格里选{choice.group(0)}就可以" if choice else "点进去直接下单就可以"
        return Answer((f"{a.name_of(product)}在小黄车{link}号链接，{then}。",), product.sku,
                      (f"{product.sku}.link",), (str(link),), about=(product.sku,))
    if not query.guess.skus:
        return Answer(("点屏幕下方的小黄车，选对应的链接直接下单就可以。",), None, ("shop.how_to_buy",))
    return a.per_product(query, now, write)


def shop_sale(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    """Today's promotions: of the kind the viewer names first (an invented one is said not to
    exist), then shop-wide ones, then the product on screen's, then the rest; at most two."""
    drop = biggest_drop(a, query, now)
    if drop is not None:
        return drop
    offers = [(p, r) for p in a.catalog.products if not p.sold_out for r in a.say.running(p, now) if not r.owner]
    kinds = next((k for pattern, k in _KINDS if pattern.search(query.text)), None)
    if kinds == ("coupon",):
        wanted = [(p, r) for p, r in offers if re.search(r"券|红包", r.text)]
    elif kinds is not None and "quoted" in kinds:
        wanted = [(p, r) for p, r in offers if r.kind in kinds and re.search(r"送|赠", r.text)]
    else:
        wanted = [(p, r) for p, r in offers if kinds and r.kind in kinds]
    on_screen = query.guess.sku
    offers.sort(key=lambda pr: (not pr[1].store_wide, pr[0].sku != on_screen))
    if not offers:
        return Answer(("今天没有额外的活动，价格以直播间标价为准。",), None, ("shop.promotions",))
    claimed = _CLAIMED.search(query.text)
    invented = claimed is not None and not any(claimed.group(0) in r.text for _, r in offers)
    gift = re.search(r"送([\u4e00-\u9fff]{1,4}?)(?:吗|吧|是真|呢|的|$)", query.text)
    if gift and not re.match(r"东西|啥|什么|礼|赠品|小礼", gift.group(1)) and not any(gift.group(1)[:2] in r.text for _, r in offers):
        invented = True  # "下单送杯子是真的吗": no promotion gives a cup
    ended = claimed is not None and any(claimed.group(0) in p.text for product in a.catalog.products
                                        for p in product.promotions if p.ends_at and now and p.ends_at <= now)
    if re.search(r"全场|全店", query.text) and not any(r.store_wide for _, r in offers):
        invented = True  # "全场有满减吗": none runs shop-wide now
        ended = ended or any(_STORE_WIDE_TEXT.search(p.text) for product in a.catalog.products for p in product.promotions
                             if p.ends_at and now and p.ends_at <= now)
    lead = "这个活动已经结束了，现在没有全场的活动，" if invented and ended and re.search(r"全场|全店", query.text) else \
        "这个活动已经结束了，" if invented and ended else \
        "现在没有全场通用的活动，" if invented and claimed is None and re.search(r"全场|全店", query.text) else \
        "这个活动我们没有哦，" if invented or (kinds is not None and not wanted) else ""
    parts, sources, seen = [], [], set()
    for product, rule in wanted + [o for o in offers if o not in wanted]:
        if rule.text in seen and rule.store_wide:
            continue
        seen.add(rule.text)
        if rule.store_wide:
            parts.append(rule.text if "全场" in rule.text else f"全场{rule.text}")
        else:
            parts.append(f"{a.name_of(product)}参加{rule.text}")
        sources.append(f"{product.sku}.promotions[{rule.index}]")
        if len(parts) == 2:
            break
    sentence = f"{lead}今天的活动有：{'；'.join(parts)}。"
    derived: tuple[str, ...] = ()
    if ASKS_UNTIL.search(query.text):
        promotion = a.catalog.product(sources[0].split(".")[0]).promotions[int(sources[0].split("[")[1][:-1])]
        if promotion.ends_at is not None:  # the first listed is the kind asked about, or the shop-wide one
            end = promotion.ends_at
            sentence += f"{promotion.text}到{end.month}月{end.day}日结束。"
            derived = (str(end.month), str(end.day))  # a promotion's end date: a catalog fact
    return Answer((sentence,), None, tuple(sources), derived,
                  about=tuple(dict.fromkeys(s.split(".")[0] for s in sources)))


def free_shipping(a: "Answerer", now: datetime | None) -> Answer | None:
    """"包邮吗" asked of the shop: a running shop-wide 包邮 promotion, with its exceptions."""
    for product in a.catalog.products:
        for rule in a.say.running(product, now):
            if rule.store_wide and "包邮" in rule.text:
                text = rule.text if _STORE_WIDE_TEXT.search(rule.text) else f"全场{rule.text}"
                source = rule_source(product, rule)
                return Answer((f"{text}。",), None, (source,), about=(source.split(".")[0],))
    return None


def biggest_drop(a: "Answerer", query: Query, now: datetime | None) -> Answer | None:
    """"哪个降价最狠": the product whose price is furthest below its list price."""
    dropped = [p for p in a.catalog.products if p.list_price and not p.sold_out and p.list_price > p.price]
    if not dropped or not re.search(r"降价最|降得最|便宜最多|省最多|优惠最大|折扣最大|力度最大", query.text):
        return None
    top = max(dropped, key=lambda p: p.list_price - p.price)
    gap = top.list_price - top.price
    return Answer((f"{a.name_of(top)}日常价{format_price(top.list_price)}，今天{format_price(top.price)}，便宜{format_price(gap)}。",),
                  top.sku, (f"{top.sku}.list_price", f"{top.sku}.price"),
                  (derivation(gap, f"{format_amount(top.list_price)}-{format_amount(top.price)}"),), about=(top.sku,))


# What a viewer's need says about the product ("她手冰" -> something to warm hands), as title words.
def _for_audience(a: "Answerer", text: str) -> list[Product]:
    """Products for whom the viewer shops ("送老人", "刚生宝宝"): in stock, of the categories that
    audience is served by."""
    for pattern, categories in _AUDIENCES:
        if pattern.search(text):
            return [p for c in categories for p in a.catalog.products if p.category == c and not p.sold_out]
    return []


_CLEARLY_CLOSER = 0.01  # e5 cosine: a need described far closer to another listing than to the word named


def recommend(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    """Up to two products that fit what the viewer says (named, described, for whom, budget),
    each with one concrete fact and its price; never a claim that one is best."""
    products = [a.catalog.product(s) for s in query.named[:1]] or [a.catalog.product(s) for s in query.guess.skus[:1]
                                                                    if query.guess.how in ("named", "description", "previous")]
    need = for_need(a.catalog.products, query.text)
    if need and not query.named and query.guess.how == "description" and products[:1] != need[:1]:
        products = need  # "手冻得疼 有啥好用的": the need (暖手宝) over a word it shares with a listing (护手霜)
    described = a.resolver.described(query.text)
    if not products and described:
        products = [a.catalog.product(described)]
    by_audience = False
    if not products:
        products = need
        by_audience = not products
        products = products or _for_audience(a, query.text)
    elif CHOOSE_FOR_NEED.search(fold_question(query.text)):
        # "露营停电想给手机充电 买哪个": 充电 names the head torch, the need describes the power station
        similarity = a.resolver.similarities(query.text) or {}
        closest = max(similarity, key=similarity.get, default=None)
        if closest is not None and similarity[closest] - similarity.get(products[0].sku, 1.0) > _CLEARLY_CLOSER:
            products = [a.catalog.product(closest)]
    budget = _BUDGET.search(query.text)
    pool = [p for p in (products or a.resolver.closest(query.text, 2) or list(a.catalog.products)) if p]
    if budget:
        limit = float(budget.group(1))
        pool = [p for p in products if p and p.price <= limit] or [p for p in a.catalog.products if p.price <= limit]
    elif re.search(r"便宜|实惠|学生|预算不多|性价比", query.text) and not products:
        pool = sorted((p for p in a.catalog.products if not p.sold_out), key=lambda p: p.price)  # the cheapest
        by_audience = False
    gone = [p for p in pool if p.sold_out][:1]
    pool = [p for p in pool if not p.sold_out]
    if gone and not pool:  # "显白的色" fits a sold-out shade: say so, and offer its siblings in stock
        siblings = [a.catalog.product(s) for s in a.resolver.families.get(gone[0].sku, ())]
        pool = [p for p in siblings if p and not p.sold_out]
    if len(pool) > 1 and (by_audience or budget):
        # Of a category or a budget: the merchant's order, unless e5 finds one clearly closer to the words.
        similarity = a.resolver.similarities(query.text) or {}
        closest = max(pool, key=lambda p: similarity.get(p.sku, 0.0))
        if similarity.get(closest.sku, 0.0) - similarity.get(pool[0].sku, 0.0) > _CLEARLY_CLOSER:
            pool.insert(0, pool.pop(pool.index(closest)))
    pool = pool[:1]
    if not pool:
        return shop_sale(a, query, now)
    sentences, sources = [], []
    if gone and gone[0] not in pool:
        sentences.append(f"{a.name_of(gone[0])}已经售罄了，")
        sources.append(f"{gone[0].sku}.stock")
    for product in pool:
        point = product.selling_points[0] if product.selling_points else ""
        cited = (f"{product.sku}.selling_points",) if point else ()
        sentences.append(f"可以看看{a.name_of(product)}，{point + '，' if point else ''}到手价{format_price(product.price)}。")
        sources += [*cited, f"{product.sku}.price"]
    return Answer(tuple(sentences), pool[0].sku if len(pool) == 1 else None, tuple(sources),
                  about=tuple(p.sku for p in pool))


def service_hours(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    hours = a.catalog.shop.service_hours
    if not hours:
        return Answer((), None, ())
    return Answer((f"客服在线时间是{hours}，其他时间可以先留言。",), None, ("shop.service_hours",), (hours,))


def private(a: "Answerer", query: Query, now: datetime | None) -> Answer:
    return Answer(("个人信息我们不能透露，也提醒大家保护好自己的隐私，有问题可以联系店铺客服。",), None, ())
