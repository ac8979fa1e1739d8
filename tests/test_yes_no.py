"""Yes or no first: a capability question the stated fact settles is answered 可以 / 不能 before the
fact, and one the fact does not settle gets the fact alone (never a guessed yes)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.yes_no import asks_yes_no, verdict
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
SHOP = parse_catalog_text("""
shop: {name: 北方小店}
products:
  - sku: COAT
    title: 加厚长款羽绒服
    category: apparel
    price: 599
    specs: {适用温度: "-10℃至-30℃", 洗涤建议: "干洗或手洗，不可机洗"}
  - sku: KETTLE
    title: 不锈钢电热水壶 1.7L
    category: home
    price: 129
    specs: {保温: "55℃/85℃两档恒温保温", 容量: 1.7L}
  - sku: CHARGER
    title: 65W氮化镓充电器
    category: electronics
    price: 99
    specs: {输出功率: 65W}
""", "inline")


@pytest.mark.parametrize("question, fact, expected", [
    ("零下二十度能穿吗", "适用温度是-10℃至-30℃", "可以"),
    ("零下35度能穿吗", "适用温度是-10℃至-30℃", "不建议"),
    ("-25度穿得住不 能穿吗", "耐寒-30℃", "可以"),
    ("能机洗吗", "洗涤建议是干洗或手洗，不可机洗", "不能"),
    ("可以手洗吗", "洗涤建议是干洗或手洗，不可机洗", "可以"),
    ("能保温不", "保温是55℃/85℃两档恒温保温", "可以"),
    ("能带上飞机吗", "输出功率是65W", None),  # the fact does not settle it
    ("多少瓦", "输出功率是65W", None),  # not a yes-no question
    ("零下二十度能穿吗", "颜色是黑色", None),  # no temperature stated
])
def test_the_verdict_comes_only_from_the_fact(question, fact, expected):
    assert verdict(question, fact) == expected


def test_yes_no_questions_are_told_from_others():
    assert asks_yes_no("能不能保温") and asks_yes_no("支持快充吗") and asks_yes_no("可以机洗不")
    assert not asks_yes_no("保温多久") and not asks_yes_no("什么颜色")


def test_the_answer_leads_with_the_verdict_and_keeps_the_fact():
    answerer = Answerer.build(SHOP)
    coat = "".join(answerer.answer("加厚羽绒服零下二十度能穿吗", None, NOW).sentences)
    assert coat.startswith("可以") and "-30℃" in coat
    kettle = "".join(answerer.answer("热水壶能保温吗", None, NOW).sentences)
    assert kettle.startswith("可以") and "85℃" in kettle
    washing = "".join(answerer.answer("羽绒服能机洗吗", None, NOW).sentences)
    assert washing.startswith("不能") and "不可机洗" in washing
    plane = "".join(answerer.answer("充电器能带上飞机吗", None, NOW).sentences)
    assert not plane.startswith(("可以", "不能"))


def test_a_temperature_is_no_body_weight():
    from script.viewer_measures import body_measures
    assert body_measures("这个鞋能零下30度穿吗") == (None, None)
    answerer = Answerer.build(SHOP)
    assert answerer.understanding.read("羽绒服零下25度能穿吗").intent != "size"
