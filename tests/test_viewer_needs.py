"""A viewer's situation, not a product name, asks for a recommendation: the product kinds the need
calls for, among what the shop has in stock; a length (1米8的床) names no rice."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.dialect import to_mandarin
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))

SHOP = """
shop: {name: 小店}
products:
  - {sku: RICE, title: 东北长粒香大米 10kg, category: food, price: 89, selling_points: [新米]}
  - {sku: CREAM, title: 甘油护手霜 100g, category: beauty, price: 15, selling_points: [不粘手]}
  - {sku: WARM, title: 充电暖手宝 双面发热, category: electronics, price: 45, selling_points: [暖手充电两用]}
  - {sku: BLANKET, title: 双人电热毯 1.8米, category: home, price: 139, selling_points: [双温双控]}
  - {sku: HEATER, title: 桌下暖风机 小型, category: home, price: 99, selling_points: [3秒出热风]}
  - {sku: BANK, title: 20000mAh充电宝, category: electronics, price: 99, selling_points: [两天一充]}
  - {sku: COUPLET, title: 春联福字礼包, category: other, price: 29.9, selling_points: [烫金]}
"""


@pytest.fixture(scope="module")
def answerer():
    return Answerer.build(parse_catalog_text(SHOP, "shop.yaml"))


@pytest.mark.parametrize("typed, sku", [
    ("冬天等公交 手冻得贼疼 有啥好使的", "WARM"),  # 手 is in 护手霜 too: the need decides
    ("办公室桌子底下 想烤烤脚 整个啥", "HEATER"),
    ("两口子睡1米8的床 冬天冷 整点啥", "BLANKET"),  # 米 of 1米8 is a length, not the rice
    ("手机老没电 买啥好", "BANK"),
    ("过年家里贴的 有啥", "COUPLET"),
])
def test_a_need_is_answered_with_the_product_kind_it_calls_for(answerer, typed, sku):
    answer = answerer.answer(to_mandarin(typed), None, NOW)
    assert answer.about == (sku,), answer.sentences


def test_the_rice_is_still_named_by_its_own_word(answerer):
    assert answerer.answer("大米多少钱", None, NOW).about == ("RICE",)
    assert answerer.answer("10斤米多少钱", None, NOW).about == ("RICE",)


def test_asked_what_to_get_after_a_sold_out_one_the_host_offers_its_sibling_in_stock():
    from script.understanding import ViewerContext
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: MINI, title: 磁吸充电宝 mini 5000mAh, category: electronics, price: 89, stock: 0}
  - {sku: BIG, title: 磁吸充电宝 10000mAh, category: electronics, price: 129, stock: 50, selling_points: [磁吸即充]}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    first = answerer.answer("mini充电宝还有吗", None, NOW)
    context = ViewerContext(None, tuple(first.about), "mini充电宝还有吗", tuple(first.sources))
    answer = answerer.answer("那推荐哪个", None, NOW, context)
    assert "BIG" in answer.about and "129元" in "".join(answer.sentences)


def test_an_answer_about_a_product_found_by_its_description_says_which_product():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: FRYER, title: 家用空气炸锅 5L, category: home, price: 299, selling_points: [不用油也能炸鸡翅],
     faq: [{q: 要预热吗, a: 不用预热，直接放食材}]}
  - {sku: KETTLE, title: 电热水壶 1.7L, category: home, price: 89, selling_points: [五分钟烧开]}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    query = answerer.understanding.read("炸鸡翅不用油的那个要预热吗")
    assert query.guess == query.guess.__class__(("FRYER",), "description")
    assert "".join(answerer.answer_query(query, NOW).sentences) == "家用空气炸锅：不用预热，直接放食材。"
