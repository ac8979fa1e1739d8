"""The card on screen for the product being sold: title, price, list price and one badge."""
from __future__ import annotations

from datetime import datetime

from avatar.scene import ProductCard
from script.catalog import Catalog
from script.writer import live_promotions


def product_card(catalog: Catalog, sku: str, now: datetime | None = None) -> ProductCard | None:
    product = catalog.product(sku)
    if product is None:
        return None
    running = live_promotions(product, now)
    badge = "已售罄" if product.sold_out else (running[0][1].text if running else None)
    return ProductCard(product.title, product.price, product.list_price, badge, product.image)
