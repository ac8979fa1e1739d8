"""Both sides of a comparison found when the viewer names only one: the other is the product the
viewer asked about just before ("比500的贵多少"), or the family member an adjective picks
("大的那个比mini重多少"); chat shorthand for price (jg) reads as 价格."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.dialect import to_mandarin
from script.understanding import ViewerContext
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))

SHOP = """
shop: {name: 小店}
products:
  - sku: K1
    title: 陶瓷电水壶 1.2L
    category: home
    price: 79
    specs: {容量: 1.2L, 重量: 820g}
  - sku: K2
    title: 陶瓷电水壶 1.8L
    category: home
    price: 99
    specs: {容量: 1.8L, 重量: 1050g}
  - sku: L1
    title: 丝绒口红 #11 豆沙
    category: beauty
    price: 69
    specs: {净含量: 3.5g}
  - sku: L2
    title: 丝绒口红 #22 正红
    category: beauty
    price: 69
    specs: {净含量: 3.5g}
"""


@pytest.fixture(scope="module")
def answerer():
    return Answerer.build(parse_catalog_text(SHOP, "shop.yaml"))


def test_a_comparison_starting_with_bi_compares_with_the_last_product_asked(answerer):
    first = answerer.answer("1.8L的水壶多少钱", None, NOW)
    context = ViewerContext(None, tuple(first.about), "1.8L的水壶多少钱", tuple(first.sources))
    query = answerer.understanding.read("比1.2的贵多少", context)
    assert set(query.named) == {"K1", "K2"}
    said = "".join(answerer.answer_query(query, NOW).sentences)
    assert "差20元" in said


def test_an_adjective_names_the_other_side_within_the_family(answerer):
    query = answerer.understanding.read("大的那个水壶比1.2L的重多少", ViewerContext())
    assert set(query.named) == {"K1", "K2"}
    said = "".join(answerer.answer_query(query, NOW).sentences)
    assert "差230g" in said


def test_jg_is_shorthand_for_price(answerer):
    assert to_mandarin("口红jg多少") == "口红价格多少"
    said = "".join(answerer.answer(to_mandarin("11和22口红jg一样吗"), None, NOW).sentences)
    assert "一样" in said and "69元" in said


def test_a_follow_up_names_another_spec_by_a_word_the_title_shares():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: PB
    title: 磁吸无线充电宝 10000mAh
    category: electronics
    price: 129
    specs: {无线输出: 最大15W, 有线输出: USB-C 最大20W, 重量: 210g}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    first = answerer.answer("磁吸无线充几多W", None, NOW)
    context = ViewerContext(None, tuple(first.about), "磁吸无线充几多W", tuple(first.sources))
    said = "".join(answerer.answer(to_mandarin("咁插线充呢"), None, NOW, context).sentences)
    assert "20W" in said and "15W" not in said
    assert "210g" in "".join(answerer.answer("它几重", None, NOW, context).sentences)


def test_a_size_word_with_zui_is_no_superlative_and_a_spoken_height_names_no_rice():
    from script.question_words import SUPERLATIVE
    from script.product_words import without_everyday_words
    assert not SUPERLATIVE.search("那最大号呢") and SUPERLATIVE.search("是不是最好的")
    assert "米" not in without_everyday_words("我闺女一米六七", "大米 5kg")


def test_a_return_policy_asked_of_two_kinds_of_product_gets_each_and_a_verdict():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: SAUS, title: 哈尔滨红肠 500g, category: food, price: 59, policies: {returns: 生鲜食品，非质量问题不退换}}
  - {sku: RICE, title: 五常大米 5kg, category: food, price: 79, policies: {returns: 食品类非质量问题不退换}}
  - {sku: HONEY, title: 椴树雪蜜 500g, category: food, price: 68, policies: {returns: 七天无理由退货（未开封）}}
  - {sku: BOX, title: 除湿盒 6盒装, category: home, price: 29.9, policies: {returns: 未拆封7天无理由退货}}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    say = lambda q: "".join(answerer.answer(to_mandarin(q), None, NOW).sentences)  # noqa: E731
    assert "两款都不支持无理由退货" in say("红肠和大米哪个能七天无理由退")
    assert "两款都可以退" in say("除湿盒同蜂蜜 未开可唔可以退")
    mixed = say("红肠和蜂蜜能退吗")
    assert "红肠不支持无理由退货" in mixed and "可以退" in mixed
