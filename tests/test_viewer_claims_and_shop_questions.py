"""Chat that is a question without looking like one (a price heard elsewhere, "还有不 我190"),
claims checked against the catalog, and questions asked of the shop rather than of a product."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.catalog import catalog_from_data
from script.chat_understanding import classify_text
from script.product_words import fold_question
from script.understanding import ViewerContext

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=timezone(timedelta(hours=8)))
CATALOG = catalog_from_data({
    "shop": {"name": "测试补给铺"},
    "products": [
        {"sku": "F1", "title": "深海鱼油软胶囊 90粒", "category": "health_food", "price": 128.0,
         "specs": {"每粒": "1000mg"}},
        {"sku": "H1", "title": "牛油火锅底料 500g", "category": "food", "price": 39.9,
         "promotions": [{"text": "第二件19.9元"}, {"text": "全场满99元包邮（新疆、西藏除外）"}],
         "policies": {"shipping": "48小时内发货"}},
        {"sku": "G1", "title": "冬季加厚触屏骑行手套", "category": "apparel", "price": 69.0,
         "specs": {"功能": "防风、可触屏、掌心硅胶防滑"}},
        {"sku": "E1", "title": "骨传导运动蓝牙耳机", "category": "electronics", "price": 299.0, "stock": 80,
         "specs": {"颜色": "曜石黑/云白/湖蓝（湖蓝已售罄）"}},
        {"sku": "B1", "title": "婴幼儿配方奶粉 1段 900g", "category": "baby", "price": 268.0,
         "specs": {"适用月龄": "0-6个月"}},
        {"sku": "B2", "title": "较大婴儿配方奶粉 2段 900g", "category": "baby", "price": 258.0,
         "specs": {"适用月龄": "6-12个月"}},
        {"sku": "S30", "title": "清透防晒乳 SPF30 50ml", "category": "beauty", "price": 79.0},
        {"sku": "S50", "title": "高倍防晒乳 SPF50+ 50ml", "category": "beauty", "price": 109.0},
    ],
})


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.build(CATALOG)


def said(answerer: Answerer, text: str, context: ViewerContext | None = None) -> str:
    return "".join(answerer.answer(text, None, NOW, context).sentences)


@pytest.mark.parametrize("text", ["朋友说火锅底料才卖29.9😂", "刚才屏幕上写的电火锅199啊", "蛋白粉上周才159",
                                  "防晒小瓶上回69买的啊", "XXL荧光黄还有不 我190", "dian huo guo duo shao qian",
                                  "手套能触屏不 骑车要看导航", "全场五折是真的假的"])
def test_claims_and_clause_questions_are_questions(text):
    assert classify_text(text).kind == "question"


@pytest.mark.parametrize("text", ["不错不错 我喜欢", "主播 我要了 拍了"])
def test_chatter_is_not_a_question(text):
    assert classify_text(text).kind != "question"


def test_a_chinese_count_after_digits_is_not_glued_to_them():
    assert fold_question("鱼油99一瓶") == "鱼油99 1瓶"


def test_a_price_heard_in_a_group_chat_is_corrected_but_a_height_is_not_a_price(answerer):
    query = answerer.understanding.read("群里说鱼油99一瓶？")
    assert query.intent == "price_claim" and query.claimed_price == 99
    assert "128元" in said(answerer, "群里说鱼油99一瓶？")
    assert answerer.understanding.read("手套还有不 我190").claimed_price is None


def test_shipping_asked_of_the_shop_is_the_shop_wide_free_shipping_rule(answerer):
    assert "全场满99元包邮（新疆、西藏除外）" in said(answerer, "包邮不")
    answer = said(answerer, "火锅底料包邮吗")  # the product's own policy, then the shop-wide rule
    assert "48小时内发货" in answer and "满99元包邮" in answer


def test_promotion_kinds_asked_for_are_listed_and_invented_ones_denied(answerer):
    assert "第二件19.9元" in said(answerer, "有没有第二件便宜的")
    assert "没有" in said(answerer, "全场五折是真的假的")


def test_a_feature_the_title_names_is_answered_from_the_spec_stating_it(answerer):
    assert "可触屏" in said(answerer, "手套能触屏不 骑车要看导航")


def test_a_follow_up_naming_another_variant_by_model_word_is_about_that_variant(answerer):
    previous = answerer.understanding.read("SPF50买两支多少钱")
    context = ViewerContext(previous_skus=previous.guess.skus, previous_text=previous.text)
    query = answerer.understanding.read("那SPF30两支呢", context)
    assert query.guess.skus == ("S30",) and dict(query.quantities) == {"S30": 2}
    assert query.weight_kg is None  # SPF30 is not 30 kg


@pytest.mark.parametrize("text, folded", [("protein powder price?", "蛋白粉 price?"), ("耳机冲满电", "耳机充满电"),
                                          ("teapot", "teapot")])
def test_spellings_fold_whole_words_only(text, folded):
    assert fold_question(text) == folded  # "rice" inside "price" is not 大米


def test_a_setting_named_with_最_is_no_superlative_claim(answerer):
    from script.question_words import SUPERLATIVE
    assert not SUPERLATIVE.search("车灯开最亮档能亮多久") and not SUPERLATIVE.search("最高档几瓦")
    assert SUPERLATIVE.search("是不是最好的")


def test_pinyin_spellings_fold_inside_a_glued_run():
    assert fold_question("dian huo guo duo shao qian").endswith("多少钱")


def test_a_variant_a_spec_says_is_sold_out_is_said_to_be_gone(answerer):
    assert "湖蓝已售罄" in said(answerer, "耳机蓝色的有没有")
    assert "库存80件" in said(answerer, "耳机还有货吗")  # the product itself is in stock


def test_a_colour_the_product_lacks_is_answered_with_its_colours_not_as_not_sold(answerer):
    answer = answerer.answer("耳机白色有吗", None, NOW)
    assert not answer.not_sold and "云白" in "".join(answer.sentences)


def test_a_stage_the_family_does_not_have_is_not_sold_and_the_age_picks_a_stage(answerer):
    assert answerer.answer("有3段奶粉吗 宝宝一岁半了", None, NOW).not_sold
    assert not answerer.answer("2段奶粉多少一罐", None, NOW).not_sold
    assert "1段" in said(answerer, "5个月宝宝喝哪个段的") and "2段" in said(answerer, "8个月喝哪段")


def test_a_word_the_named_products_own_spec_has_does_not_name_a_second_product():
    catalog = catalog_from_data({"shop": {"name": "测试宠物店"}, "products": [
        {"sku": "D1", "title": "鸡肉糙米成犬粮 1.8kg", "category": "other", "price": 89.0,
         "specs": {"净含量": "1.8kg", "粗蛋白": "≥26%"}},
        {"sku": "W1", "title": "乳清蛋白粉 900g", "category": "health_food", "price": 199.0}]})
    answerer = Answerer.build(catalog)
    assert answerer.understanding.read("狗粮蛋白含量多少").named == ("D1",)
    assert "≥26%" in "".join(answerer.answer("狗粮蛋白含量多少", None, NOW).sentences)
    assert set(answerer.understanding.read("狗粮和蛋白粉一起买多少").named) == {"D1", "W1"}


def test_a_model_number_after_a_named_variant_still_names_the_other_variant(answerer):
    assert set(answerer.understanding.read("SPF50比30贵多少").named) == {"S50", "S30"}
    assert "差30元" in said(answerer, "SPF50比30贵多少")


@pytest.mark.parametrize("text, folded", [("鱼干1斤装啥价", "鱼干500g装啥价"), ("半斤装的", "250g装的"),
                                          ("我110斤", "我110jin")])
def test_a_jin_pack_is_its_grams_but_a_body_weight_stays(text, folded):
    assert fold_question(text) == folded


def test_cakes_of_tea_are_counted_and_还有几_asks_the_stock():
    from script.question_words import COUNT
    assert COUNT.search("普洱拍两饼多少钱")
    catalog = catalog_from_data({"shop": {"name": "测试"}, "products": [
        {"sku": "R1", "title": "台钓竿 5.4米", "category": "other", "price": 198.0, "stock": 35}]})
    assert Answerer.build(catalog).understanding.read("5m4的杆还有几根").intent == "stock"


def test_mah_is_no_hour_so_a_charge_time_question_is_not_answered_with_the_battery():
    from script.spec_reading import choose_specs
    catalog = catalog_from_data({"shop": {"name": "测试"}, "products": [
        {"sku": "P1", "title": "大容量充电宝", "category": "electronics", "price": 149.0,
         "specs": {"电池容量": "20000mAh"}}]})
    assert choose_specs(catalog.product("P1"), "充满要多久").keys == ()


@pytest.mark.parametrize("text", ["真人？", "是真人", "你真人啊"])
def test_a_bare_are_you_human_is_asked_and_answered_honestly(text):
    assert "asks_if_human" in classify_text(text).flags
