"""Baskets over a threshold two products share, counts read beside the right product when one
title word is shared, comparisons on a spec both products have, and "都...吗" answered."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.catalog import catalog_from_data
from script.understanding import ViewerContext

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=timezone(timedelta(hours=8)))
CATALOG = catalog_from_data({
    "shop": {"name": "测试户外店"},
    "products": [
        {"sku": "J1", "title": "冬季加绒滑雪服 长袖", "category": "apparel", "price": 199.0,
         "specs": {"面料": "外层防风面料+内层抓绒"},
         "promotions": [{"text": "滑雪服、滑雪手套两款合并满300减40"}]},
        {"sku": "G1", "title": "冬季加厚滑雪手套", "category": "apparel", "price": 69.0,
         "specs": {"功能": "防风、防水"},
         "promotions": [{"text": "滑雪服、滑雪手套两款合并满300减40"}]},
        {"sku": "E1", "title": "头戴式降噪耳机", "category": "electronics", "price": 299.0,
         "specs": {"充电时间": "约1.5小时", "续航": "约30小时"}},
        {"sku": "L1", "title": "露营灯 Type-C充电", "category": "electronics", "price": 89.0,
         "specs": {"充电时间": "约4小时", "接口": "Type-C充电"}},
        {"sku": "C1", "title": "保温杯 500ml", "category": "home", "price": 79.0,
         "specs": {"容量": "500ml"}, "promotions": [{"text": "满99减10"}]},
        {"sku": "W50", "title": "清爽防晒乳 50ml", "category": "beauty", "price": 89.0},
        {"sku": "W100", "title": "清爽防晒乳 100ml", "category": "beauty", "price": 139.0},
        {"sku": "K1", "title": "保鲜盒三件套", "category": "home", "price": 39.0,
         "specs": {"材质": "PP"}, "promotions": [{"text": "满99减10"}]},
    ],
})


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.build(CATALOG)


def said(answerer: Answerer, text: str) -> str:
    return "".join(answerer.answer(text, None, NOW).sentences)


def test_a_threshold_the_rule_says_two_products_share_counts_both(answerer):
    # 199 + 69 x 2 = 337 over the shared 满300减40: 297; the gloves' count is theirs, not the jacket's.
    query = answerer.understanding.read("滑雪服一件加手套两双多少钱")
    assert dict(query.quantities) == {"J1": 1, "G1": 2}
    assert "一共337元" in said(answerer, "滑雪服一件加手套两双多少钱")
    assert "到手297元" in said(answerer, "滑雪服一件加手套两双多少钱")
    assert "还差32元" in said(answerer, "滑雪服和手套能一起凑满减吗")  # 199 + 69 = 268, together


def test_a_threshold_each_product_carries_alone_is_not_pooled(answerer):
    # 79 + 39 = 118, but each 满99减10 counts its own product: the cup alone is 20 short.
    answer = said(answerer, "保温杯加保鲜盒一共多少")
    assert "一共118元" in answer and "到手108元" not in answer


def test_a_spec_both_products_have_is_compared_and_the_shorter_charge_is_quicker(answerer):
    answer = said(answerer, "耳机跟露营灯充电哪个快")
    assert "约4小时" in answer and "约1.5小时" in answer and "头戴式降噪耳机更快" in answer


def test_a_feature_both_products_state_is_answered_with_both(answerer):
    query = answerer.understanding.read("滑雪服跟手套都防风吗")
    assert set(query.named) == {"J1", "G1"}  # taking out the gloves' 滑雪 does not lose 滑雪服
    assert "两款都防风" in said(answerer, "滑雪服跟手套都防风吗")


def follow_up(answerer: Answerer, first: str, then: str) -> str:
    previous = answerer.understanding.read(first)
    context = ViewerContext(previous_skus=previous.guess.skus, previous_text=previous.text)
    return "".join(answerer.answer(then, None, NOW, context).sentences)


def test_which_is_better_value_is_the_lower_price_per_ml_against_the_last_product_asked(answerer):
    answer = follow_up(answerer, "防晒大瓶多少钱", "那跟小瓶比哪个划算")
    assert "每ml合1.78元" in answer and "每ml合1.39元" in answer  # 89 / 50 and 139 / 100
    assert answer.endswith("清爽防晒乳100ml更划算。")


def test_it_in_a_comparison_is_the_last_product_asked(answerer):
    answer = follow_up(answerer, "防晒100ml多少一瓶", "50ml比它便宜多少")
    assert "差50元" in answer


def test_price_per_pack_is_a_price_question(answerer):
    assert answerer.understanding.read("防晒100ml多少一瓶").intent == "price"


def test_the_average_piece_price_under_a_piece_promotion():
    catalog = catalog_from_data({"shop": {"name": "测试保健品店"}, "products": [
        {"sku": "O1", "title": "深海鱼油软胶囊", "category": "health_food", "price": 128.0,
         "promotions": [{"text": "买2送1（送同款1瓶）"}]},
        {"sku": "P1", "title": "乳清蛋白粉", "category": "health_food", "price": 199.0,
         "promotions": [{"text": "2罐9折"}]}]})
    answerer = Answerer.build(catalog)
    assert "平均一瓶85.33元" in said(answerer, "鱼油买二送一 算下来一瓶多少钱")  # 256 for three bottles
    assert "平均一罐179.1元" in said(answerer, "蛋白粉买两罐算下来一罐多少")  # 2 x 199 x 0.9 = 358.2 for two


def test_an_average_over_a_basket_only_a_threshold_discounts(answerer):
    reply = said(answerer, "保温杯两个 一个算下来多少")  # 2 x 79 = 158, 满99减10: 148 for two
    assert "到手148元" in reply and "平均一个74元" in reply


def test_a_basket_asked_for_its_gifts_names_them_or_what_is_still_missing():
    catalog = catalog_from_data({"shop": {"name": "测试渔具店"}, "products": [
        {"sku": "C1", "title": "钓鱼椅", "category": "other", "price": 239.0, "promotions": [{"text": "跨店满300减40"}]},
        {"sku": "L1", "title": "头灯", "category": "electronics", "price": 79.0},
        {"sku": "B1", "title": "保温箱", "category": "other", "price": 299.0,
         "promotions": [{"text": "全场实付满299送遮阳帽一顶"}]}]})
    answerer = Answerer.build(catalog)
    answer = said(answerer, "钓椅加头灯一共多少 送东西不")  # 318 - 40 = 278 paid: 21 short of the hat
    assert "到手278元" in answer and "全场实付满299送遮阳帽一顶，这一单还差21元" in answer
    assert "送的有全场实付满299送遮阳帽一顶" in said(answerer, "保温箱加头灯一共多少 送东西不")  # 378
