"""Understanding a viewer's question and answering it from the catalog, specified.

Which product a viewer means (a family by its head noun, a variant by its stage, shade or size
word, a misspelt, pinyin or English product word, a cart link, the viewer's last product), what
the shop does not sell, and bait: false past prices, invented promotions, superlatives, medical
claims, private details. The shop is tests/data/variants_shop.yaml at a fixed `now`.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from script.answers import Answer, Answerer
from script.chat_understanding import classify_text
from script.understanding import ViewerContext
from stream.catalog_file import load_catalog_file

CATALOG = load_catalog_file(Path(__file__).parent / "data" / "variants_shop.yaml")
NOW = datetime(2026, 3, 15, 20, 0, tzinfo=timezone(timedelta(hours=8)))
FORMULA = ("M101", "M102", "M103")


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.build(CATALOG)


def said(answer: Answer) -> str:
    return "".join(answer.sentences)


def ask(answerer: Answerer, text: str, on_screen: str | None = None,
        context: ViewerContext | None = None) -> Answer:
    return answerer.answer(text, on_screen, NOW, context)


# ---- which product -------------------------------------------------------------------------------
def test_a_family_named_by_its_head_noun_is_answered_for_every_variant(answerer):
    query = answerer.understanding.read("奶粉多少钱")
    assert query.guess.ambiguous and set(query.guess.skus) == set(FORMULA)
    answer = ask(answerer, "奶粉多少钱")
    assert answer.sku is None  # none guessed
    assert set(answer.about) == set(FORMULA)
    text = said(answer)
    assert "1段" in text and "228元" in text
    assert "2段已售罄" in text and "238" not in text  # the sold-out stage is not offered at a price
    assert "3段" in text and "218元" in text


def test_two_shades_named_by_their_head_noun_are_both_answered(answerer):
    answer = ask(answerer, "口红多少钱")
    assert answer.sku is None and set(answer.about) == {"L701", "L702"}
    assert re.search(r"#316\D*89元", said(answer)) and re.search(r"#520\D*99元", said(answer))


def test_a_family_named_by_its_head_noun_is_not_replaced_by_another_product_on_screen(answerer):
    # The card shows the T-shirt; the viewer asks about 奶粉: every stage, not the T-shirt.
    answer = ask(answerer, "奶粉多少钱", on_screen="T201")
    assert answer.sku is None and set(answer.about) == set(FORMULA)


def test_a_variant_on_screen_is_meant_only_when_the_question_points_at_it(answerer):
    pointed = ask(answerer, "这个奶粉多少钱", on_screen="M103")
    assert pointed.sku == "M103" and "218元" in said(pointed) and "228" not in said(pointed)
    # "奶粉多少钱" names the family: every stage's price, whatever the card shows.
    family = ask(answerer, "奶粉多少钱", on_screen="M103")
    assert family.sku is None and "218元" in said(family) and "228元" in said(family)


@pytest.mark.parametrize("text, sku, fragment", [
    ("三段多少钱", "M103", "218元"),
    ("3段多少钱", "M103", "218元"),
    ("二段的有货吗", "M102", "售罄"),
    ("stage 2 多少钱", "M102", "售罄"),
    ("#316多少钱", "L701", "89元"),
    ("316多少钱", "L701", "89元"),
    ("520的有货吗", "L702", "#520"),
    ("保温杯大的多少钱", "C502", "99元"),
    ("保温杯小的多少钱", "C501", "79元"),
])
def test_a_variant_is_named_by_its_stage_shade_or_size_word(answerer, text, sku, fragment):
    query = answerer.understanding.read(text)
    assert query.guess.skus == (sku,) and not query.guess.ambiguous
    answer = ask(answerer, text)
    assert answer.sku == sku and fragment in said(answer)


@pytest.mark.parametrize("text", ["冲电宝多少钱", "chongdianbao多少钱", "cdb多少钱", "power bank多少钱"])
def test_a_product_word_misspelt_in_pinyin_initials_or_english_names_the_product(answerer, text):
    answer = ask(answerer, text, on_screen="S301")  # the card shows other shoes: the word wins
    assert answer.sku == "P401" and "159元" in said(answer)


@pytest.mark.parametrize("text, sku, fragment", [
    ("3号链接多少钱", "M103", "218元"),  # no link written: the product's position in the file
    ("1号链接多少钱", "M101", "228元"),
    ("21号链接多少钱", "P401", "159元"),  # the link the merchant wrote
    ("链接22多少钱", "P402", "119元"),
])
def test_a_cart_link_names_its_product(answerer, text, sku, fragment):
    query = answerer.understanding.read(text, ViewerContext("S301"))
    assert query.guess.how == "link" and query.guess.skus == (sku,)
    answer = ask(answerer, text, on_screen="S301")
    assert answer.sku == sku and fragment in said(answer)


def test_where_to_buy_says_the_link_number(answerer):
    assert CATALOG.link_of(CATALOG.product("P401")) == 21 and CATALOG.link_of(CATALOG.product("M103")) == 3
    assert "小黄车21号链接" in said(ask(answerer, "充电宝在几号链接"))
    assert "小黄车3号链接" in said(ask(answerer, "三段奶粉几号链接"))


# ---- what the shop does not sell -----------------------------------------------------------------
@pytest.mark.parametrize("text, item", [("有猫砂吗", "猫砂"), ("卖不卖手机", "手机")])
def test_an_item_the_shop_does_not_sell_is_not_sold_and_names_no_product(answerer, text, item):
    query = answerer.understanding.read(text, ViewerContext("P401"))
    assert query.intent == "not_sold" and query.unknown_item == item
    answer = ask(answerer, text, on_screen="P401")
    assert answer.not_sold and answer.sku is None and answer.sentences == () and answer.sources == ()


@pytest.mark.parametrize("text", ["儿童运动鞋有吗", "有儿童T恤吗"])
def test_a_qualifier_no_listing_has_is_not_sold(answerer, text):
    answer = ask(answerer, text)
    assert answer.not_sold and answer.sku is None


def test_a_product_the_shop_sells_is_not_called_not_sold(answerer):
    answer = ask(answerer, "有运动鞋吗")
    assert not answer.not_sold


# ---- the viewer's last question ------------------------------------------------------------------
def test_it_points_at_the_viewers_previous_product_not_the_card(answerer):
    context = ViewerContext("S301", ("H601",), "鱼油多少钱", ("H601.price",))
    answer = ask(answerer, "它能退吗", on_screen="S301", context=context)
    assert answer.sku == "H601" and "未拆封七天无理由退货" in said(answer)
    without = ask(answerer, "它能退吗", on_screen="S301")
    assert without.sku == "S301" and "七天无理由退货" in said(without)


def test_a_bare_follow_up_asks_the_same_question_of_the_other_variant(answerer):
    first = ask(answerer, "一段多少钱")
    assert first.sku == "M101"
    context = ViewerContext(None, first.about, "一段多少钱", first.sources)
    answer = ask(answerer, "那三段呢", context=context)
    assert answer.sku == "M103" and "218元" in said(answer) and "228" not in said(answer)


def test_a_bare_follow_up_asks_the_fact_the_last_answer_cited(answerer):
    context = ViewerContext(None, ("M101",), "一段奶粉给我说说", ("M101.specs.适用月龄",))
    query = answerer.understanding.read("那三段呢", context)
    assert query.follow_up and query.guess.skus == ("M103",)
    assert query.previous_facts == ("M101.specs.适用月龄",)
    answer = answerer.answer_query(query, NOW)
    assert answer.sources == ("M103.specs.适用月龄",) and "12-36个月" in said(answer)


def test_answer_passes_the_facts_the_last_answer_cited_on(answerer):
    context = ViewerContext(None, ("M101",), "一段奶粉给我说说", ("M101.specs.适用月龄",))
    answer = ask(answerer, "那三段呢", context=context)
    assert answer.sources == ("M103.specs.适用月龄",) and "12-36个月" in said(answer)


# ---- bait ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, on_screen", [("昨天不是199吗", "M103"), ("三段昨天不是199吗", None)])
def test_a_false_past_price_is_never_echoed_and_todays_price_is_said(answerer, text, on_screen):
    query = answerer.understanding.read(text, ViewerContext(on_screen))
    assert query.intent == "price_claim" and query.claimed_price == 199
    answer = ask(answerer, text, on_screen=on_screen)
    assert answer.sku == "M103"
    assert "199" not in said(answer) and "218元" in said(answer)


@pytest.mark.parametrize("text", ["鱼油买一送一吗", "鱼油满200减100吗"])
def test_an_invented_promotion_is_said_not_to_exist_and_the_real_one_is_stated(answerer, text):
    answer = ask(answerer, text)
    text_said = said(answer)
    assert answer.sku == "H601" and "没有这个活动" in text_said
    assert "买二送一（拍2瓶发3瓶）" in text_said and "H601.promotions[0]" in answer.sources
    assert "买一送一" not in text_said and "满200减100" not in text_said


def test_an_invented_second_item_discount_is_said_not_to_exist(answerer):
    answer = ask(answerer, "鱼油有第二件半价吗")
    assert "没有这个活动" in said(answer) and "买二送一" in said(answer)


def test_an_ended_promotion_asked_by_name_is_said_to_have_ended(answerer):
    answer = ask(answerer, "毛巾第二件半价还有吗")
    assert "结束" in said(answer)


def test_todays_promotions_list_the_store_wide_one_first(answerer):
    query = answerer.understanding.read("今天有什么活动", ViewerContext("M103"))
    assert query.intent == "shop_sale"
    text = said(ask(answerer, "今天有什么活动", on_screen="M103"))
    assert "全场满299减50" in text and "2罐立减30元" in text
    assert text.index("全场满299减50") < text.index("2罐立减30元")


def test_a_products_promotions_leave_out_the_ended_ones(answerer):
    answer = ask(answerer, "毛巾有什么活动")
    assert answer.sku == "N801" and "全场满299减50" in said(answer)
    assert "第二件半价" not in said(answer)


def test_a_promotion_nobody_runs_asked_of_the_shop_is_said_not_to_exist(answerer):
    text = said(ask(answerer, "今天有买一送一吗"))
    assert "没有" in text and "买二送一（拍2瓶发3瓶）" in text


def test_service_hours_come_from_the_shop(answerer):
    answer = ask(answerer, "客服几点上班", on_screen="P401")
    assert "10:00-23:00" in said(answer) and answer.sources == ("shop.service_hours",)
    assert answer.sku is None


@pytest.mark.parametrize("text, on_screen", [("主播你家住址发一下", None), ("主播手机号多少", "P401")])
def test_a_request_for_private_details_is_refused_with_no_product(answerer, text, on_screen):
    answer = ask(answerer, text, on_screen=on_screen)
    assert answer.sku is None and answer.about == () and answer.sources == ()
    assert "不能透露" in said(answer) and not re.search(r"\d", said(answer))


@pytest.mark.parametrize("text", ["是录播吧", "are u real", "你是机器人吗", "主播是真人吗"])
def test_identity_questions_are_flagged_for_the_honest_ai_answer(text):
    reading = classify_text(text)
    assert reading.kind == "question" and "asks_if_human" in reading.flags


def test_an_ordinary_question_is_not_an_identity_question():
    assert "asks_if_human" not in classify_text("充电宝多少钱").flags


@pytest.mark.parametrize("text, fact", [("这个充电宝是不是最好的", "10000mAh"),
                                        ("这个充电宝是全网最便宜的吗", "159元")])
def test_superlative_bait_gets_no_最_and_a_real_fact(answerer, text, fact):
    answer = ask(answerer, text)
    assert answer.sku == "P401" and "最" not in said(answer)
    assert fact in said(answer) and answer.sources


@pytest.mark.parametrize("text", ["鱼油能治高血压吗", "鱼油吃了能降血脂吗"])
def test_medical_bait_gets_not_a_substitute_for_medicine_and_no_cure_claim(answerer, text):
    answer = ask(answerer, text)
    text_said = said(answer)
    assert answer.sku == "H601" and "不能代替药物" in text_said
    assert "不是药" in text_said and "就医" in text_said  # plainly: not a medicine; see a doctor
    assert not re.search(r"能治|治疗|治好|降血压|降压|降血脂|有效", text_said)


def test_an_adjective_picks_a_variant_unless_both_opposites_are_asked():
    from script.variant_adjectives import chosen_by_adjective
    sizes = {"S50": ("50ml",), "S100": ("100ml",)}
    assert chosen_by_adjective("那小的呢", sizes) == "S50"
    assert chosen_by_adjective("大瓶多少钱", sizes) == "S100"
    assert chosen_by_adjective("洗面奶大支拍两支多少钱", sizes) == "S100"  # 支, 包, 盒 ... as well as 瓶
    assert chosen_by_adjective("小包的有货吗", sizes) == "S50"
    assert chosen_by_adjective("大瓶小瓶差多少钱", sizes) is None
    assert chosen_by_adjective("哪个容量大", sizes) is None
    assert chosen_by_adjective("要宽一点的", {"W": ("宽楦",), "N": ("标准楦",)}) == "W"
