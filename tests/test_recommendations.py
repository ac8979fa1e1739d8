"""Recommendations from what the viewer says: a budget, for whom, a need in their own words; the
closest listing of those that fit, never a sold-out one offered as if it could be bought."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.viewer_measures import body_measures
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
SHOP = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: EAR
    title: 主动降噪蓝牙耳机
    category: electronics
    price: 199
    selling_points: [通勤降噪, 降噪深度42dB]
  - sku: SNACK
    title: 鸡胸肉冻干 宠物零食
    category: other
    price: 49
  - sku: CREAM
    title: 积雪草修护保湿面霜 50g
    category: beauty
    price: 139
  - sku: LIP1
    title: "雾面唇釉 #01 奶茶豆沙"
    category: beauty
    price: 89
    specs: {色号: "#01 奶茶豆沙（黄皮友好，日常通勤）"}
  - sku: LIP5
    title: "雾面唇釉 #05 枫叶红"
    category: beauty
    price: 89
    stock: 0
    specs: {色号: "#05 枫叶红（显白，适合约会）"}
""", "inline")


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.build(SHOP)


def said(answerer: Answerer, text: str) -> str:
    return "".join(answerer.answer(text, None, NOW).sentences)


def test_a_budget_is_no_height(answerer):
    assert body_measures("送男朋友选哪个好 预算200以内") == (None, None)
    assert answerer.understanding.read("送男朋友选哪个好 预算200以内").intent == "recommend"


def test_within_a_budget_something_under_it_is_suggested_even_if_a_word_named_a_dearer_one(answerer):
    reply = said(answerer, "学生党 50块以内有啥能买")
    assert "49元" in reply and "139" not in reply


def test_a_need_said_as_a_wish_is_a_recommendation(answerer):
    assert answerer.understanding.read("地铁通勤太吵了 想要安静点的").intent == "recommend"
    assert answerer.understanding.read("宿舍想香香的 有啥").intent == "recommend"


def test_a_sold_out_fit_is_said_to_be_gone_and_a_sibling_in_stock_offered(answerer):
    reply = said(answerer, "约会想要个显白的色")
    assert "#05已经售罄" in reply and "#01" in reply


def test_counts_written_before_the_names_belong_to_those_names():
    shop = parse_catalog_text("""
shop: {name: 火锅店}
products:
  - sku: POT
    title: 304不锈钢鸳鸯火锅锅 32cm
    category: home
    price: 199
  - sku: BASE
    title: 手工牛油火锅底料 微辣 400g
    category: food
    price: 32
  - sku: BEEF
    title: 灯影牛肉丝 250g
    category: food
    price: 39.9
""", "inline")
    answerer = Answerer.build(shop)
    quantities = dict(answerer.understanding.read("要一个鸳鸯锅加两袋微辣底料 一共多少").quantities)
    assert quantities == {"POT": 1, "BASE": 2}
    after = dict(answerer.understanding.read("牛肉丝两包加底料一袋 一共多少").quantities)
    assert after == {"BEEF": 2, "BASE": 1}  # written after the names: as before


def test_a_babys_weight_with_no_product_named_picks_among_the_baby_sizes_not_a_hoodie():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: HOOD
    title: 加绒加厚卫衣
    category: apparel
    price: 119
    specs: {尺码建议: "S：身高155-162cm，体重45-52kg；M：身高162-168cm，体重52-60kg"}
  - sku: DM
    title: 婴儿纸尿裤 M码
    category: baby
    price: 89
    specs: {适用体重: 6-11kg}
  - sku: DL
    title: 婴儿纸尿裤 L码
    category: baby
    price: 89
    specs: {适用体重: 9-14kg}
""", "inline")
    for on_screen in (None, "HOOD"):  # the hoodie on screen is not what a baby wears
        reply = "".join(Answerer.build(shop).answer("宝宝13kg了穿哪个", on_screen, NOW).sentences)
        assert "L码" in reply and "卫衣" not in reply


def test_a_kind_of_thing_no_title_is_is_not_sold_though_it_shares_a_word_with_one():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: DOWN
    title: 轻薄白鸭绒羽绒服
    category: apparel
    price: 399
  - sku: DIAPER
    title: 超薄婴儿纸尿裤
    category: baby
    price: 119
""", "inline")
    understanding = Answerer.build(shop).understanding
    assert understanding.read("羽绒裤有没有 冷死了").intent == "not_sold"  # 纸尿裤's 裤 is no 羽绒裤
    assert understanding.read("羽绒服有没有").intent != "not_sold"
    assert understanding.read("有没有纸尿裤").intent != "not_sold"


def test_whether_a_threshold_pools_different_products_is_asked_of_the_shop():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: A
    title: 保温杯
    category: home
    price: 89
    promotions: [{text: 全场满299减30（可跨商品凑单）}]
  - sku: B
    title: 卫衣
    category: apparel
    price: 159
""", "inline")
    answerer = Answerer.build(shop)
    assert answerer.understanding.read("满减可以不同商品凑吗").intent == "shop_sale"
    assert "可跨商品凑单" in "".join(answerer.answer("满减可以不同商品凑吗", None, NOW).sentences)


def test_an_adjective_follow_up_with_a_second_clause_picks_from_the_products_just_answered():
    from script.understanding import ViewerContext
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: PB10
    title: 磁吸无线充电宝 10000mAh
    category: electronics
    price: 129
  - sku: PB5
    title: 磁吸无线充电宝 5000mAh
    category: electronics
    price: 89
    stock: 0
  - sku: SAUS
    title: 广式腊肠 500g
    category: food
    price: 49.9
""", "inline")
    answerer = Answerer.build(shop)
    for previous in (("PB10", "PB5"), ("PB10",)):  # both answered, or only the one in stock
        context = ViewerContext("SAUS", previous_skus=previous, previous_text="冲电宝多少钱")
        reply = "".join(answerer.answer("小的那个呢 有货没", "SAUS", NOW, context).sentences)
        assert "5000mAh" in reply and "售罄" in reply and "腊肠" not in reply


def test_a_letter_size_the_chart_lacks_is_not_sold_and_选啥_with_a_body_asks_the_size():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: DOWN
    title: 女款加厚长款羽绒服
    category: apparel
    price: 599
    specs: {尺码建议: "S：155-160cm，45-52kg；M：160-165cm，52-58kg；L：165-170cm，58-65kg"}
""", "inline")
    understanding = Answerer.build(shop).understanding
    assert understanding.read("羽绒服xs码有吗").intent == "not_sold"
    assert understanding.read("羽绒服s码有吗").intent != "not_sold"
    assert understanding.read("羽绒服163 52kg选啥").intent == "size"


def test_a_girth_picks_the_size_whose_row_holds_it():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: GLOVE
    title: 冬季加厚触屏骑行手套
    category: apparel
    price: 69
    specs: {尺码: "M：掌围18-20cm；L：掌围20-22cm；XL：掌围22-24cm"}
""", "inline")
    answerer = Answerer.build(shop)
    assert "选L码" in "".join(answerer.answer("手套掌围21穿多大", None, NOW).sentences)
    assert "选XL码" in "".join(answerer.answer("手套掌围23穿多大", None, NOW).sentences)


def test_a_girth_in_a_follow_up_is_no_price_claim():
    from script.understanding import ViewerContext
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: PANTS
    title: 钓鱼速干裤
    category: apparel
    price: 89
    specs: {尺码: "L：腰围76-82cm；XL：腰围82-88cm；2XL：腰围88-94cm"}
""", "inline")
    answerer = Answerer.build(shop)
    context = ViewerContext(None, previous_skus=("PANTS",), previous_text="速干裤我腰围80穿什么码")
    assert answerer.understanding.read("那我老公腰围90呢", context).intent == "size"
    assert "2XL" in "".join(answerer.answer("那我老公腰围90呢", None, NOW, context).sentences)


def test_a_second_product_named_inside_the_question_is_found_wherever_it_stands():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: WARM
    title: 充电暖手宝 5000mAh 奶白
    category: electronics
    price: 59
  - sku: BANK
    title: 20000mAh快充充电宝
    category: electronics
    price: 129
""", "inline")
    answerer = Answerer.build(shop)
    assert set(answerer.understanding.read("暖手宝一个加充电宝一个 多少钱").named) == {"WARM", "BANK"}
    assert "188元" in "".join(answerer.answer("暖手宝一个加充电宝一个 多少钱", None, NOW).sentences)


def test_the_words_that_describe_a_product_are_read_from_every_run_of_the_question():
    from script.product_words import describing_bigrams
    words = describing_bigrams("暖手宝1个加充电宝 多少钱")
    assert {"充电", "电宝", "暖手"} <= words and "多少" not in words and "少钱" not in words
    assert "t恤" in describing_bigrams("T恤两件多少钱") and "两件" not in describing_bigrams("T恤两件多少钱")
    assert "16" in describing_bigrams("我165 穿啥码", digits=True) and "16" not in describing_bigrams("我165 穿啥码")
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: FRYER
    title: 家用空气炸锅 5L
    category: home
    price: 299
    selling_points: [不用油也能炸鸡翅]
  - sku: KETTLE
    title: 电水壶 1.7L
    category: home
    price: 129
""", "inline")
    resolver = Answerer.build(shop).resolver
    assert resolver.described("3号那个 不用油炸鸡翅的锅") == "FRYER"  # the words after the first run count
