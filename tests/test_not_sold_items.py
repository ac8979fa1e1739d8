"""A thing the shop does not sell, asked for beside words that happen to name a product it does
("有哈啤吗 哈尔滨啤酒" in a shop selling 哈尔滨红肠; "有血压计吗 给老人量血压" beside 老人手机), a
qualifier none of the listings has (男款 of a women's jacket), and a size no variant comes in
(10公斤 of a 5kg bag), gets the honest "we don't sell it" and never the other product's facts."""
from __future__ import annotations

import pytest

from script.answers import Answerer
from script.dialect import to_mandarin
from stream.catalog_file import parse_catalog_text

SHOP = """
shop: {name: 小店}
products:
  - {sku: SAUS, title: 哈尔滨红肠 500g, category: food, price: 59, specs: {产地: 黑龙江哈尔滨}}
  - {sku: RICE, title: 五常大米 5kg, category: food, price: 79, specs: {净含量: 5kg}}
  - {sku: PHONE, title: 4G老人手机 大字大声, category: electronics, price: 199, specs: {屏幕: 2.8英寸}}
  - {sku: HOOD, title: 重磅连帽卫衣, category: apparel, price: 159}
  - {sku: COAT, title: 女士长款连帽羽绒服, category: apparel, price: 399, selling_points: [过膝长款]}
"""


@pytest.fixture(scope="module")
def answerer():
    return Answerer.build(parse_catalog_text(SHOP, "shop.yaml"))


@pytest.mark.parametrize("text", ["有哈啤吗 哈尔滨啤酒 整一箱", "有血压计吗 给老人量血压", "有男款羽绒服吗",
                                  "大米有10公斤的吗 5公斤不够吃", "卫衣有配套的卫裤吗"])
def test_what_the_shop_does_not_sell_is_said_honestly(answerer, text):
    assert answerer.answer(to_mandarin(text), None, None).not_sold


@pytest.mark.parametrize("text", ["大米有5公斤的吗", "哈尔滨红肠有吗", "羽绒服有别的款吗"])
def test_what_it_does_sell_is_not_refused(answerer, text):
    assert not answerer.answer(to_mandarin(text), None, None).not_sold


def test_a_shade_number_no_variant_has_is_not_sold():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: L01, title: "雾面唇釉 #01 奶茶豆沙", category: beauty, price: 89, specs: {色号: "#01 奶茶豆沙"}}
  - {sku: L05, title: "雾面唇釉 #05 枫叶红", category: beauty, price: 89, specs: {色号: "#05 枫叶红"}}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    assert answerer.answer("唇釉有03号色吗", None, None).not_sold
    assert not answerer.answer("唇釉有05号色吗", None, None).not_sold
