"""A figure the viewer asks to confirm is checked against the spec stating the product's own figure of
that unit: net weight, not the scoop; no answer invented when two specs could be meant."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from script.answers import Answerer
from script.figure_check import figures, stated_figure
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
SHOP = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: MILK
    title: 婴幼儿配方奶粉 1段
    category: baby
    price: 268
    specs: {净含量: 900g, 量勺: 每平勺约5g}
  - sku: BANK
    title: 大容量充电宝
    category: electronics
    price: 129
    specs: {电池容量: 20000mAh, 额定容量: 12000mAh, 输出功率: 22.5W}
""", "inline")


def said(question: str) -> str:
    return "".join(Answerer.build(SHOP).answer(question, None, NOW).sentences)


def test_figures_are_read_in_one_unit_per_measure():
    assert figures("净含量1.5kg，每勺5克") == [("mass", 1500.0), ("mass", 5.0)]
    assert figures("两斤") == [("mass", 1000.0)]
    assert stated_figure("是900克的吗") == ("mass", 900.0)
    assert stated_figure("900克多少钱") is None  # not asking to confirm


def test_a_stated_net_weight_is_confirmed_or_corrected_from_the_net_weight():
    assert said("奶粉是900克的吗").startswith("是的") and "量勺" not in said("奶粉是900克的吗")
    wrong = said("奶粉是800g的吧")
    assert wrong.startswith("不是") and "900g" in wrong


def test_two_specs_of_the_unit_are_not_guessed_between():
    reply = said("充电宝是20000毫安的吗")
    assert not reply.startswith(("是的", "不是"))
    assert said("充电宝是22.5W的吗").startswith("是的")


def test_a_price_put_to_the_host_to_confirm_is_a_claim_corrected_even_when_sold_out():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: DL
    title: 婴儿纸尿裤 L码 54片
    category: baby
    price: 89
    stock: 0
  - sku: BEAN
    title: 郫县豆瓣酱 1kg桶装
    category: food
    price: 22
  - sku: BANK
    title: 充电宝 20000mAh
    category: electronics
    price: 129
    specs: {多口同时输出: 合计15W}
""", "inline")
    answerer = Answerer.build(shop)
    diaper = answerer.answer("L码纸尿裤69对不对", None, NOW)
    assert answerer.understanding.read("L码纸尿裤69对不对").intent == "price_claim"  # 69 is no body weight
    assert "89元" in "".join(diaper.sentences) and "售罄" in "".join(diaper.sentences)
    assert "22元" in "".join(answerer.answer("豆瓣酱18一桶吧", None, NOW).sentences)
    ports = answerer.understanding.read("充电宝三个口一起充多少瓦")
    assert ports.quantities == () and ports.intent != "compute"  # three ports are not three power banks


def test_a_common_word_is_no_slip_for_a_fragment_of_a_title_word():
    from script.product_words import slip_for
    assert not slip_for("不是", "不湿") and not slip_for("料不是", "尿不湿")
    assert slip_for("良茶", "凉茶") and slip_for("冲电宝", "充电宝")


def test_a_claimed_price_a_promotion_will_give_is_answered_with_that_promotion():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: POT
    title: 304不锈钢鸳鸯火锅锅 32cm
    category: home
    price: 199
    promotions:
      - {text: 下单送不锈钢漏勺2把}
      - {text: 今晚22:00开始限时直降到169元, ends_at: "2026-12-08T02:00:00+08:00"}
""", "inline")
    answerer = Answerer.build(shop)
    reply = "".join(answerer.answer("现在拍鸳鸯锅是不是169", None, NOW).sentences)
    assert "199元" in reply and "22:00开始限时直降到169元" in reply
    assert "是这个活动的" not in "".join(answerer.answer("鸳鸯锅是不是150", None, NOW).sentences)


def test_a_capacity_no_variant_has_is_not_sold_however_it_is_written():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: PB10
    title: 磁吸无线充电宝 10000mAh
    category: electronics
    price: 129
  - sku: PBMINI
    title: 磁吸无线充电宝 mini
    category: electronics
    price: 99
    specs: {电池容量: 5000mAh}
""", "inline")
    answerer = Answerer.build(shop)
    assert answerer.understanding.read("有没有两万毫安的充电宝").intent == "not_sold"
    assert answerer.understanding.read("有20000mAh的充电宝吗").intent == "not_sold"
    assert answerer.understanding.read("有没有一万毫安的充电宝").intent != "not_sold"
    assert answerer.understanding.read("有5000毫安的吗 充电宝").intent != "not_sold"  # the mini's, in its specs


def test_a_title_character_left_beside_how_much_still_asks_the_price():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: CAT
    title: 鸡胸肉冻干 猫零食 100g
    category: other
    price: 49
    specs: {喂食建议: 每天不超过10g}
""", "inline")
    understanding = Answerer.build(shop).understanding
    assert understanding.read("猫冻干多少").intent == "price"
    assert understanding.read("冻干喂多少").intent != "price"


def test_a_count_asked_of_a_pack_is_not_taken_for_its_price():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: CAL
    title: 氨糖软骨素钙片 120片
    category: health_food
    price: 168
""", "inline")
    assert Answerer.build(shop).understanding.read("钙片一瓶多少片").intent != "price"
