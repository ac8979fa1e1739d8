"""Catalog edits as functions of the current catalog (pure).

An edit says what it changes, never what the rest of the catalog was when it was made: a
console price edit sets that product's price, a stock edit that product's stock, a saved
catalog file what changed in the file. Applied one after another to the newest catalog
(stream.inbox.ShowInbox.commit), no edit can put back a value another one replaced.
"""
from __future__ import annotations

from dataclasses import fields, replace

from script.catalog import Catalog, Product
from script.catalog_limits import MAX_PRICE, MAX_STOCK

from .inbox import CatalogEdit


class EditRefused(ValueError):
    """The edit does not apply to the catalog as it is now; the message says why."""


def set_price_and_stock(sku: str, price: float | None, stock: float | None) -> CatalogEdit:
    """An operator's price and/or stock change for one product. Checked now (bad values are
    refused before anything is queued) and again against the catalog it is applied to."""
    changes: dict[str, object] = {}
    if price is not None:
        rounded = round(price, 2)  # what the host would say: 0.001 would air as 0元
        if not 0 < rounded <= MAX_PRICE:
            raise EditRefused(f"'price' must be 0.01 to {MAX_PRICE:,.0f}")
        changes["price"] = rounded
    if stock is not None:
        if not 0 <= stock <= MAX_STOCK or stock != int(stock):
            raise EditRefused(f"'stock' must be a whole number, 0 to {MAX_STOCK:,}")
        changes["stock"] = int(stock)
    if not changes:
        raise EditRefused("give 'price' and/or 'stock'")

    def edit(catalog: Catalog) -> Catalog:
        if catalog.product(sku) is None:
            raise EditRefused(f"no product {sku!r} in the catalog")
        return replace(catalog, products=tuple(replace(p, **changes) if p.sku == sku else p
                                               for p in catalog.products))
    return edit


def _changed_fields(before: Product, after: Product) -> dict[str, object]:
    return {f.name: getattr(after, f.name) for f in fields(after) if getattr(after, f.name) != getattr(before, f.name)}


def file_saved(before: Catalog | None, after: Catalog) -> CatalogEdit:
    """The merchant saved the catalog file: `before` is what the file held last, `after` what it
    holds now. What changed in the file is applied; what the console changed in between and the
    file did not touch stays. Products follow the file (added, removed, order). Without a
    previous version the file replaces the catalog."""
    def edit(current: Catalog) -> Catalog:
        if before is None:
            return after
        was = {p.sku: p for p in before.products}
        live = {p.sku: p for p in current.products}
        products = []
        for product in after.products:
            old, now = was.get(product.sku), live.get(product.sku)
            products.append(product if old is None or now is None else replace(now, **_changed_fields(old, product)))
        shop = after.shop if after.shop != before.shop else current.shop
        return replace(after, shop=shop, products=tuple(products))
    return edit
