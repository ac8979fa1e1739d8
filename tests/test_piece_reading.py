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
