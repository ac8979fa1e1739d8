"""How long a pack lasts when the daily amount is a feeding table by a baby's age, in scoops of
a known weight, per serving, or a table of pet weights written as "10kg犬：180g"."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.catalog import catalog_from_data
from script.dialect import to_mandarin
from stream.catalog_file import parse_catalog_text

from script.derivation import canonical, vouched_values
from script.dose_answers import baby_age_in_months
from script.spec_reading import lasts_days

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=timezone(timedelta(hours=8)))
CATALOG = catalog_from_data({
    "shop": {"name": "测试母婴宠物店"},
    "products": [
        {"sku": "M1", "title": "婴儿配方奶粉 1段 800g", "category": "baby", "price": 240.0,
         "specs": {"净含量": "800g", "量勺": "每平勺约4g",
                   "喂哺参考": "0-2月龄：每日8次，每次2勺；2-6月龄：每日5次，每次4勺"}},
        {"sku": "P1", "title": "健身蛋白粉 1000g", "category": "health_food", "price": 200.0,
         "specs": {"净含量": "1000g", "每份": "25g（1平勺）", "食用量": "每日1-2份"}},
        {"sku": "D1", "title": "牛肉成犬粮 2kg", "category": "other", "price": 100.0,
         "specs": {"净含量": "2kg", "每日喂食量": "5kg犬：100g；10kg犬：200g；20kg犬：400g"}},
    ],
})


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.build(CATALOG)


def said(answerer: Answerer, text: str) -> str:
    return "".join(answerer.answer(text, None, NOW).sentences)


@pytest.mark.parametrize("text, months", [("bb两个月", 2), ("4个月宝宝", 4), ("宝宝十个月了", 10),
                                          ("够喝一个月吗", None), ("2个月够不够", None)])
def test_a_babys_age_is_read_only_beside_the_baby(text, months):
    assert baby_age_in_months(text) == months


def test_the_feeding_row_for_the_babys_age_in_scoops_of_a_known_weight(answerer):
    # 1-month-old: 8 x 2 scoops x 4 g = 64 g a day, 800 / 64 = 12.5 -> 12 days.
    assert "大约能用12天" in said(answerer, "宝宝1个月 奶粉一罐能喝几天")
    # 3 months: 5 x 4 x 4 = 80 g a day -> 10 days; the age row, not the first row.
    assert "大约能用10天" in said(answerer, "3个月宝宝喝这个奶粉 一罐能吃多久")
    days, _, derived, source = lasts_days(CATALOG.product("M1"), age_months=3)
    assert days == pytest.approx(10.0) and source == "喂哺参考"
    product = CATALOG.product("M1")
    known = {canonical(n) for n in re.findall(r"\d+(?:\.\d+)?", f"{product.title} {product.specs}")}
    assert canonical("10") in vouched_values(tuple(derived), known)  # the guard can trace the 10 days


def test_servings_by_weight_and_the_least_of_a_daily_range(answerer):
    assert "大约能用40天" in said(answerer, "蛋白粉一罐能吃多久")  # 1000 / 25: one serving a day
    assert "要买2罐" in said(answerer, "蛋白粉一天两勺 一个月要几罐")  # 50 g a day, 20 days a tub


def test_a_pet_weight_table_written_with_colons(answerer):
    assert "要买6袋" in said(answerer, "20公斤的狗 一个月要几袋")  # 400 g a day: 5 days a bag
    assert "每天合10元" in said(answerer, "10kg的狗 一天狗粮钱多少")  # 200 g a day: 100 yuan / 10 days


def test_a_dose_asked_in_scoops_or_per_day_reads_the_feeding_or_serving_spec():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: MILK
    title: 婴儿配方奶粉 2段 800g
    category: baby
    price: 268
    specs: {净含量: 800g, 喂哺参考: 每天4次，每次25g（约5勺）}
  - sku: HONEY
    title: 椴树雪蜜 500g
    category: food
    price: 68
    specs: {净含量: 500g, 食用建议: 每天2次，每次10g，温水冲服}
    faq:
      - {q: 结晶了是不是坏了, a: 低温会自然结晶，不影响食用}
  - sku: OIL
    title: 深海鱼油软胶囊 100粒
    category: health_food
    price: 128
    specs: {规格: 1000mg/粒×100粒, 食用方法: 每日2次，每次1粒}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    say = lambda q: "".join(answerer.answer(to_mandarin(q), None, None).sentences)  # noqa: E731
    assert "5勺" in say("2段奶粉一次冲几勺")
    assert "每次10g" in say("那个冬天会结晶的蜜 一天喝多少")  # the dose, not the FAQ its description matches
    assert "每次1粒" in say("鱼油一天次几粒")  # 次 typed for 吃


def test_how_long_asked_with_de_and_a_basket_and_two_people_each():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: PRO
    title: 益生菌固体饮料 30条
    category: health_food
    price: 128
    specs: {规格: 2g×30条/盒, 食用方法: 每日1条}
    promotions: [{text: 买2盒送1盒, ends_at: "2026-12-31T23:59:59+08:00"}]
""", "shop.yaml")
    answerer = Answerer.build(shop)
    said = "".join(answerer.answer(to_mandarin("益生菌买二送一嗰三盒 我同老公每日各一条 食得几耐"), None, None).sentences)
    assert "45天" in said and "90条" in said
    assert to_mandarin("一包饮得几日") == "一包喝得几天"
    assert to_mandarin("饮料有冇") == "饮料有没有"


def test_a_daily_count_in_sachets_reads_the_directions_and_when_the_shop_offer_ends_is_the_shops():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: PRO
    title: 益生菌固体饮料 30条
    category: health_food
    price: 129
    specs: {规格: 2g×30条/盒, 食用方法: 成人每天1-2条；3岁以上儿童每天1条}
    promotions: [{text: 全场满299减30, ends_at: "2026-12-12T23:59:59+08:00"}]
  - sku: MILK
    title: 配方奶粉 2段
    category: baby
    price: 238
    promotions: [{text: 同段位2罐立减40元, ends_at: "2026-12-20T23:59:59+08:00"}]
""", "shop.yaml")
    answerer = Answerer.build(shop)
    now = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
    assert "1-2条" in "".join(answerer.answer("益生菌大人一天吃几条", None, now).sentences)
    assert "12月12日" in "".join(answerer.answer("满减啥时候截止", "MILK", now).sentences)
