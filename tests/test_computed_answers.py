"""Answers computed from catalog facts, specified: baskets (each product's own count), unit prices,
one spec compared across products, sizes from a size chart or a variant's weight range, and doses
(how long a pack lasts, packs for a span, cost per day). Every figure is checked exactly.

The shop is tests/data/variants_shop.yaml at a fixed `now`.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from script.answers import Answer, Answerer
from script.spec_reading import choose_specs, lasts_days, pick_foot_size, pick_size, size_chart
from stream.catalog_file import load_catalog_file

CATALOG = load_catalog_file(Path(__file__).parent / "data" / "variants_shop.yaml")
NOW = datetime(2026, 3, 15, 20, 0, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.build(CATALOG)


def said(answer: Answer) -> str:
    return "".join(answer.sentences)


def ask(answerer: Answerer, text: str, on_screen: str | None = None) -> Answer:
    return answerer.answer(text, on_screen, NOW)


# ---- baskets -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["洗发水2瓶加毛巾1条一共多少", "毛巾1条加洗发水2瓶一共多少"])
def test_each_product_in_a_basket_gets_the_count_written_beside_it(answerer, text):
    query = answerer.understanding.read(text)
    assert dict(query.quantities) == {"Q901": 2, "N801": 1}
    answer = ask(answerer, text)
    # Shampoo 59 + 29.5 (第二件半价 runs), towel 49 (its 第二件半价 has ended): 137.5.
    assert "按第二件半价算是88.5元" in said(answer) and "纯棉毛巾是49元" in said(answer)
    assert "一共137.5元" in said(answer)
    assert set(answer.about) == {"Q901", "N801"} and answer.sku is None


def test_counts_written_in_words_are_read_per_product(answerer):
    text = "洗发水两瓶加毛巾一条一共多少"
    assert dict(answerer.understanding.read(text).quantities) == {"Q901": 2, "N801": 1}
    assert "一共137.5元" in said(ask(answerer, text))


def test_各来_gives_every_named_product_the_same_count(answerer):
    text = "短袖和长袖各来两件多少钱"
    assert dict(answerer.understanding.read(text).quantities) == {"T201": 2, "T202": 2}
    answer = ask(answerer, text)
    # 69 x 2 + 89 x 2 = 316, over the store-wide 满299减50: 266.
    assert "一共316元" in said(answer) and "到手266元" in said(answer)


@pytest.mark.parametrize("text, sku, total", [
    ("毛巾x2多少钱", "N801", "两件是98元"),  # the ended 第二件半价 is not applied
    ("洗发水俩多少钱", "Q901", "两件按第二件半价算是88.5元"),
    ("350ml的三个多少钱", "C501", "到手217元"),
])
def test_a_count_written_as_x2_俩_or_a_measure_word_prices_that_many(answerer, text, sku, total):
    answer = ask(answerer, text)
    assert answer.sku == sku and total in said(answer)


def test_a_basket_of_a_bundle_is_priced_at_the_bundle(answerer):
    answer = ask(answerer, "充电宝加充电器一起买多少钱")
    assert "组合价239元，省39元" in said(answer) and "一共239元" in said(answer)


def test_one_of_each_shade_is_priced_under_the_mix_and_match_rule(answerer):
    answer = ask(answerer, "316跟520各来一支多少钱")
    assert "150.4元" in said(answer)


def test_one_of_each_shade_is_priced_under_the_mix_and_match_rule_when_asked_for_a_total(answerer):
    answer = ask(answerer, "口红316和520各来一支一共多少")
    assert "合起来按口红任选2支8折（#316/#520可混搭）算是150.4元" in said(answer)


def test_a_variant_picked_by_an_adjective_is_the_whole_basket(answerer):
    text = "保温杯大的两个多少钱"
    assert dict(answerer.understanding.read(text).quantities) == {"C502": 2}
    assert "198元" in said(ask(answerer, text)) and "350ml" not in said(ask(answerer, text))


def test_the_gap_to_a_products_own_threshold_in_a_two_product_basket(answerer):
    answer = ask(answerer, "500ml的保温杯和短袖一起买还差多少")
    assert "一共168元" in said(answer) and "自己满199，还差100元" in said(answer)
    assert "都一样" not in said(answer)


# ---- unit prices ---------------------------------------------------------------------------------
def test_a_unit_price_divides_the_price_by_the_count_in_the_pack(answerer):
    answer = ask(answerer, "鱼油一粒合多少钱")
    assert answer.sku == "H601" and "135元90粒，一粒合1.5元" in said(answer)


def test_a_unit_price_asked_of_a_family_is_given_for_every_variant(answerer):
    answer = ask(answerer, "纸尿裤一片合多少钱")
    text = said(answer)
    assert answer.sku is None
    assert "90元60片，一片合1.5元" in text and "90元50片，一片合1.8元" in text and "90元40片，一片合2.25元" in text


# ---- comparisons ---------------------------------------------------------------------------------
def test_one_spec_compared_across_two_products_with_the_verdict(answerer):
    answer = ask(answerer, "充电宝和充电器哪个功率大")
    text = said(answer)
    assert "20W" in text and "65W" in text
    assert "氮化镓快充充电器功率更大" in text
    assert set(answer.about) == {"P401", "P402"}


def test_equal_specs_are_said_to_be_the_same(answerer):
    answer = ask(answerer, "一段和三段保质期一样吗")
    text = said(answer)
    assert text.count("24个月") == 2 and "一样" in text and "更" not in text


def test_a_price_difference_is_the_difference_of_the_two_prices(answerer):
    for text in ("短袖和长袖差多少钱", "短袖比长袖便宜多少"):
        answer = ask(answerer, text)
        assert "89元" in said(answer) and "69元" in said(answer) and "差20元" in said(answer)


def test_a_comparison_of_two_sizes_stays_within_the_family_named(answerer):
    answer = ask(answerer, "保温杯350和500哪个容量大")
    assert set(answer.about) == {"C501", "C502"} and "洗发水" not in said(answer)
    assert "真空保温杯500ml容量更大" in said(answer)


def test_a_spec_named_by_its_own_words_is_chosen_among_specs_of_one_kind(answerer):
    bank = CATALOG.product("P401")
    assert choose_specs(bank, "无线输出多少瓦").keys == ("无线输出",)
    assert choose_specs(bank, "有线多少w").keys == ("有线输出",)
    assert set(choose_specs(bank, "输出功率多少").keys) == {"有线输出", "无线输出"}  # not said which: both
    answer = ask(answerer, "充电宝有线多少w")
    assert "20W" in said(answer) and "15W" not in said(answer)


def test_a_wireless_question_gets_the_wireless_figure(answerer):
    answer = ask(answerer, "充电宝无线充多少瓦")
    assert "15W" in said(answer) and "20W" not in said(answer)


# ---- sizes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, size, note", [
    ("短袖165 55kg穿什么码", "M码", ""),
    ("短袖165 110斤穿什么码", "M码", ""),
    ("短袖身高160体重50kg穿什么码", "S码", ""),  # on the S/M boundary both ways: the smaller
    ("短袖身高175体重55kg穿什么码", "M码", "按体重"),  # height says L, weight says M: the merchant's rule
    ("短袖身高160体重55kg穿什么码", "M码", "按体重"),  # height on the boundary (S), weight M
])
def test_a_size_from_height_and_weight_reads_the_size_chart(answerer, text, size, note):
    answer = ask(answerer, text)
    assert answer.sku == "T201" and answer.sources == ("T201.specs.尺码建议",)
    assert f"建议选{size}" in said(answer) and note in said(answer)


def test_without_a_merchants_rule_height_and_weight_in_two_sizes_take_the_larger():
    _, rows = size_chart(CATALOG.product("T201"))
    assert pick_size(rows, 175, 55) == ("L", "身高和体重在两个码之间，建议选大一码")
    assert pick_size(rows, 175, 55, prefer="weight")[0] == "M"
    assert pick_size(rows, 160, None) == ("S", "")  # a shared boundary: the smaller
    assert pick_size(rows, None, 60) == ("M", "")


@pytest.mark.parametrize("text, size, between", [
    ("脚长24.5穿几码", "39码", False),  # 245mm is 39码 exactly
    ("脚长24.3穿几码", "39码", True),  # between 38 (240) and 39 (245): the one long enough
    ("脚长24.8穿几码", "40码", True),
    ("脚长245mm穿几码", "39码", False),
])
def test_a_shoe_size_is_the_smallest_long_enough_for_the_foot(answerer, text, size, between):
    answer = ask(answerer, text, on_screen="S301")
    assert answer.sku == "S301" and f"建议选{size}" in said(answer)
    assert ("选大一码" in said(answer)) == between


def test_a_foot_longer_than_the_chart_gets_no_invented_size():
    _, rows = size_chart(CATALOG.product("S301"))
    assert pick_foot_size(rows, 250) == ("40码", "")
    assert pick_foot_size(rows, 255) is None


def test_variants_sized_by_weight_range_name_every_one_that_fits(answerer):
    both = ask(answerer, "纸尿裤宝宝7kg用哪个码")
    assert both.sku is None and set(both.about) == {"D111", "D112"}  # 4-8kg and 6-11kg
    assert "都可以" in said(both) and "L码" not in said(both)
    one = ask(answerer, "宝宝12kg纸尿裤穿什么码")
    assert one.sku == "D113" and "适用体重9-14kg" in said(one) and "合适" in said(one)


# ---- doses ---------------------------------------------------------------------------------------
def test_one_pack_lasts_its_count_over_the_daily_dose(answerer):
    answer = ask(answerer, "鱼油一瓶能吃多久")
    # 90粒, 每日2次，每次1粒: 45 days.
    assert answer.sku == "H601" and re.search(r"90粒.*45天", said(answer))
    assert answer.sources == ("H601.specs.食用方法",)


def test_the_viewers_own_dose_replaces_the_label_dose(answerer):
    answer = ask(answerer, "鱼油一天三粒能吃几天")
    assert "按您说的用量" in said(answer) and re.search(r"90粒.*30天", said(answer))  # 90 / 3, not 90 / 2
    assert lasts_days(CATALOG.product("H601"), dose=(3.0, "粒"))[0] == pytest.approx(30.0)


@pytest.mark.parametrize("text, packs", [("鱼油吃半年要买几瓶", 4),  # 180 / 45
                                         ("鱼油吃三个月要买几瓶", 2),  # 90 / 45
                                         ("鱼油吃一个月要买几瓶", 1)])  # 30 / 45, a whole bottle
def test_packs_for_a_span_round_up_whole_packs(answerer, text, packs):
    answer = ask(answerer, text)
    assert "能用45天" in said(answer) and f"要买{packs}瓶" in said(answer)


def test_cost_per_day_is_the_price_over_the_days_a_pack_lasts(answerer):
    answer = ask(answerer, "鱼油吃一天多少钱")
    assert re.search(r"135元.*45天.*合3元", said(answer))


def test_several_packs_last_proportionally_longer():
    days, sentence, _, source = lasts_days(CATALOG.product("H601"), packs=2)
    assert days == pytest.approx(90.0) and "一共180粒" in sentence and source == "食用方法"
