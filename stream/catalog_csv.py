"""Catalogs as spreadsheets: one product per CSV row, nested fields packed into cells.

Cell formats (what a merchant types in Excel):
  specs, policies     name=value; name=value        (also ： or : for =, and ； for ;)
  selling_points, scenes  one|two|three
  promotions          满199减30@2026-12-01T00:00:00+08:00|第二件半价   (@ends_at is optional)
  faq                 question::answer|question::answer
A `shop` column names the shop (the first non-empty cell wins); `service_hours` likewise.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any

from script.catalog import CatalogProblem

COLUMNS = ("sku", "title", "category", "price", "list_price", "stock", "specs", "selling_points", "promotions",
           "faq", "policies", "image", "scenes", "link", "shop", "service_hours")
_PAIR_SPLIT = re.compile(r"[;；]")
_KEY_VALUE = re.compile(r"\s*([^=：:]+?)\s*[=：:]\s*(.+?)\s*$")


def _pairs(cell: str, where: str, column: str, problems: list[CatalogProblem], source: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in filter(str.strip, _PAIR_SPLIT.split(cell)):
        match = _KEY_VALUE.match(part)
        if match is None:
            problems.append(CatalogProblem(source, where, column, f"{part.strip()!r} is not name=value"))
            continue
        out[match.group(1)] = match.group(2)
    return out


def catalog_data_from_csv(text: str, source: str) -> tuple[dict[str, Any], list[CatalogProblem]]:
    """Catalog data as catalog_from_data expects it, plus the problems found in the cells."""
    problems: list[CatalogProblem] = []
    # newline="": line ends inside quoted cells stay text, and a lone \r ends a row as Excel's does
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))  # Excel writes a BOM
    header = [h.strip() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        problems.append(CatalogProblem(source, "header", ", ".join(unknown),
                                       f"unknown column(s); known: {', '.join(COLUMNS)}"))
    shop: dict[str, str] = {}
    products: list[dict[str, Any]] = []
    for row_number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        where = f"row {row_number}"
        for key in ("shop", "service_hours"):
            if row.get(key) and key not in shop:
                shop["name" if key == "shop" else key] = row[key]
        product: dict[str, Any] = {k: row[k] for k in ("sku", "title", "category", "price", "list_price", "stock",
                                                       "image", "link") if row.get(k)}
        product["specs"] = _pairs(row.get("specs", ""), where, "specs", problems, source)
        product["policies"] = _pairs(row.get("policies", ""), where, "policies", problems, source)
        product["selling_points"] = row.get("selling_points", "")
        product["scenes"] = row.get("scenes", "")
        promotions = []
        for part in filter(str.strip, row.get("promotions", "").split("|")):
            text_part, _, ends = part.partition("@")
            promotions.append({"text": text_part.strip(), **({"ends_at": ends.strip()} if ends.strip() else {})})
        product["promotions"] = promotions
        faq = []
        for part in filter(str.strip, row.get("faq", "").split("|")):
            q, sep, a = part.partition("::")
            if not sep:
                problems.append(CatalogProblem(source, where, "faq", f"{part.strip()!r} is not question::answer"))
                continue
            faq.append({"q": q.strip(), "a": a.strip()})
        product["faq"] = faq
        product["_row"] = row_number
        products.append(product)
    data = {"shop": shop or {"name": ""}, "products": products}
    return data, problems
