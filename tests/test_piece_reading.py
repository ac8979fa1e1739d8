"""What one piece of a pack holds and how many a pack has, read as catalogs write packs."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.derivation import canonical, vouched_values
from script.piece_reading import read_pack
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
SHOP = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: BASE
    title: 牛油火锅底料 家庭囤货装 1kg
    category: food
    price: 69
    specs: {净含量: 1000g(250g×4袋)}
  - sku: BEEF
    title: 灯影牛肉丝 250g
    category: food
    price: 39.9
    specs: {净含量: 250g(约10小包)}
  - sku: JUICE
    title: 枸杞原浆 30ml×30袋
    category: health_food
    price: 138
""", "inline")


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.build(SHOP)


def said(answerer: Answerer, text: str) -> str:
    return "".join(answerer.answer(text, None, NOW).sentences)


def test_packs_are_read_as_catalogs_write_them():
    base = read_pack(SHOP.product("BASE"))
    assert (base.per_piece, base.unit, base.count, base.piece, base.approximate) == (250, "g", 4, "袋", False)
    beef = read_pack(SHOP.product("BEEF"))
    assert (beef.per_piece, beef.count, beef.approximate) == (25, 10, True)
    assert read_pack(SHOP.product("JUICE")).key == "title"


@pytest.mark.parametrize("question, expected, absent", [
    ("家庭装一袋多少克", "一袋250g", "69元"),
    ("家庭装一袋多少克 一共多少", "一共4袋，共1000g", "69元"),
    ("牛肉丝一小包多少克 一共几包", "一包约25g，一共10包", "39.9"),
    ("枸杞原浆一袋多少ml", "一袋30ml", "138"),
])
def test_a_piece_and_the_count_are_answered_not_the_price(answerer, question, expected, absent):
    reply = said(answerer, question)
    assert expected in reply and absent not in reply


def test_a_computed_piece_is_vouched_for(answerer):
    answer = answerer.answer("牛肉丝一小包多少克", None, NOW)
    assert canonical("25") in vouched_values(answer.derived, {canonical("250"), canonical("10")})


def test_a_basket_short_of_an_n_pieces_discount_says_so_and_折口_asks_for_discounts():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: RAB
    title: 自贡冷吃兔 200g罐装
    category: food
    price: 36
    promotions: [{text: 3件8折}]
""", "inline")
    answerer = Answerer.build(shop)
    two = "".join(answerer.answer("冷吃兔买两罐打8折不", None, NOW).sentences)
    assert "72元" in two and "要买满3件" in two
    assert "要买满" not in "".join(answerer.answer("冷吃兔买三罐多少钱", None, NOW).sentences)
    assert answerer.understanding.read("冷吃兔有折口吗").intent == "promotion"


def test_the_price_of_one_piece_of_a_pack_and_of_a_sold_out_one(answerer):
    assert "一袋合17.25元" in said(answerer, "家庭装一小袋合多少钱")
    assert "一包合3.99元" in said(answerer, "牛肉丝一小包合多少钱")
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: VC
    title: 维生素C咀嚼片 60片
    category: health_food
    price: 59
  - sku: DM
    title: 婴儿纸尿裤 M码 64片
    category: baby
    price: 89
  - sku: DL
    title: 婴儿纸尿裤 L码 54片
    category: baby
    price: 89
    stock: 0
""", "inline")
    other = Answerer.build(shop)
    reply = "".join(other.answer("L码一片多少钱", None, NOW).sentences)  # 一片 is a unit, not the tablets
    assert "一片合1.65元" in reply and "售罄" in reply


def test_a_follow_up_giving_a_dose_asks_the_same_at_that_dose():
    from script.understanding import ViewerContext
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: JUICE
    title: 枸杞原浆 30ml×30袋
    category: health_food
    price: 138
    specs: {规格: 30ml×30袋/盒, 食用方法: 每天1袋}
""", "inline")
    answerer = Answerer.build(shop)
    first = answerer.answer("枸杞原浆一天喝一袋 一盒喝多久", None, NOW)
    context = ViewerContext(None, previous_skus=("JUICE",), previous_text="枸杞原浆一天喝一袋 一盒喝多久",
                            previous_sources=first.sources)
    assert answerer.understanding.read("那一天两袋呢", context).intent == "dose"
    assert "15天" in "".join(answerer.answer("那一天两袋呢", None, NOW, context).sentences)
