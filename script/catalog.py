"""Catalog schema and validation (pure: callers read the file, this module checks the data).

A bad catalog is refused as a whole with every problem listed by source, product and field.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime
from typing import Any, Mapping

from .catalog_limits import LIST_ITEMS, MAX_PRICE, MAX_PRODUCTS, MAX_STOCK, TEXT_CHARS

CATEGORIES = ("food", "beauty", "electronics", "apparel", "baby", "home", "health_food", "other")


@dataclass(frozen=True)
class CatalogProblem:
    source: str
    where: str  # "products[2] (sku A1001)" or "shop"
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.where}: {self.field}: {self.message}"


class CatalogError(ValueError):
    def __init__(self, problems: list[CatalogProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"catalog refused, {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Promotion:
    text: str
    ends_at: datetime | None = None


@dataclass(frozen=True)
class FaqEntry:
    q: str
    a: str


@dataclass(frozen=True)
class Product:
    sku: str
    title: str
    category: str
    price: float
    list_price: float | None = None
    stock: int | None = None
    specs: Mapping[str, str] = field(default_factory=dict)
    selling_points: tuple[str, ...] = ()
    promotions: tuple[Promotion, ...] = ()
    faq: tuple[FaqEntry, ...] = ()
    policies: Mapping[str, str] = field(default_factory=dict)
    image: str | None = None
    scenes: tuple[str, ...] = ()  # where the product is used ("下午茶"), for scene lines
    link: int | None = None  # the cart's link number (小黄车3号链接); the catalog fills in the default


    @property
    def sold_out(self) -> bool:
        return self.stock is not None and self.stock <= 0


@dataclass(frozen=True)
class Shop:
    name: str
    service_hours: str | None = None


@dataclass(frozen=True)
class Catalog:
    shop: Shop
    products: tuple[Product, ...]
    source: str = "<catalog>"
    warnings: tuple[CatalogProblem, ...] = ()  # accepted with a change (over-long text cut)

    def product(self, sku: str) -> Product | None:
        return self._by_sku.get(sku)

    @cached_property
    def _by_sku(self) -> dict[str, Product]:
        return {p.sku: p for p in self.products}

    def link_of(self, product: Product) -> int:
        """The product's cart link number: its own `link`, else its 1-based position in the file."""
        if product.link is not None:
            return product.link
        return self._positions[product.sku]

    def product_at_link(self, number: int) -> Product | None:
        """The product at a cart link; a link the merchant wrote wins over a position default."""
        return self._at_link.get(number)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {p.sku: i for i, p in enumerate(self.products, 1)}

    @cached_property
    def _at_link(self) -> dict[int, Product]:
        by_position = {i: p for i, p in enumerate(self.products, 1) if p.link is None}
        return by_position | {p.link: p for p in reversed(self.products) if p.link is not None}


class _Checker:
    """Collects problems instead of stopping at the first, so the merchant fixes them in one go."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[CatalogProblem] = []
        self.warnings: list[CatalogProblem] = []

    def add(self, where: str, field_name: str, message: str) -> None:
        self.problems.append(CatalogProblem(self.source, where, field_name, message))

    def capped(self, value: str, limit_key: str, where: str, field_name: str) -> str:
        limit = TEXT_CHARS[limit_key]
        if len(value) <= limit:
            return value
        if limit_key == "sku":  # an identity: cutting it could merge two products
            self.add(where, field_name, f"{len(value)} characters, limit {limit}")
            return value
        self.warnings.append(CatalogProblem(self.source, where, field_name,
                                            f"{len(value)} characters, cut to the first {limit}"))
        return value[:limit].strip()

    def items(self, values: list, key: str, where: str) -> list:
        limit = LIST_ITEMS[key]
        if len(values) > limit:
            self.add(where, key, f"{len(values)} items, limit {limit}")
            return values[:limit]
        return values

    def text(self, d: Mapping, key: str, where: str, required: bool = True, limit_key: str | None = None) -> str | None:
        value = d.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(where, key, "is required")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(value, int) and value.bit_length() > 64:
                self.add(where, key, "is a number too long to be text: quote it")
                return None
            return self.capped(str(value), limit_key or key, where, key)
        if not isinstance(value, str):
            self.add(where, key, f"must be text, got {type(value).__name__}")
            return None
        return self.capped(value.strip(), limit_key or key, where, key)

    def number(self, d: Mapping, key: str, where: str, required: bool, positive: bool = True,
               integer: bool = False, money: bool = False) -> float | None:
        value = d.get(key)
        if value is None or value == "":
            if required:
                self.add(where, key, "is required")
            return None
        if isinstance(value, str):
            try:
                value = float(value.replace(",", "").lstrip("¥￥"))
            except ValueError:
                self.add(where, key, f"must be a number, got {d.get(key)!r}")
                return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(where, key, f"must be a number, got {type(value).__name__}")
            return None
        if isinstance(value, int) and value.bit_length() > 64:
            self.add(where, key, "is out of range")
            return None
        if not math.isfinite(value):
            self.add(where, key, f"must be a finite number, got {value}")
            return None
        if money:
            if value > MAX_PRICE:
                self.add(where, key, f"{value:g} is above {MAX_PRICE:,.0f}: a typo?")
                return None
            value = round(value, 2)  # what the host says: 0.001 would air as 0元
        if integer and value > MAX_STOCK:
            self.add(where, key, f"{value:g} is above {MAX_STOCK:,}")
            return None
        if integer and float(value) != int(value):
            self.add(where, key, f"must be a whole number, got {value}")
            return None
        if positive and value <= 0:
            self.add(where, key, f"must be > 0, got {value}")
            return None
        if not positive and value < 0:
            self.add(where, key, f"must be >= 0, got {value}")
            return None
        return float(value)

    def _scalar(self, value: object, where: str, field_name: str) -> str | None:
        if isinstance(value, (Mapping, list)):
            self.add(where, field_name, f"must be text, got {type(value).__name__}")
            return None
        return str(value).strip()

    def text_map(self, d: Mapping, key: str, where: str, limit_prefix: str) -> dict[str, str]:
        value = d.get(key) or {}
        if not isinstance(value, Mapping):
            self.add(where, key, f"must be a mapping of name: value, got {type(value).__name__}")
            return {}
        out = {}
        for name, text in self.items(list(value.items()), key, where):
            name_text = self._scalar(name, where, key)
            value_text = None if text is None else self._scalar(text, where, f"{key}.{name}")
            if name_text and value_text is not None:
                out[self.capped(name_text, f"{limit_prefix}_name", where, key)] = \
                    self.capped(value_text, f"{limit_prefix}_value", where, f"{key}.{name_text[:40]}")
        return out

    def text_list(self, d: Mapping, key: str, where: str) -> tuple[str, ...]:
        value = d.get(key) or []
        if isinstance(value, str):
            value = value.split("|")
        if not isinstance(value, list):
            self.add(where, key, f"must be a list, got {type(value).__name__}")
            return ()
        texts = (self._scalar(v, where, f"{key}[{i}]") for i, v in enumerate(self.items(value, key, where)))
        return tuple(self.capped(t, key, where, f"{key}[{i}]") for i, t in enumerate(texts) if t)


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _unexpected_keys(check: _Checker, item: Mapping, allowed: set[str], where: str, field_name: str) -> None:
    for key in item:
        if key not in allowed:
            check.add(where, field_name, f"unexpected field {key!r} (in YAML, a comma inside unquoted "
                                         f"{{...}} splits the text: quote it or use a Chinese comma)")


def _promotions(check: _Checker, raw: Mapping, where: str) -> tuple[Promotion, ...]:
    items = raw.get("promotions") or []
    if not isinstance(items, list):
        check.add(where, "promotions", "must be a list")
        return ()
    promos = []
    for i, item in enumerate(check.items(items, "promotions", where)):
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, Mapping):
            check.add(where, f"promotions[{i}]", "must be a mapping with text (and ends_at)")
            continue
        _unexpected_keys(check, item, {"text", "ends_at"}, where, f"promotions[{i}]")
        text = check.text(item, "text", where=f"{where} promotions[{i}]", limit_key="promotion")
        ends_at = None
        if item.get("ends_at"):
            try:
                ends_at = _parse_time(item["ends_at"])
            except ValueError:
                check.add(where, f"promotions[{i}].ends_at", f"is not an ISO date-time: {item['ends_at']!r}")
            else:
                if ends_at.tzinfo is None:
                    check.add(where, f"promotions[{i}].ends_at", "needs a UTC offset, e.g. +08:00")
                    ends_at = None
        if text:
            promos.append(Promotion(text, ends_at))
    return tuple(promos)


def _faq(check: _Checker, raw: Mapping, where: str) -> tuple[FaqEntry, ...]:
    items = raw.get("faq") or []
    if not isinstance(items, list):
        check.add(where, "faq", "must be a list of {q, a}")
        return ()
    entries = []
    for i, item in enumerate(check.items(items, "faq", where)):
        if not isinstance(item, Mapping):
            check.add(where, f"faq[{i}]", "must be a mapping with q and a")
            continue
        _unexpected_keys(check, item, {"q", "a"}, where, f"faq[{i}]")
        q = check.text(item, "q", f"{where} faq[{i}]")
        a = check.text(item, "a", f"{where} faq[{i}]")
        if q and a:
            entries.append(FaqEntry(q, a))
    return tuple(entries)


def _link(check: _Checker, raw: Mapping, where: str) -> int | None:
    number = check.number(raw, "link", where, required=False, integer=True)
    return None if number is None else int(number)


def _product(check: _Checker, raw: Any, index: int) -> Product | None:
    where = f"products[{index}]"
    if not isinstance(raw, Mapping):
        check.add(where, "-", f"must be a mapping, got {type(raw).__name__}")
        return None
    before = len(check.problems)
    sku = check.text(raw, "sku", where)
    if sku:
        where = f"products[{index}] (sku {sku})"
    title = check.text(raw, "title", where)
    category = check.text(raw, "category", where) or "other"
    if category not in CATEGORIES:
        check.add(where, "category", f"unknown {category!r}; expected one of {', '.join(CATEGORIES)}")
    price = check.number(raw, "price", where, required=True, money=True)
    list_price = check.number(raw, "list_price", where, required=False, money=True)
    if price is not None and list_price is not None and list_price < price:
        check.add(where, "list_price", f"{list_price:g} is below the current price {price:g}")
    stock = check.number(raw, "stock", where, required=False, positive=False, integer=True)
    product = Product(
        sku=sku or "", title=title or "", category=category, price=price or 0.0,
        list_price=list_price, stock=None if stock is None else int(stock),
        specs=check.text_map(raw, "specs", where, "spec"),
        selling_points=check.text_list(raw, "selling_points", where),
        promotions=_promotions(check, raw, where),
        faq=_faq(check, raw, where),
        policies=check.text_map(raw, "policies", where, "policy"),
        image=check.text(raw, "image", where, required=False),
        scenes=check.text_list(raw, "scenes", where),
        link=_link(check, raw, where),
    )
    return product if len(check.problems) == before else None


def catalog_from_data(data: Any, source: str = "<catalog>") -> Catalog:
    """Validate parsed catalog data; raise CatalogError listing every problem."""
    check = _Checker(source)
    if not isinstance(data, Mapping):
        check.add("catalog", "-", f"top level must be a mapping with shop and products, got {type(data).__name__}")
        raise CatalogError(check.problems)
    shop_raw = data.get("shop") or {}
    if not isinstance(shop_raw, Mapping):
        check.add("shop", "-", "must be a mapping with name")
        shop_raw = {}
    shop = Shop(name=check.text(shop_raw, "name", "shop") or "", service_hours=check.text(
        shop_raw, "service_hours", "shop", required=False))
    raw_products = data.get("products")
    if not isinstance(raw_products, list) or not raw_products:
        check.add("catalog", "products", "must be a non-empty list")
        raw_products = []
    if len(raw_products) > MAX_PRODUCTS:
        check.add("catalog", "products", f"{len(raw_products)} products, limit {MAX_PRODUCTS}")
        raise CatalogError(check.problems)
    products = [_product(check, raw, i) for i, raw in enumerate(raw_products)]
    seen: dict[str, int] = {}
    for i, p in enumerate(products):
        if p is None:
            continue
        if p.sku in seen:
            check.add(f"products[{i}] (sku {p.sku})", "sku", f"duplicates products[{seen[p.sku]}]")
        seen.setdefault(p.sku, i)
    titled: dict[str, int] = {}
    for i, p in enumerate(products):
        if p is not None and p.title in titled:  # viewers and the host tell products apart by title
            check.warnings.append(CatalogProblem(check.source, f"products[{i}] (sku {p.sku})", "title",
                                                 f"same title as products[{titled[p.title]}]: {p.title!r}"))
        if p is not None:
            titled.setdefault(p.title, i)
    links: dict[int, str] = {}
    for i, p in enumerate(products):
        if p is not None and p.link is not None:
            if p.link in links:
                check.add(f"products[{i}] (sku {p.sku})", "link", f"link {p.link} is also the link of {links[p.link]}")
            links.setdefault(p.link, p.sku)
    if check.problems:
        raise CatalogError(check.problems)
    return Catalog(shop=shop, products=tuple(p for p in products if p is not None), source=source,
                   warnings=tuple(check.warnings))
