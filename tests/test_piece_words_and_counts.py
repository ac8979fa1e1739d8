"""Promotions and counts written with the product's own piece word (第2袋半价, 第二瓶免费), a
figure that is part of a title (13片 fins) never read as a count, and the questions around a
basket: whether one item reaches a threshold, whether it is in stock whatever the count."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.dialect import to_mandarin
from script.promotions import read_rule
from script.catalog import Promotion
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))

SHOP = """
shop: {name: 小店}
products:
  - sku: RICE
    title: 长粒香大米 5kg
    category: food
    price: 60
    stock: 200
    promotions: [{text: 第2袋半价, ends_at: "2026-12-31T23:59:59+08:00"}]
  - sku: HEAT
    title: 11片电热油汀 家用
    category: home
    price: 259
    stock: 40
    specs: {功率: "低档1000W；高档2200W"}
  - sku: SAUS
    title: 风干香肠 500g
    category: food
    price: 49
    promotions: [{text: 满99减10, ends_at: "2026-12-31T23:59:59+08:00"}]
  - sku: HONEY
    title: 长白山椴树雪蜜 500g
    category: food
    price: 58
"""


@pytest.fixture(scope="module")
def answerer():
    return Answerer.build(parse_catalog_text(SHOP, "shop.yaml"))


def _said(answerer, text):
    return "".join(answerer.answer(to_mandarin(text), None, NOW).sentences)


@pytest.mark.parametrize("text, rate", [("第2袋半价", 0.5), ("第二瓶8折", 0.8), ("第2件半价", 0.5)])
def test_the_nth_item_rule_reads_any_piece_word(text, rate):
    rule = read_rule(0, Promotion(text=text))
    assert rule.kind == "nth_item" and rule.rate == rate


def test_two_bags_are_priced_with_the_second_at_half(answerer):
    said = _said(answerer, "大米整两袋多钱")
    assert "90元" in said and "120元" not in said


def test_a_figure_in_the_title_is_not_a_count(answerer):
    said = _said(answerer, "油汀多钱 11片那个")
    assert "259元" in said and "2849" not in said


def test_stock_is_answered_whatever_count_the_viewer_plans(answerer):
    said = _said(answerer, "大米还有货吗 我寻思整两袋")
    assert "有货" in said or "还有" in said


def test_whether_one_item_reaches_a_threshold(answerer):
    said = _said(answerer, "香肠就要一袋 满99减10能用上不")
    assert "还差50元" in said


def test_the_viewers_word_for_the_kind_names_the_titled_one(answerer):
    assert answerer.answer(to_mandarin("蜂蜜多钱"), None, NOW).about == ("HONEY",)


def test_a_false_nth_item_offer_is_corrected(answerer):
    said = _said(answerer, "大米第二袋免费是吗")
    assert "没有这个活动" in said and "半价" in said


def test_hours_said_as_zhongtou():
    assert to_mandarin("开一个钟头几度电") == "开一小时几度电"


def test_a_bundle_written_on_one_product_that_names_the_other():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: TOP
    title: 冰丝防晒衣 连帽
    category: apparel
    price: 99
  - sku: PANTS
    title: 冰丝阔腿裤 九分
    category: apparel
    price: 79
    promotions: [{text: "搭配冰丝防晒衣一起买，两件套装价159元", ends_at: "2026-12-31T23:59:59+08:00"}]
""", "shop.yaml")
    said = "".join(Answerer.build(shop).answer("防晒衣加阔腿裤一套多少钱", None, NOW).sentences)
    assert "一共159元" in said and "省19元" in said


def test_yi_kuai_mai_is_buying_together_not_one_yuan(answerer):
    query = answerer.understanding.read("大米跟香肠一块买 多少钱")
    assert query.intent == "compute" and len(query.quantities) == 2


def test_the_price_of_a_sold_out_variant_says_it_is_sold_out():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: LITTER
    title: 豆腐猫砂 6L
    category: other
    price: 25.9
    specs: {味道: 原味、绿茶味（绿茶味已售罄）}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    assert "售罄" in "".join(answerer.answer("绿茶味猫砂多少钱", None, NOW).sentences)
    assert "25.9元" in "".join(answerer.answer("原味猫砂多少钱", None, NOW).sentences)


def test_shoes_that_run_large_are_ordered_a_size_down_and_the_line_passes_the_guard():
    from tests.answer_support import guard_blocks
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: BOOT
    title: 加绒防滑棉鞋 老人款
    category: apparel
    price: 89
    specs: {尺码建议: 鞋码偏大一码，建议拍小一码}
  - sku: KID
    title: 儿童雪地靴
    category: apparel
    price: 99
    specs: {尺码建议: 偏小一码，建议拍大一码}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    answer = answerer.answer(to_mandarin("棉鞋 我妈平时穿38的 拍几码"), None, NOW)
    assert "37码" in "".join(answer.sentences)
    assert not guard_blocks(answer, (shop.product("BOOT"),), NOW)
    assert "31码" in "".join(answerer.answer("雪地靴 孩子平时穿30码 拍几码", None, NOW).sentences)


def test_a_sold_out_variants_offers_are_not_offered():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: BIG, title: 广式腊肠 500g, category: food, price: 68, stock: 500,
     promotions: [{text: 满199减30, ends_at: "2026-12-31T23:59:59+08:00"}]}
  - {sku: SMALL, title: 广式腊肠 250g, category: food, price: 38, stock: 0}
""", "shop.yaml")
    answer = Answerer.build(shop).answer("腊肠有没有满减", None, NOW)
    assert answer.about == ("BIG",) and "250g" not in "".join(answer.sentences)


def test_a_product_named_by_one_character_after_a_count_joins_the_basket():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: BASE, title: 牛油火锅底料 家庭装 1kg, category: food, price: 69}
  - {sku: PASTE, title: 郫县豆瓣酱 1kg桶装, category: food, price: 22}
  - {sku: POT, title: 不锈钢鸳鸯火锅锅 32cm, category: home, price: 199}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    said = "".join(answerer.answer("一个锅 一盒家庭装 一桶豆瓣 总共多少", None, NOW).sentences)
    assert "一共290元" in said
    # 锅 inside 火锅 names nothing by itself
    assert answerer.understanding.read("我们每周吃一次火锅 家庭装吃得到多久").named != ("BASE", "POT")


def test_the_price_of_so_many_grams_is_worked_from_the_net_weight_and_passes_the_guard():
    from tests.answer_support import guard_blocks
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: BASE, title: 牛油火锅底料 家庭装 1kg, category: food, price: 69}
""", "shop.yaml")
    answer = Answerer.build(shop).answer("家庭装100克合多少钱", None, NOW)
    assert "100g合6.9元" in "".join(answer.sentences)
    assert not guard_blocks(answer, (shop.product("BASE"),), NOW)
