"""A promotion written on one product naming a partner ("与新会五年陈皮同拍立减15元"): money off when the
partner is in the basket, never for a look-alike sibling, once per pair."""
from __future__ import annotations

import pytest

from script.promotions import quote, read_rule, rules_for
from stream.catalog_file import parse_catalog_text

SHOP = parse_catalog_text("""
shop: {name: 岭南小店}
products:
  - {sku: C10, title: 新会十年陈皮 100g罐装, category: food, price: 128}
  - {sku: C05, title: 新会五年陈皮 100g罐装, category: food, price: 68}
  - {sku: POT, title: 隔水电炖盅 一大两小, category: home, price: 189, promotions: [{text: 与新会五年陈皮同拍立减15元}]}
  - {sku: BLK, title: 双人法兰绒电热毯, category: home, price: 169, promotions: [{text: 电热毯与保暖窗帘（任意尺寸）同拍立减30元}]}
  - {sku: CUR, title: 加厚保温遮光窗帘, category: home, price: 89}
  - {sku: BED, title: 加厚保暖宠物窝, category: other, price: 49}
""", "inline")


def priced(*items: tuple[str, int]):
    basket = [(SHOP.product(sku), qty) for sku, qty in items]
    return quote(basket, {p.sku: rules_for(p, SHOP.products, None) for p, _ in basket})


def test_a_paired_promotion_is_read_with_its_partner_and_amount():
    rule = read_rule(0, SHOP.product("POT").promotions[0])
    assert (rule.kind, rule.amount, rule.partner) == ("paired_off", 15.0, "新会五年陈皮")


@pytest.mark.parametrize("items, total", [
    ((("POT", 1), ("C05", 1)), 242.0),   # 189 + 68 - 15
    ((("POT", 1), ("C10", 1)), 317.0),   # the ten-year peel is not the partner
    ((("POT", 2), ("C05", 1)), 431.0),   # one pair: 189*2 + 68 - 15
    ((("BLK", 1), ("CUR", 1)), 228.0),   # 保暖窗帘 is the curtain, not the 保暖 pet bed
    ((("BLK", 1), ("BED", 1)), 218.0),   # 169 + 49: no pair
    ((("POT", 1),), 189.0),
])
def test_the_partner_takes_money_off_and_look_alikes_do_not(items, total):
    assert priced(*items).total == pytest.approx(total)


def test_the_pair_is_explained_and_its_arithmetic_checked():
    result = priced(("POT", 1), ("C05", 1))
    assert "同拍立减15元" in result.sentence and "一共242元" in result.sentence
    assert "POT.promotions[0]" in result.sources
    assert any(d.startswith("242=") for d in result.derived)


def test_a_piece_count_promotion_naming_the_goods_between_count_and_discount_is_read():
    rule = read_rule(0, parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: W, title: 暖手宝, category: electronics, price: 59, promotions: [{text: 任选2个暖手宝立减10元（可混拍）}]}
""", "inline").product("W").promotions[0])
    assert (rule.kind, rule.threshold, rule.amount, rule.mixed) == ("n_pieces_off", 2, 10.0, True)


def test_a_follow_up_asks_the_saving_or_the_average_of_the_basket_just_priced():
    from datetime import datetime, timedelta, timezone

    from script.answers import Answerer
    from script.understanding import ViewerContext
    catalog = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: CB, title: 手工红糖糍粑, category: food, price: 22, promotions: [{text: 3袋8折}]}
""", "inline")
    answerer = Answerer.build(catalog)
    now = datetime(2026, 12, 7, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    after = ViewerContext(None, ("CB",), "糍粑拿3袋多少钱")
    saved = "".join(answerer.answer("省了多少啊", None, now, after).sentences)
    assert "52.8元" in saved and "省13.2元" in saved
    assert "17.6元" in "".join(answerer.answer("那平均一袋合多少", None, now, after).sentences)


def test_buy_n_get_m_written_with_units_and_a_variant_priced_basket():
    from datetime import datetime, timedelta, timezone

    from script.answers import Answerer
    catalog = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: LZ, title: 灵芝孢子粉胶囊, category: health_food, price: 198, promotions: [{text: 买2盒送1盒}]}
  - {sku: CUR, title: 保温遮光窗帘（挂钩款）, category: home, price: 89,
     specs: {尺寸与价格: "宽2.0m×高2.5m：89元/片；宽3.0m×高2.7m：129元/片"}}
""", "inline")
    rule = read_rule(0, catalog.product("LZ").promotions[0])
    assert (rule.kind, rule.nth, rule.free) == ("buy_get", 2, 1)
    now = datetime(2026, 12, 7, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    two = "".join(Answerer.build(catalog).answer("窗帘3米的两片多少钱", None, now).sentences)
    assert "258元" in two and "178" not in two  # 129 each, not the 2m curtain's 89


def test_a_basket_is_told_how_far_it_is_from_free_shipping():
    from datetime import datetime, timedelta, timezone

    from script.answers import Answerer
    catalog = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: HG, title: 牛油火锅底料, category: food, price: 39.9, promotions: [{text: 全场满99元包邮}]}
  - {sku: BJ, title: 风干牛肉干, category: food, price: 29.9}
""", "inline")
    now = datetime(2026, 12, 7, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    answerer = Answerer.build(catalog)
    short = answerer.answer("火锅底料一盒+牛肉干一袋 够包邮不", None, now)
    assert "还差29.2元" in "".join(short.sentences) and any(d.startswith("29.2=") for d in short.derived)
    assert "够全场满99元包邮了" in "".join(answerer.answer("火锅底料3盒 够包邮不", None, now).sentences)


@pytest.mark.parametrize("question, index", [
    ("男款羽绒服还有立减吗", 0),      # the kind named without its figure
    ("羽绒服送围巾吗", 1),           # 送 for 赠
    ("原浆买二送一还有吗", 2),        # 买二送一 for 买2盒送1盒
    ("面霜买一送一是真的不", None),    # a figure none has is no promotion of that kind
])
def test_the_promotion_a_viewer_names_by_kind_or_in_other_words(question, index):
    from script.answer_facts import mentioned_promotion
    from script.catalog import Promotion
    product = SHOP.product("POT")
    product = type(product)(**{**product.__dict__, "promotions": (
        Promotion("立减100元"), Promotion("下单赠加绒围巾1条"), Promotion("买2盒送1盒"))})
    assert mentioned_promotion(product, question) == index


def test_a_past_price_for_two_is_answered_with_todays_price_for_two():
    from datetime import datetime, timedelta, timezone

    from script.answers import Answerer
    catalog = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: BD, title: 野生蓝莓果干 200g, category: food, price: 29.9, promotions: [{text: 第二件9.9元}]}
""", "inline")
    now = datetime(2026, 12, 7, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    answerer = Answerer.build(catalog)
    two = "".join(answerer.answer("蓝莓干昨天还29.9两袋呢", None, now).sentences)
    assert "39.8元" in two
    assert "29.9元" in "".join(answerer.answer("蓝莓干昨天不是29.9吗", None, now).sentences)


REVIEWED = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: POT, title: 隔水电炖盅, category: home, price: 189, promotions: [{text: 与新会五年陈皮同拍立减15元}]}
  - {sku: KET, title: 陶瓷养生壶, category: home, price: 99, promotions: [{text: 与新会五年陈皮同拍立减10元}]}
  - {sku: C05, title: 新会五年陈皮, category: food, price: 68, promotions: [{text: 与隔水电炖盅同拍立减5元}]}
  - {sku: BLK, title: 双人电热毯, category: home, price: 169, promotions: [{text: 与保温杯同拍立减30元}]}
  - {sku: CUR, title: 加厚保温遮光窗帘, category: home, price: 89}
  - {sku: TEA, title: 高山乌龙茶, category: food, price: 50, promotions: [{text: 与紫砂茶具同拍优惠8折}]}
  - {sku: SET, title: 紫砂茶具套装, category: home, price: 200}
  - {sku: TOW, title: 纯棉毛巾, category: home, price: 20, promotions: [{text: 店铺爆款：与新会五年陈皮同拍立减15元}]}
""", "inline")


def reviewed_total(*items):
    basket = [(REVIEWED.product(sku), qty) for sku, qty in items]
    return quote(basket, {p.sku: rules_for(p, REVIEWED.products, None) for p, _ in basket}).total


@pytest.mark.parametrize("items, total", [
    ((("POT", 1), ("KET", 1), ("C05", 1)), 341.0),  # one peel pairs once: the larger discount
    ((("C05", 1), ("POT", 1)), 242.0),              # the same whichever comes first
    ((("POT", 1), ("C05", 1)), 242.0),
    ((("BLK", 1), ("CUR", 1)), 258.0),              # a 保温杯 the shop does not sell is not the 保温 curtain
    ((("TEA", 1), ("SET", 1)), 250.0),              # 同拍优惠8折 is not 8元 off
    ((("POT", 1), ("C05", 1), ("TOW", 0)), 242.0),
])
def test_paired_discounts_found_by_review(items, total):
    assert reviewed_total(*[(s, q) for s, q in items if q]) == pytest.approx(total)


def test_a_paired_promotion_saying_shop_is_not_shop_wide():
    assert not read_rule(0, REVIEWED.product("TOW").promotions[0]).store_wide
    assert reviewed_total(("CUR", 1), ("C05", 1)) == pytest.approx(157.0)
