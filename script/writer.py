"""Selling lines written from catalog facts in a persona's style.

Every number a line states comes from the product record; the line lists those facts in
`sources` so the guard (and a reviewer) can trace them.
"""
from __future__ import annotations

from .catalog import Product
from .lines import Line, Priority, format_price
from .persona import PersonaStyle

_MAX_SPECS = 3
_POLICY_ORDER = ("returns", "shipping", "price_protection")


def _pick(options: tuple[str, ...], cycle: int, salt: int) -> str:
    # Deterministic rotation: the same cycle gives the same line, the next cycle a different one.
    return options[(cycle + salt) % len(options)]


def _price_sentence(product: Product) -> tuple[str, list[str]]:
    price = format_price(product.price)
    if product.list_price and product.list_price > product.price:
        return (f"日常价{format_price(product.list_price)}，今天直播间到手价只要{price}！",
                [f"{product.sku}.list_price", f"{product.sku}.price"])
    return f"直播间到手价{price}！", [f"{product.sku}.price"]


def write_selling_line(product: Product, style: PersonaStyle, cycle: int, line_id: str) -> Line:
    salt = sum(map(ord, product.sku))
    sentences: list[str] = [_pick(style.openers, cycle, salt).format(title=product.title)]
    sources: list[str] = [f"{product.sku}.title"]

    if product.selling_points:
        points = "，".join(product.selling_points[:3])
        sentences.append(f"{_pick(style.catch_phrases, cycle, salt)}，{points}。")
        sources.append(f"{product.sku}.selling_points")

    specs = list(product.specs.items())[:_MAX_SPECS]
    if specs:
        sentences.append("，".join(f"{name}{value}" for name, value in specs) + "。")
        sources += [f"{product.sku}.specs.{name}" for name, _ in specs]

    price_sentence, price_sources = _price_sentence(product)
    sentences.append(f"{_pick(style.transitions, cycle, salt)}，{price_sentence}")
    sources += price_sources

    if product.promotions:
        sentences.append(f"现在下单还有{product.promotions[0].text}的活动。")
        sources.append(f"{product.sku}.promotions[0]")

    policies = [product.policies[k] for k in _POLICY_ORDER if k in product.policies]
    if policies:
        sentences.append(f"{'，'.join(policies)}，{_pick(style.reassurances, cycle, salt)}。")
        sources += [f"{product.sku}.policies.{k}" for k in _POLICY_ORDER if k in product.policies]

    sentences.append(_pick(style.calls_to_action, cycle, salt))
    return Line(line_id, Priority.RUNDOWN, tuple(sentences), product.sku, tuple(sources))
