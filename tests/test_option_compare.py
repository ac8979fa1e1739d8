"""Two options one product's spec lists (colours, flavours, ports, styles with prices) compared on
the figure asked, named by the viewer's own words; never a guess when a word names both or the
spec does not say."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.derivation import vouched_values
from script.option_compare import named_options
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))

SHOP = """
shop: {name: 小店}
products:
  - sku: HD1
    title: 负离子吹风机 家用
    category: home
    price: 199
    specs:
      功率档位: "柔风档 800W；速干档 1600W"
      颜色: 雾白 / 樱花粉（同价）
  - sku: TEA
    title: 高山红茶 罐装
    category: food
    price: 68
    specs:
      规格价格: "小罐100g 68元；大罐250g 148元"
      口味: 原味 / 桂圆味
  - sku: SK1
    title: 羊毛袜 三双装
    category: apparel
    price: 59
    specs:
      颜色: 深灰 / 浅灰
"""


@pytest.fixture(scope="module")
def answerer():
    return Answerer.build(parse_catalog_text(SHOP, "shop.yaml"))


def _said(answerer, question, on_screen=None):
    answer = answerer.answer(question, on_screen, NOW)
    return "".join(answer.sentences), answer


def test_two_ports_or_modes_are_read_side_by_side_with_the_difference(answerer):
    said, answer = _said(answerer, "吹风机柔风档跟速干档差多少w")
    assert "800W" in said and "1600W" in said and "差800W" in said
    assert answer.sources == ("HD1.specs.功率档位",)


def test_options_priced_in_the_spec_say_which_costs_more_and_by_how_much(answerer):
    said, answer = _said(answerer, "红茶小罐和大罐哪个贵")
    assert "大罐" in said and "更贵" in said and "差80元" in said
    # the difference is arithmetic on the spec's own prices, which the guard can check
    from decimal import Decimal
    assert Decimal(80) in vouched_values(answer.derived, {Decimal(68), Decimal(148)})


def test_a_value_that_says_same_price_answers_with_the_one_price(answerer):
    said, _ = _said(answerer, "吹风机樱花粉跟雾白是一个价吗")
    assert "同价" in said and "199元" in said


def test_options_without_a_price_of_their_own_are_not_given_one(answerer):
    # 原味 / 桂圆味 says nothing about price: no "same price" is claimed
    said, _ = _said(answerer, "红茶原味和桂圆味哪个贵")
    assert "同价" not in said and "一样" not in said


def test_a_word_naming_both_options_names_neither():
    shop = parse_catalog_text(SHOP, "shop.yaml")
    socks = shop.product("SK1")
    assert named_options(socks, "深灰跟浅灰哪个好") is not None
    assert named_options(socks, "灰色哪个好看") is None  # 灰 is in both
    assert named_options(socks, "深灰多少钱") is None  # one option: not a comparison


def test_a_basket_of_options_is_not_a_comparison():
    tea = parse_catalog_text(SHOP, "shop.yaml").product("TEA")
    assert named_options(tea, "小罐和大罐各一罐一共多少") is None


def test_a_spec_named_with_zui_da_is_said_so_the_guard_passes_it():
    from tests.answer_support import guard_blocks
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: CH
    title: 氮化镓充电器 65W
    category: electronics
    price: 99
    specs: {单口最大输出: "C1/C2 单口最大65W；USB-A 单口最大22.5W"}
""", "shop.yaml")
    answer = Answerer.build(shop).answer("充电头c口和a口差多少w", None, NOW)
    said = "".join(answer.sentences)
    assert "差42.5W" in said and "最大" not in said
    assert not guard_blocks(answer, (shop.product("CH"),), NOW)


def test_net_and_gross_weight_differ_by_checked_arithmetic_in_grams():
    from tests.answer_support import guard_blocks
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: PASTE, title: 郫县豆瓣酱 1kg桶装, category: food, price: 22, specs: {净含量: 1kg, 毛重: 约1.15kg}}
""", "shop.yaml")
    answer = Answerer.build(shop).answer("豆瓣酱净重毛重差多少", None, NOW)
    assert "差150g" in "".join(answer.sentences)
    assert not guard_blocks(answer, (shop.product("PASTE"),), NOW)
