"""The advertising-law and fact guard: every selling line and answer passes it before speech.

Rules are data (`guard_rules.yaml` in this package, extendable by a merchant file); the checks
they configure live here. Pure: callers pass the products a line is about and the current time.

    guard = Guard.from_rules(merge_rules(default_rules(), load_rules_text(text, "merchant.yaml")))
    verdict = guard.check(line.text, GuardContext(products=(product,), now=now))
    if not verdict.ok: ...  # speak a safe template line instead; log verdict.hits

Numbers: every number must equal (by value, however written: 89, 89.0, 八十九) a number in
the facts of the products concerned (price, list_price, stock, title, sku, specs, selling
points, live promotions, faq, policies) or one of `derived_numbers` the caller vouches for
(e.g. a saving it computed). Numbers with a money unit (元, 块, ¥) must trace to a money fact
(price, list_price, a promotion, a number written with a money unit, or a derived number), so a
spec like 250g cannot vouch for "250元". Small counts (1-3, configurable) are structure, not
claims -- 两件, 一起, 第一款 -- unless a unit follows (2元, 3天), a promotion or scarcity word
comes before (买一送一, 仅剩2件, 前3名, 限购2件) or it is a promotion ordinal (第2件半价).
Numerals inside idioms (十分, 一一, 四季, 零食) are not numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Mapping

from .catalog import Product
from .contact import find_contacts, redact
from .derivation import vouched_values
from .guard_rules import (DisabledRule, GuardRules, GuardRulesError, Rule, default_rules, load_rules_text,
                          merge_rules, rules_from_data, rules_summary)
from .spoken_numbers import NumberMention, canonical, find_numbers
from .text_variants import compact, normalize

__all__ = ["Guard", "GuardContext", "GuardHit", "GuardVerdict", "DisabledRule", "GuardRules", "GuardRulesError",
           "Rule", "default_rules", "load_rules_text", "merge_rules", "rules_from_data", "rules_summary"]

_MONEY_AFTER = ("元", "块", "rmb")
_WHOLE_LINE_TYPES = ("disclaimer", "expired_promotion")
_MONEY_BEFORE = ("¥", "￥")


@dataclass(frozen=True)
class GuardHit:
    rule_id: str
    excerpt: str  # the offending words (contact details redacted)
    message: str  # why, citing the law or platform rule


@dataclass(frozen=True)
class GuardVerdict:
    hits: tuple[GuardHit, ...] = ()
    required_suffix: str | None = None  # text that, appended, satisfies a missing disclaimer
    suffix_fixes: tuple[str, ...] = ()  # ids of the rules that appending required_suffix satisfies

    @property
    def ok(self) -> bool:
        return not self.hits

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.rule_id for h in self.hits))

    @property
    def fixable_by_suffix(self) -> bool:
        """True when the only problem is a missing disclaimer that `required_suffix` supplies."""
        return bool(self.hits) and self.required_suffix is not None and all(
            h.rule_id in self.suffix_fixes for h in self.hits)


@dataclass(frozen=True)
class GuardContext:
    products: tuple[Product, ...] = ()  # the product(s) the line is about; () for generic lines
    now: datetime | None = None  # timezone-aware; None means promotion times cannot be checked
    derived_numbers: tuple[str, ...] = ()  # derivations ("59.5=119/2"), checked; or plain facts the guard cannot see

    def __post_init__(self) -> None:
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError("GuardContext.now must be timezone-aware (e.g. datetime.now(timezone.utc))")


# ---------------------------------------------------------------- compiled checks

def _folded(text: str) -> str:
    return normalize(text).text


def _squeezed(text: str) -> str:
    return compact(normalize(text)).text


def _alternation(rule: Rule) -> re.Pattern | None:
    parts = [re.escape(_folded(t)) for t in sorted(rule.terms, key=len, reverse=True)] + list(rule.patterns)
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    matcher: re.Pattern | None
    exceptions: re.Pattern | None


def _applies(rule: Rule, products: tuple[Product, ...]) -> bool:
    return not rule.categories or any(p.category in rule.categories for p in products)


def _promotion_live(ends_at: datetime | None, now: datetime | None) -> bool:
    return ends_at is None or (now is not None and ends_at > now)


class _Facts:
    """What the products concerned state, for tracing numbers and specs-backed claims."""

    def __init__(self, ctx: GuardContext) -> None:
        values: set[Decimal] = set()
        money: set[Decimal] = set()
        texts: list[str] = []
        specs: list[str] = []
        for p in ctx.products:
            for number in (p.price, p.list_price):
                if number is not None:
                    money.add(canonical(number))
            if p.stock is not None:
                values.add(canonical(p.stock))
            specs += [f"{k}{v}" for k, v in p.specs.items()]
            texts += [p.title, p.sku, *p.selling_points, *p.policies.values()]
            texts += [f"{f.q} {f.a}" for f in p.faq]
            for promo in p.promotions:
                if _promotion_live(promo.ends_at, ctx.now):
                    money |= {m.value for m in find_numbers(promo.text)}
        for text in texts + specs:
            for m in find_numbers(text):
                values.add(m.value)
                if _is_money(text, m):
                    money.add(m.value)
        # Computed numbers come as derivations ("134.85=89.9*2-89.9/2"): checked against the facts,
        # not trusted. A plain entry is a fact the guard cannot see (a cart link's default number, a
        # promotion's end date).
        known = values | money
        money |= vouched_values(tuple(str(t) for t in ctx.derived_numbers), known)
        for text in ctx.derived_numbers:
            if "=" not in str(text):
                money |= {m.value for m in find_numbers(str(text))}
        self.values = values | money
        self.money = money
        self.specs_folded = _squeezed(" ".join(specs))


def _is_money(text: str, m: NumberMention) -> bool:
    after = _folded(text[m.end:m.end + 3]).lstrip()
    before = text[max(0, m.start - 1):m.start]
    return after.startswith(_MONEY_AFTER) or before in _MONEY_BEFORE


class Guard:
    """Checks one line of host speech against compiled rules."""

    def __init__(self, rules: GuardRules, viewer_text: bool = False) -> None:
        """`viewer_text`: read text a viewer supplied (a nick, a gift name) rather than the host's
        own line: rules of scope "viewer" apply too, every rule applies whatever the products'
        categories (no product vouches for a nick), and disclaimers and ended promotions, which
        concern whole lines, do not."""
        problems = [f"rule {r.id} ({r.source}): needs a type and a message" for r in rules.rules
                    if not r.type or not r.message]
        problems += [f"rule {r.id} ({r.source}): a {r.type} rule needs terms or patterns" for r in rules.rules
                     if r.type in ("phrase", "stock_urgency", "countdown_urgency") and not (r.terms or r.patterns)]
        problems += [f"rule {r.id} ({r.source}): a disclaimer rule needs options.required_text" for r in rules.rules
                     if r.type == "disclaimer" and not str(r.options.get("required_text") or "").strip()]
        if problems:
            raise GuardRulesError("; ".join(problems))
        self.rules = rules
        self.viewer_text = viewer_text
        if viewer_text:
            active = [replace(r, categories=()) for r in rules.rules if r.type not in _WHOLE_LINE_TYPES]
        else:
            active = [r for r in rules.rules if r.scope != "viewer"]
        self._compiled = tuple(
            _Compiled(r, _alternation(r),
                      re.compile("|".join(f"(?:{p})" for p in r.exceptions)) if r.exceptions else None)
            for r in active)

    @classmethod
    def default(cls) -> "Guard":
        return cls(default_rules())

    @classmethod
    def from_rules(cls, rules: GuardRules) -> "Guard":
        return cls(rules)

    def for_viewer_text(self) -> "Guard":
        """The same rules, read as for text a viewer supplied (see __init__)."""
        return self if self.viewer_text else Guard(self.rules, viewer_text=True)

    def check(self, text: str, ctx: GuardContext) -> GuardVerdict:
        view = normalize(text)
        facts = _Facts(ctx)
        hits: list[tuple[int, GuardHit]] = []
        suffix: str | None = None
        suffix_rules: list[str] = []
        for compiled in self._compiled:
            rule = compiled.rule
            if not _applies(rule, ctx.products):
                continue
            check = getattr(self, f"_check_{rule.type}")
            found = check(compiled, text, view.text, view.origin, ctx, facts)
            hits += found
            if rule.type == "disclaimer" and found:
                suffix = (suffix or "") + str(rule.options.get("suffix") or rule.options["required_text"])
                suffix_rules.append(rule.id)
        ordered = tuple(hit for _, hit in sorted(hits, key=lambda h: h[0]))
        return GuardVerdict(ordered, suffix, tuple(suffix_rules))

    # Each check returns (position, hit) pairs; position orders hits as they occur in the line.

    @staticmethod
    def _phrase_spans(compiled: _Compiled, folded: str) -> list[tuple[int, int]]:
        if compiled.matcher is None:
            return []
        allowed = [m.span() for m in compiled.exceptions.finditer(folded)] if compiled.exceptions else []
        return [m.span() for m in compiled.matcher.finditer(folded)
                if m.end() > m.start() and not any(a <= m.start() and m.end() <= b for a, b in allowed)]

    @staticmethod
    def _original(text: str, origin: tuple[int, ...], start: int, end: int) -> tuple[int, str]:
        return origin[start], text[origin[start]:origin[end - 1] + 1]

    def _check_phrase(self, compiled, text, folded, origin, ctx, facts):
        rule = compiled.rule
        in_specs_terms = {_folded(t) for t in rule.options.get("allowed_in_specs_terms", ())}
        hits = []
        for start, end in self._phrase_spans(compiled, folded):
            words = folded[start:end]
            if (rule.allowed_if_in_specs or words in in_specs_terms) and _squeezed(words) in facts.specs_folded:
                continue
            pos, excerpt = self._original(text, origin, start, end)
            hits.append((pos, GuardHit(rule.id, excerpt, rule.message)))
        return hits

    def _check_contact(self, compiled, text, folded, origin, ctx, facts):
        rule = compiled.rule
        titles = _squeezed(" ".join(p.title for p in ctx.products))
        hits = [(m.start, GuardHit(rule.id, redact(text[m.start:m.end]), rule.message))
                for m in find_contacts(text)
                # A marker word inside a product's own name (QQ糖) is the product, not a contact.
                if m.redactable or _squeezed(text[m.start:m.end]) not in titles]
        return hits + self._check_phrase(compiled, text, folded, origin, ctx, facts)

    def _check_disclaimer(self, compiled, text, folded, origin, ctx, facts):
        rule = compiled.rule
        required = str(rule.options["required_text"])
        if _squeezed(required) in _squeezed(text):
            return []
        return [(len(text), GuardHit(rule.id, f"缺少“{required}”", rule.message))]

    def _check_stock_urgency(self, compiled, text, folded, origin, ctx, facts):
        rule = compiled.rule
        window = int(rule.options.get("number_window", 8))
        time_units = [_folded(u) for u in rule.options.get("time_units", ())]
        sold_out_words = {_folded(w) for w in rule.options.get("sold_out_terms", ())}
        stocks = {canonical(p.stock) for p in ctx.products if p.stock is not None}
        numbers = find_numbers(text)
        hits = []
        for start, end in self._phrase_spans(compiled, folded):
            pos, excerpt = self._original(text, origin, start, end)
            o_end = origin[end - 1] + 1
            stated = [m for m in numbers if pos <= m.start <= o_end + window]
            if stated and _unit_after(text, stated[0], time_units):
                continue  # "还剩10分钟" is time, left to the countdown rule
            if folded[start:end] in sold_out_words and Decimal(0) in stocks:
                continue  # "已经售罄" is the truth when the live stock is 0
            quoted = folded[max(0, start - 4):end]
            if folded[start:end] in sold_out_words and any(quoted in _folded(str(v)) for p in ctx.products
                                                           for v in p.specs.values()):
                continue  # "湖蓝已售罄" quotes the product's own spec: one variant is gone
            if _inside_spec_name(folded, start, end, ctx.products):
                continue  # "库存说明是…" names the product's own spec field
            if not stocks:
                why = "商品资料没有库存数"
            elif not stated:
                why = f"没有说出实时库存数（{'、'.join(map(str, sorted(stocks)))}）"
            elif stated[0].value in stocks:
                continue
            else:
                why = f"说的数字{stated[0].raw}不是实时库存数"
            hits.append((pos, GuardHit(rule.id, excerpt, f"{rule.message}（{why}）")))
        return hits

    def _check_countdown_urgency(self, compiled, text, folded, origin, ctx, facts):
        rule = compiled.rule
        live = any(promo.ends_at is not None and ctx.now is not None and promo.ends_at > ctx.now
                   for p in ctx.products for promo in p.promotions)
        if live:
            return []
        why = "无法核对当前时间" if ctx.now is None else "没有正在进行且有结束时间的活动"
        return [(pos, GuardHit(rule.id, excerpt, f"{rule.message}（{why}）"))
                for pos, excerpt in (self._original(text, origin, s, e)
                                     for s, e in self._phrase_spans(compiled, folded))]

    def _check_expired_promotion(self, compiled, text, folded, origin, ctx, facts):
        rule = compiled.rule
        line = _squeezed(text)
        hits = []
        for p in ctx.products:
            for promo in p.promotions:
                if _promotion_live(promo.ends_at, ctx.now):
                    continue
                needle = _squeezed(promo.text)
                if needle and needle in line:
                    when = "无法核对当前时间" if ctx.now is None else f"已于{promo.ends_at.isoformat()}结束"
                    hits.append((text.find(promo.text) if promo.text in text else 0,
                                 GuardHit(rule.id, promo.text, f"{rule.message}（{when}）")))
        return hits

    def _check_untraced_number(self, compiled, text, folded, origin, ctx, facts):
        rule = compiled.rule
        options = rule.options
        idioms = sorted((_folded(i) for i in options.get("idioms", ())), key=len, reverse=True)
        skip: list[tuple[int, int]] = []
        if idioms:
            for m in re.finditer("|".join(map(re.escape, idioms)), folded):
                skip.append((origin[m.start()], origin[m.end() - 1] + 1))
        units = sorted((_folded(u) for u in options.get("units", ())), key=len, reverse=True)
        hits = []
        for m in find_numbers(text, skip=tuple(skip)):
            money = _is_money(text, m)
            if m.value in (facts.money if money else facts.values):
                continue
            unit = _unit_after(text, m, units)
            if not money and _structural(text, m, unit, options):
                continue
            excerpt = redact(m.raw + (unit or ""))
            what = "金额" if money else "数字"
            hits.append((m.start, GuardHit(rule.id, excerpt,
                                           f"{rule.message}（{what}{excerpt}在商品资料中找不到出处）")))
        return hits


_RANGE_RE = re.compile(r"\s*[-~～至到]\s*[0-9一二两三四五六七八九十]+")


def _unit_after(text: str, m: NumberMention, units: list[str]) -> str | None:
    rest = _folded(text[m.end:m.end + 12])
    ranged = _RANGE_RE.match(rest)
    if ranged:
        rest = rest[ranged.end():]
    rest = rest.lstrip()
    for unit in units:
        if rest.startswith(unit):
            if unit.isascii() and unit.isalpha() and rest[len(unit):len(unit) + 1].isascii() \
                    and rest[len(unit):len(unit) + 1].isalpha():
                continue
            return unit
    return None


def _structural(text: str, m: NumberMention, unit: str | None, options: Mapping[str, Any]) -> bool:
    limit = Decimal(int(options.get("structural_max", 3)))
    if not (m.value == m.value.to_integral() and 1 <= m.value <= limit) or unit:
        return False
    before = _folded(text[max(0, m.start - 4):m.start]).rstrip()
    if any(before.endswith(_folded(w)) for w in options.get("markers_before", ())):
        return False
    after = _folded(text[m.end:m.end + 2]).lstrip()
    if before.endswith("第") and any(after.startswith(_folded(n)) for n in options.get("ordinal_nouns", ())):
        return False
    return True


def _inside_spec_name(folded: str, start: int, end: int, products) -> bool:
    """Whether folded[start:end] lies inside a spec field's name quoted in the line."""
    for product in products:
        for key in product.specs:
            name = _folded(str(key))
            at = folded.find(name, max(0, end - len(name)))
            if 0 <= at <= start and at + len(name) >= end:
                return True
    return False
