"""The promotion engine: a promotion's text read as a rule, and any basket priced under the rules
running at the show's clock, with the arithmetic said in one sentence.

Forms read (anything else is only quoted, never computed): 满X减Y and 每满X减Y (threshold),
第二件半价 / 第N件M折 / 第二件X元 (Nth item), N件M折 (every item when N are bought), N件立减Y / 买N件减Y
(amount off at N items), 买N送M (same product; a count in whole N is what is paid). A promotion applies
to its own product's basket unless it says 全场, 跨店, 任选 or 店铺 (DESIGN.md). Pure: `now` is passed in.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime

from .catalog import Product, Promotion
from .derivation import derivation
from .lines import format_amount, format_price, spoken_count
from .paired_promotions import PAIRED, paired_discounts, partner_of
from .promotion_exclusions import left_out

_NUM = r"(\d+(?:\.\d+)?)"
_PIECE = r"(?:件|罐|盒|瓶|袋|包|支|个|份|桶|箱|套|双)"
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_STORE_WIDE = re.compile(r"全场|跨店|店铺|全店|全部商品|全店商品")
# "口红任选2支8折（#316/#999/#520可混搭）": counted over every product that carries the same text.
_MIXED = re.compile(r"任选|混搭|可混|任意|自由搭配")


@dataclass(frozen=True)
class PromotionRule:
    index: int  # position in the product's promotions (its citable source)
    text: str
    kind: str  # threshold | nth_item | n_pieces_rate | n_pieces_off | buy_get | quoted
    store_wide: bool = False
    threshold: float = 0.0  # threshold: basket amount; n_pieces_*: piece count
    amount: float = 0.0  # money off (threshold, n_pieces_off) or the Nth item's price (nth_item, fixed)
    rate: float = 1.0  # fraction paid (nth_item, n_pieces_rate)
    nth: int = 0  # nth_item: which item; buy_get: pay for nth, get `free` more
    free: int = 0
    repeat: bool = False  # 每满: the threshold applies once per full step
    mixed: bool = False  # 任选/混搭: pieces of every product carrying this text count together
    owner: str = ""  # the product a store-wide rule is written on, when it is not this one
    partner: str = ""  # paired_off: the text naming the product it must be bought with
    partner_sku: str = ""  # ... and that product, read against the shop's titles (rules_for)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _CN.get(word, 0)


def read_rule(index: int, promotion: Promotion) -> PromotionRule:
    text = promotion.text.replace(" ", "")
    wide = bool(_STORE_WIDE.search(text))
    rule = _read_rule(index, promotion, text, wide)
    return replace(rule, mixed=bool(_MIXED.search(text)) and not wide)


def _read_rule(index: int, promotion: Promotion, text: str, wide: bool) -> PromotionRule:
    if m := re.search(rf"(每)?满{_NUM}元?(?:立)?减{_NUM}", text):
        return PromotionRule(index, promotion.text, "threshold", wide, float(m.group(2)), float(m.group(3)),
                             repeat=bool(m.group(1)))
    if m := re.search(rf"第([二三四2-4]){_PIECE}(半价|(\d(?:\.\d)?)折|(\d+(?:\.\d+)?)元|免费|0元)", text):
        nth, how = _count(m.group(1)), m.group(2)
        if how == "半价":
            return PromotionRule(index, promotion.text, "nth_item", wide, rate=0.5, nth=nth)
        if m.group(3):
            return PromotionRule(index, promotion.text, "nth_item", wide, rate=float(m.group(3)) / 10, nth=nth)
        if m.group(4):
            return PromotionRule(index, promotion.text, "nth_item", wide, amount=float(m.group(4)), rate=-1.0, nth=nth)
        return PromotionRule(index, promotion.text, "nth_item", wide, rate=0.0, nth=nth)
    if m := re.search(rf"([2-9二两三四五]){_PIECE}[\u4e00-\u9fff]{{0,6}}?(?:打)?(\d(?:\.\d)?)折", text):
        return PromotionRule(index, promotion.text, "n_pieces_rate", wide, threshold=_count(m.group(1)),
                             rate=float(m.group(2)) / 10)
    if m := re.search(rf"([2-9二两三四五]){_PIECE}(?:只要|仅|共|一共)?{_NUM}元", text):  # "任选3盒99元"
        return PromotionRule(index, promotion.text, "n_pieces_price", wide, threshold=_count(m.group(1)),
                             amount=float(m.group(2)))
    if m := re.search(rf"(?:买)?([2-9二两三四五]){_PIECE}[\u4e00-\u9fff]{{0,6}}?(?:立)?减{_NUM}", text):  # "任选2个暖手宝立减10元"
        return PromotionRule(index, promotion.text, "n_pieces_off", wide, threshold=_count(m.group(1)),
                             amount=float(m.group(2)))
    if m := re.search(rf"加{_NUM}元?换购(.+)", text):
        return PromotionRule(index, promotion.text, "addon", wide, amount=float(m.group(1)))
    if m := PAIRED.search(text):  # "与新会五年陈皮同拍立减15元" (never shop-wide, whatever else it says)
        return PromotionRule(index, promotion.text, "paired_off", False, amount=float(m.group("amount")),
                             partner=m.group("partner"))
    if m := re.search(rf"(?:组合价|套装价|搭配价|合购价|套餐价|一起买|组合购)\D{{0,3}}{_NUM}", text):
        return PromotionRule(index, promotion.text, "bundle", wide, amount=float(m.group(1)))
    if m := re.search(rf"买([1-9一二两三四五]){_PIECE}?送([1-9一二两三]){_PIECE}?(?=$|[，,；;。！!（(])", text):
        return PromotionRule(index, promotion.text, "buy_get", wide, nth=_count(m.group(1)), free=_count(m.group(2)))
    return PromotionRule(index, promotion.text, "quoted", wide)


def running_rules(product: Product, now: datetime | None) -> list[PromotionRule]:
    """The product's promotions still running at `now`, read as rules (undated ones always run)."""
    return [read_rule(i, p) for i, p in enumerate(product.promotions)
            if p.ends_at is None or (now is not None and p.ends_at > now)]


def rules_for(product: Product, products: tuple[Product, ...], now: datetime | None) -> list[PromotionRule]:
    """The promotions a product's basket gets: its own running ones, and every store-wide one
    (全场, 跨店) written on any product of the shop. A borrowed rule keeps its own product's index
    in `source_sku` terms: callers cite it through `rule_source`."""
    own = running_rules(product, now)
    texts = {r.text for r in own}
    for owner, ends_at, rule in _store_wide(products):
        if owner != product.sku and (ends_at is None or (now is not None and ends_at > now)) \
                and rule.text not in texts:
            texts.add(rule.text)
            own.append(replace(rule, owner=owner))
    return [replace(r, partner_sku=_partner(r, product, products)) if r.kind == "paired_off" else r for r in own
            if not left_out(product, r.text, r.store_wide)]


def _for_catalog(memo: list, products: tuple[Product, ...], build):
    """What `build()` makes for this catalog, made once: a memo holding (the products last asked
    about, the value), swapped whole, so threads see one or the other."""
    products_seen, value = memo[0]
    if products_seen is not products:
        value = build()
        memo[0] = (products, value)
    return value


_PARTNER_MEMO: list = [(None, {})]  # partner sku per (owner, partner text), for the catalog last asked about


def _partner(rule: PromotionRule, owner: Product, products: tuple[Product, ...]) -> str:
    partners = _for_catalog(_PARTNER_MEMO, products, dict)
    key = (owner.sku, rule.partner)
    if key not in partners:
        partners[key] = partner_of(rule.partner, owner, products) or ""
    return partners[key]


_STORE_WIDE_MEMO: list = [(None, [])]  # the store-wide rules of the catalog last asked about


def _store_wide(products: tuple[Product, ...]) -> list[tuple[str, datetime | None, PromotionRule]]:
    """Every store-wide rule of the shop, read once per catalog (a 10,000-product catalog would
    otherwise be read again for every question)."""
    return _for_catalog(_STORE_WIDE_MEMO, products, lambda: [
        (p.sku, promo.ends_at, rule) for p in products for i, promo in enumerate(p.promotions)
        if (rule := read_rule(i, promo)).store_wide])


def rule_source(product: Product, rule: PromotionRule) -> str:
    return f"{rule.owner or product.sku}.promotions[{rule.index}]"


def ended_rules(product: Product, now: datetime | None) -> list[PromotionRule]:
    return [read_rule(i, p) for i, p in enumerate(product.promotions)
            if p.ends_at is not None and now is not None and p.ends_at <= now]


@dataclass(frozen=True)
class Quote:
    """What a basket costs: the total, the sentence that explains it, the numbers it computed and
    the catalog facts it used."""

    total: float
    sentence: str
    derived: tuple[str, ...]
    sources: tuple[str, ...]
    short_of: float | None = None  # the amount still missing to reach a threshold, when one was missed


def _item_total(price: float, qty: int, rule: PromotionRule) -> float:
    return _item_priced(price, qty, rule)[0]


def _rate_expr(rate: float) -> str:
    """A rate as the arithmetic the promotion text states: 半价 "/2", 8折 "*8/10", 0元 "*0"."""
    return "/2" if rate == 0.5 else f"*{format_amount(rate * 10)}/10"


def _item_priced(price: float, qty: int, rule: PromotionRule) -> tuple[float, str]:
    """(total, the arithmetic on catalog figures that gives it) for `qty` pieces under `rule`."""
    p = format_amount(price)
    if rule.kind == "nth_item" and qty >= rule.nth:
        groups = qty // rule.nth
        nth_price, nth_expr = (rule.amount, format_amount(rule.amount)) if rule.rate < 0 else \
            (price * rule.rate, f"{p}{_rate_expr(rule.rate)}")
        return price * (qty - groups) + nth_price * groups, f"{p}*{qty - groups}+{nth_expr}*{groups}"
    if rule.kind == "n_pieces_rate" and qty >= rule.threshold:
        return price * qty * rule.rate, f"{p}*{qty}{_rate_expr(rule.rate)}"
    if rule.kind == "n_pieces_off" and qty >= rule.threshold:
        times = qty // int(rule.threshold)
        return price * qty - rule.amount * times, f"{p}*{qty}-{format_amount(rule.amount)}*{times}"
    if rule.kind == "buy_get":
        free = 0 if qty % rule.nth == 0 else (qty // (rule.nth + rule.free)) * rule.free  # "买6罐": six paid
        return price * (qty - free), f"{p}*{qty - free}"
    if rule.kind == "n_pieces_price" and qty >= rule.threshold:
        sets, rest = divmod(qty, int(rule.threshold))
        return rule.amount * sets + price * rest, f"{format_amount(rule.amount)}*{sets}+{p}*{rest}"
    return price * qty, f"{p}*{qty}"


def _threshold_off(subtotal: float, rule: PromotionRule) -> float:
    if subtotal + 1e-9 < rule.threshold:
        return 0.0
    return rule.amount * (math.floor(subtotal / rule.threshold + 1e-9) if rule.repeat else 1)


def quote(items: list[tuple[Product, int]], rules_of: dict[str, list[PromotionRule]], name_of=None,
          want_gap: bool = False) -> Quote:
    """Price a basket: each product's item-level promotion (the best one), then a threshold
    promotion on the amount it covers (the product's own, or a store-wide one over the basket)."""
    parts, derived, sources = [], [], []
    subtotals: dict[str, float] = {}
    exprs: dict[str, str] = {}  # each subtotal's arithmetic, which the guard checks
    plain_total = 0.0
    mixed = _mix_and_match(items, rules_of, subtotals, exprs, parts, sources, derived, name_of or spoken_name)
    for product, qty in items:
        if product.sku in mixed:
            plain_total += product.price * qty
            continue
        plain = product.price * qty
        plain_total += plain
        sources.append(f"{product.sku}.price")
        item_rules = [r for r in rules_of.get(product.sku, []) if r.kind in ("nth_item", "n_pieces_rate", "n_pieces_off",
                                                                               "n_pieces_price", "buy_get")]
        best = min(item_rules, key=lambda r: _item_total(product.price, qty, r), default=None)
        total, expr = (plain, f"{format_amount(product.price)}*{qty}") if best is None else \
            _item_priced(product.price, qty, best)
        exprs[product.sku] = expr
        name, count = (name_of or spoken_name)(product), spoken_count(qty)
        if count[0].isdigit():
            count = f"，{count}"  # "SPF30，4件": the name's number and the count stay apart
        if best is not None and best.kind == "buy_get" and qty % best.nth == 0:
            # "买二送一": two paid, three sent; "买6罐" under 买3送1: six paid, eight sent
            sent = qty + qty // best.nth * best.free
            piece = next(iter(re.findall(rf"送[一二两三\d]({_PIECE})", best.text)), "件")  # 买2盒送1盒: counted in 盒
            parts.append(f"{name}{count}{piece}是{format_price(total)}，按{best.text}实发{spoken_count(sent)}{piece}")
            derived.append(derivation(sent, f"{qty}+{qty}/{best.nth}*{best.free}"))
            sources.append(rule_source(product, best))
        elif best is not None and total < plain - 1e-9:
            parts.append(f"{name}{count}件按{best.text}算是{format_price(total)}")
            sources.append(rule_source(product, best))
        else:
            parts.append(f"{name}{count}件是{format_price(total)}" if qty > 1 else f"{name}是{format_price(total)}")
        derived.append(derivation(total, expr))
        if qty > 3:
            derived.append(str(qty))  # the count the viewer asked for: a fact the guard cannot see
        subtotals[product.sku] = total
    bundle = _bundle(items, rules_of)
    if bundle is not None:
        rule, members = bundle
        plain_members = sum(p.price for p, _ in items if p.sku in members)
        for sku in members:
            subtotals[sku] = 0.0
            exprs[sku] = "0"
        subtotals[members[0]] = rule.amount + sum(p.price * (q - 1) for p, q in items if p.sku in members)
        exprs[members[0]] = "+".join([format_amount(rule.amount)] + [f"{format_amount(p.price)}*{q - 1}" for p, q in items
                                                                     if p.sku in members and q > 1])
        sources.append(f"{members[0]}.promotions[{rule.index}]")
        parts.append(f"一起买按{rule.text}，省{format_price(plain_members - rule.amount)}")
        derived.append(derivation(plain_members - rule.amount, "+".join(format_amount(p.price) for p, _ in items
                                                                        if p.sku in members) + f"-{format_amount(rule.amount)}"))
    _take_paired_off(items, rules_of, subtotals, exprs, parts, sources, name_of or spoken_name, mixed,
                     bundle[1] if bundle is not None else ())
    subtotal = sum(subtotals.values())
    subtotal_expr = "+".join(f"({e})" for e in exprs.values() if e != "0") or "0"
    threshold = _best_threshold(items, rules_of, subtotals)
    derived.append(derivation(subtotal, subtotal_expr))
    sentence = "，".join(parts)
    if len(items) > 1:
        sentence += f"，一共{format_price(subtotal)}"
    short_of = None
    if threshold is not None:
        rule, sku, covered = threshold
        off = _threshold_off(covered, rule)
        sources.append(f"{rule.owner or sku}.promotions[{rule.index}]")
        if off > 0:
            final = subtotal - off
            times = round(off / rule.amount)
            derived += [derivation(off, f"{format_amount(rule.amount)}*{times}"),
                        derivation(final, f"{subtotal_expr}-{format_amount(rule.amount)}*{times}")]
            said = rule.text if rule.repeat else f"满{format_amount(rule.threshold)}减{format_amount(off)}"
            sentence += f"，{said}" + (f"共减{format_price(off)}" if rule.repeat else "") + f"，到手{format_price(final)}"
            return Quote(final, sentence + "。", tuple(dict.fromkeys(derived)), tuple(dict.fromkeys(sources)))
        short_of = rule.threshold - covered
        if want_gap or short_of <= max(p.price for p, _ in items):  # asked, or one more item away
            pool = _pooled_with(rule, items, rules_of)
            covered_expr = subtotal_expr if rule.store_wide else \
                "+".join(f"({exprs[s]})" for s in pool) if pool else exprs.get(sku, "0")
            derived.append(derivation(short_of, f"{format_amount(rule.threshold)}-({covered_expr})"))
            if len(items) > 1 and not rule.store_wide and not pool:  # the rule counts its own product's basket only
                owner = next(p for p, _ in items if p.sku == sku)
                sentence += f"，{rule.text}要{(name_of or spoken_name)(owner)}自己满{format_amount(rule.threshold)}，" \
                            f"还差{format_price(short_of)}"
            else:
                sentence += f"，还差{format_price(short_of)}就能用{rule.text}"
    return Quote(subtotal, sentence + "。", tuple(dict.fromkeys(derived)), tuple(dict.fromkeys(sources)), short_of)


def _mix_and_match(items, rules_of, subtotals, exprs, parts, sources, derived, name_of) -> set[str]:
    """A 任选/混搭 piece rule over several of the basket's products: their pieces count together
    ("316跟520各来一支": two lipsticks, 8折)."""
    groups: dict[str, list[tuple[PromotionRule, Product, int]]] = {}
    for product, qty in items:
        for rule in rules_of.get(product.sku, []):
            if rule.mixed and rule.kind in ("n_pieces_rate", "n_pieces_off", "n_pieces_price"):
                groups.setdefault(rule.text, []).append((rule, product, qty))
    grouped: set[str] = set()
    for text, members in groups.items():
        pieces = sum(q for _, _, q in members)
        if len(members) < 2 or pieces < members[0][0].threshold:
            continue
        rule = members[0][0]
        plain = sum(p.price * q for _, p, q in members)
        plain_expr = "+".join(f"{format_amount(p.price)}*{q}" for _, p, q in members)
        if rule.kind == "n_pieces_rate":
            total, expr = plain * rule.rate, f"({plain_expr}){_rate_expr(rule.rate)}"
        elif rule.kind == "n_pieces_price":
            if pieces != int(rule.threshold):
                continue  # a set price for exactly N mixed pieces; other counts are priced one by one
            total, expr = rule.amount, format_amount(rule.amount)
        else:
            times = pieces // int(rule.threshold)
            total, expr = plain - rule.amount * times, f"{plain_expr}-{format_amount(rule.amount)}*{times}"
        for _, product, _ in members:
            subtotals[product.sku] = 0.0
            exprs[product.sku] = "0"
        subtotals[members[0][1].sku] = total
        exprs[members[0][1].sku] = expr
        names = "和".join(name_of(p) for _, p, _ in members)
        parts.append(f"{names}合起来按{text}算是{format_price(total)}")
        sources += [f"{p.sku}.price" for _, p, _ in members] + [f"{members[0][1].sku}.promotions[{rule.index}]"]
        derived.append(derivation(total, expr))
        grouped |= {p.sku for _, p, _ in members}
    return grouped


def _take_paired_off(items, rules_of, subtotals, exprs, parts, sources, name_of, mixed, bundled) -> None:
    """Money off for a product bought with the partner its promotion names (see paired_promotions)."""
    paired = {p.sku: [r for r in rules_of.get(p.sku, []) if r.kind == "paired_off"] for p, _ in items}
    by_sku = {p.sku: p for p, _ in items}
    partners = {sku: [(r.partner_sku, r.amount, r.text) for r in rules if r.partner_sku] for sku, rules in paired.items()}
    grouped = set(mixed) | set(bundled)
    for found in paired_discounts(items, partners):
        if {found.owner, found.partner} & grouped:
            continue  # priced in a mix-and-match group or a bundle already
        rule = next(r for r in paired[found.owner] if r.text == found.text)
        off = found.amount * found.pairs
        subtotals[found.owner] -= off
        exprs[found.owner] = f"{exprs[found.owner]}-{format_amount(found.amount)}*{found.pairs}"
        sources.append(rule_source(by_sku[found.owner], rule))
        parts.append(f"{name_of(by_sku[found.owner])}和{name_of(by_sku[found.partner])}同拍立减{format_price(off)}")


def _bundle(items: list[tuple[Product, int]], rules_of: dict[str, list[PromotionRule]]
            ) -> tuple[PromotionRule, list[str]] | None:
    """A bundle price ("充电宝+充电器组合价239元") written on two or more products of the basket, or
    on one whose text names the basket's other product ("搭配冰丝防晒衣一起买，两件套装价159元")."""
    by_text: dict[str, list[tuple[PromotionRule, Product]]] = {}
    for product, _ in items:
        for rule in rules_of.get(product.sku, []):
            if rule.kind == "bundle":
                by_text.setdefault(rule.text, []).append((rule, product))
    for (rule, owner), *more in by_text.values():
        named = re.split(r"组合|套装|搭配价|合购|套餐|同时|一起|[，,；;]", rule.text)[0]  # the products, not the price
        partner = partner_of(named, owner, tuple(p for p, _ in items if p.sku != owner.sku)) if len(items) == 2 else None
        if more or partner:
            return rule, [owner.sku, *(p.sku for _, p in more)] if more else [owner.sku, partner]
    return None


def _best_threshold(items: list[tuple[Product, int]], rules_of: dict[str, list[PromotionRule]],
                    subtotals: dict[str, float]) -> tuple[PromotionRule, str, float] | None:
    """The threshold promotion that takes most off (or, when none is reached, the nearest)."""
    options = []
    for product, _ in items:
        for rule in rules_of.get(product.sku, []):
            if rule.kind != "threshold":
                continue
            pool = _pooled_with(rule, items, rules_of) or [product.sku]
            covered = sum(subtotals.values()) if rule.store_wide else sum(subtotals[s] for s in pool)
            options.append((rule, product.sku, covered))
    if not options:
        return None
    return max(options, key=lambda o: (_threshold_off(o[2], o[0]), -(o[0].threshold - o[2])))


_POOLED = re.compile(r"合并|一起|合计|共同|凑单|两款|多款|、")


def _pooled_with(rule: PromotionRule, items: list[tuple[Product, int]],
                 rules_of: dict[str, list[PromotionRule]]) -> list[str]:
    """The basket's products one threshold counts together: those carrying the same rule text
    when it says so ("骑行服、骑行手套两款合并满300减40"); empty when it counts its own only."""
    if not _POOLED.search(rule.text):
        return []
    pool = [p.sku for p, _ in items if any(r.text == rule.text for r in rules_of.get(p.sku, []))]
    return pool if len(pool) > 1 else []


def spoken_name(product: Product) -> str:
    """What a host calls the product: the title's first word (高山乌龙茶), not the listing title."""
    words = product.title.split()
    return words[0] if words else product.title
