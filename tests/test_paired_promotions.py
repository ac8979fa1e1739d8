"""A promotion written on one product naming a partner ("与新会五年陈皮同拍立减15元"): money off when the
partner is in the basket, never for a look-alike sibling, once per pair."""
from __future__ import annotations

import pytest

from script.promotions import quote, read_rule, rules_for
from stream.catalog_file import parse_catalog_text

SHOP = parse_catalog_text("""
shop: {name: 岭南小店}
products:
  - {sku: C10, title: 新会十年陈皮 100g罐装, category: food, price: 128}
  - {sku: C05, title: 新会五年陈皮 100g罐装, category: food, price: 68}
  - {sku: POT, title: 隔水电炖盅 一大两小, category: home, price: 189, promotions: [{text: 与新会五年陈皮同拍立减15元}]}
  - {sku: BLK, title: 双人法兰绒电热毯, category: home, price: 169, promotions: [{text: 电热毯与保暖窗帘（任意尺寸）同拍立减30元}]}
  - {sku: CUR, title: 加厚保温遮光窗帘, category: home, price: 89}
  - {sku: BED, title: 加厚保暖宠物窝, category: other, price: 49}
""", "inline")


def priced(*items: tuple[str, int]):
    basket = [(SHOP.product(sku), qty) for sku, qty in items]
    return quote(basket, {p.sku: rules_for(p, SHOP.products, None) for p, _ in basket})


def test_a_paired_promotion_is_read_with_its_partner_and_amount():
    rule = read_rule(0, SHOP.product("POT").promotions[0])
    assert (rule.kind, rule.amount, rule.partner) == ("paired_off", 15.0, "新会五年陈皮")


@pytest.mark.parametrize("items, total", [
    ((("POT", 1), ("C05", 1)), 242.0),   # 189 + 68 - 15
    ((("POT", 1), ("C10", 1)), 317.0),   # the ten-year peel is not the partner
    ((("POT", 2), ("C05", 1)), 431.0),   # one pair: 189*2 + 68 - 15
    ((("BLK", 1), ("CUR", 1)), 228.0),   # 保暖窗帘 is the curtain, not the 保暖 pet bed
    ((("BLK", 1), ("BED", 1)), 218.0),   # 169 + 49: no pair
    ((("POT", 1),), 189.0),
])
def test_the_partner_takes_money_off_and_look_alikes_do_not(items, total):
    assert priced(*items).total == pytest.approx(total)


def test_the_pair_is_explained_and_its_arithmetic_checked():
    result = priced(("POT", 1), ("C05", 1))
    assert "同拍立减15元" in result.sentence and "一共242元" in result.sentence
    assert "POT.promotions[0]" in result.sources
    assert any(d.startswith("242=") for d in result.derived)
