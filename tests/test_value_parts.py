"""A spec holding several labelled figures is read for the one the question names, never with the others
beside it; when the question names none, two, or asks more than one figure, the whole value is read."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.value_parts import parts, pick
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))


@pytest.mark.parametrize("value, question, part", [
    ("C1/C2 单口最大65W；USB-A 单口最大22.5W", "那A口呢", "USB-A 单口最大22.5W"),
    ("C1/C2 单口最大65W；USB-A 单口最大22.5W", "单口最大多少W", "C1/C2 单口最大65W"),
    ("净重280g；含包装毛重420g", "杯子本身多重 不算包装", "净重280g"),
    ("NB 84片；S 76片；M 64片；L 54片；XL 46片", "纸尿裤M码一包几片", "M 64片"),
    ("衣长72cm，胸围124cm，袖长58cm", "胸围呢", "胸围124cm"),
    ("单耳4.5g；充电盒38g", "耳机一只多重", "单耳4.5g"),
    ("3年，开封后12个月内用完", "面霜开了能放多久", "开封后12个月内用完"),
    ("单次：降噪开6小时，降噪关8小时；配合充电盒总续航30小时", "开降噪能听多久", "单次：降噪开6小时"),  # within a part
    ("单次：降噪开6小时，降噪关8小时；配合充电盒总续航30小时", "不开呢", "降噪关8小时"),  # switched off
])
def test_the_part_the_question_names_is_picked(value, question, part):
    assert pick(value, question) == part


@pytest.mark.parametrize("value, question, key", [
    ("市电约5小时充满；太阳能板约7小时充满", "电源充电要多久 太阳能的呢", "充电时间"),  # both asked
    ("3mm/6mm/9mm/12mm，共4个", "限位梳几个 都多长", "限位梳"),  # two figures asked
    ("每日2次，每次3粒", "一天吃几粒", "食用方法"),  # a dose is read whole
    ("NB 84片；S 76片；M 64片", "一包几片", "片数"),  # no part named
    ("500ml", "容量多少", "容量"),  # one figure only
])
def test_the_whole_value_is_read_when_no_one_part_is_asked(value, question, key):
    assert pick(value, question, key) is None


def test_parts_need_a_figure_in_each():
    assert parts("黑色，白色") == [] and parts("净重280g；含包装毛重420g") == ["净重280g", "含包装毛重420g"]


def test_the_answer_on_air_names_only_the_asked_figure():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: EAR
    title: 主动降噪蓝牙耳机
    category: electronics
    price: 299
    specs: {重量: 单耳4.5g；充电盒38g}
""", "inline")
    reply = "".join(Answerer.build(shop).answer("耳机一只多重", None, NOW).sentences)
    assert "4.5g" in reply and "38g" not in reply


def test_what_a_power_bank_really_gives_is_its_rated_capacity_and_charge_time_reads_chong_de_man():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: PB
    title: 20000mAh快充充电宝
    category: electronics
    price: 99
    specs: {电芯容量: 20000mAh, 额定容量: 12000mAh(5V 3A), 充电时间: 约5小时}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    assert "12000mAh" in "".join(answerer.answer("充电宝实际能充出来多少毫安", None, NOW).sentences)
    assert "20000mAh" in "".join(answerer.answer("充电宝容量多少", None, NOW).sentences)
    assert "5小时" in "".join(answerer.answer("充电宝多久充得满电", None, NOW).sentences)


def test_how_much_meat_without_the_soup_is_the_drained_weight():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: RAB, title: 冷吃兔 200g罐装, category: food, price: 36, specs: {净含量: 200g, 固形物: 不低于150g}}
""", "shop.yaml")
    said = "".join(Answerer.build(shop).answer("冷吃兔肉有多少 罐子200g是连汤的吗", None, NOW).sentences)
    assert "150g" in said
