"""Doses a viewer describes rather than gives: people sharing a pack, a product used morning and
evening, how many uses (times, meals, pots) a pack gives, and a dose written with 约."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.catalog import catalog_from_data
from script.derivation import canonical, vouched_values

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=timezone(timedelta(hours=8)))
CATALOG = catalog_from_data({
    "shop": {"name": "测试店"},
    "products": [
        {"sku": "VC", "title": "维生素C咀嚼片 60片", "category": "health_food", "price": 59.0,
         "specs": {"规格": "1.2g×60片/瓶", "食用方法": "每日2片"}},
        {"sku": "WASH", "title": "氨基酸洗面奶 120g", "category": "beauty", "price": 59.0,
         "specs": {"净含量": "120g", "用量": "每次约1g（黄豆大小），早晚各一次"}},
        {"sku": "BEAN", "title": "郫县豆瓣酱 1kg桶装", "category": "food", "price": 22.0,
         "specs": {"净含量": "1kg"}},
        {"sku": "BASE", "title": "牛油火锅底料 400g", "category": "food", "price": 39.0,
         "specs": {"净含量": "400g（200g×2块）", "用法": "每块200g加水约1.5L，够3-4人吃一锅"}},
        {"sku": "CAT", "title": "猫咪冻干零食 100g罐", "category": "other", "price": 29.9,
         "specs": {"净含量": "100g", "喂食建议": "4kg成猫每天约10g"}},
    ],
})


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.build(CATALOG)


def said(answerer: Answerer, text: str) -> str:
    return "".join(answerer.answer(text, None, NOW).sentences)


def test_two_people_sharing_a_pack_halve_the_days(answerer):
    assert "30天" in said(answerer, "维C一瓶能吃多久")
    shared = answerer.answer("维C我和我老公一起吃 一瓶够多久", None, NOW)
    assert "15天" in "".join(shared.sentences)
    product = CATALOG.product("VC")
    known = {canonical(n) for n in re.findall(r"\d+(?:\.\d+)?", f"{product.title} {product.specs}")}
    assert canonical("15") in vouched_values(shared.derived, known)  # the guard can trace it


def test_a_dose_used_morning_and_evening_counts_twice_a_day(answerer):
    assert "60天" in said(answerer, "洗面奶120g早晚都用 用得到多久")


@pytest.mark.parametrize("question, uses", [
    ("豆瓣酱炒菜每次放30g 一桶能用几次", "33次"),  # the viewer's own use
    ("底料能煮几顿", "2顿"),  # the product's own: 每块200g … 一锅
])
def test_how_many_uses_a_pack_gives(answerer, question, uses):
    reply = said(answerer, question)
    assert uses in reply and "30g" not in reply  # the viewer's figure is not said back


def test_a_frequency_question_is_not_a_count_of_uses(answerer):
    assert "次" not in said(answerer, "维C每天吃几次").replace("每次", "")


def test_a_daily_amount_written_with_yue_is_read(answerer):
    assert "10天" in said(answerer, "冻干一罐能喂多久")


def test_a_viewer_dose_in_sticks_is_read():
    from script.spec_reading import viewer_dose
    assert viewer_dose("益生菌每天2条 一盒能吃几天") == (2.0, "条")


def test_choosing_between_two_letter_sizes_with_a_weight_is_a_size_question():
    from script.catalog import catalog_from_data
    shop = catalog_from_data({"shop": {"name": "小店"}, "products": [
        {"sku": "DIA", "title": "超薄婴儿纸尿裤", "category": "baby", "price": 119.0,
         "specs": {"尺码建议": "NB：0-5kg；S：4-8kg；M：6-11kg；L：9-14kg；XL：12-17kg"}}]})
    answerer = Answerer.build(shop)
    assert answerer.understanding.read("宝宝10kg纸尿裤选m还是l").intent == "size"
    reply = "".join(answerer.answer("宝宝10kg纸尿裤选m还是l", None, NOW).sentences)
    assert "NB" not in reply and ("L码" in reply or "M码" in reply)
