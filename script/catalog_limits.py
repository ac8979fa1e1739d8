"""How big a catalog and its fields may be, as data a maintainer can change in one place.

Text over its limit is cut (the host reads and searches the cut text) and named as a warning,
so one careless paste can neither freeze the show nor stop it from starting. Counts over their
limit and numbers out of range are refused: they are not a paste, they are a broken file.
"""
from __future__ import annotations

TEXT_CHARS = {  # field -> the most characters kept
    "sku": 64, "title": 120, "category": 32, "image": 500, "name": 80, "service_hours": 120,
    "spec_name": 40, "spec_value": 200, "policy_name": 40, "policy_value": 300,
    "selling_points": 300, "scenes": 60, "promotion": 200, "q": 200, "a": 600,
}
LIST_ITEMS = {"selling_points": 40, "scenes": 20, "promotions": 20, "faq": 80, "specs": 80, "policies": 40}
MAX_PRODUCTS = 100_000
MAX_PRICE = 10_000_000.0  # yuan; above is a typo (or a sum a host must never say)
MAX_STOCK = 100_000_000
