"""Prices that depend on the variant: sizes priced in a spec, net weights priced per 斤, a bag size named in
kg or 公斤, and a sold-out product asked about by itself."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from script.answers import Answerer
from script.variant_prices import named_variant, variant_prices
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
SHOP = parse_catalog_text("""
shop: {name: 冰城小店}
products:
  - sku: BED
    title: 加厚保暖宠物窝 猫狗通用
    category: other
    price: 59
    specs:
      规格与价格: "S：直径45cm，适合5kg以内，59元；M：直径55cm，适合5-10kg，79元；L：直径65cm，适合10-18kg，99元"
  - sku: CUR
    title: 加厚保温遮光窗帘
    category: home
    price: 89
    specs:
      尺寸与价格: "宽2.0m×高2.5m：89元/片；宽3.0m×高2.7m：129元/片；宽4.0m×高2.7m：169元/片"
  - sku: R25
    title: 五常稻花香大米 2.5kg
    category: food
    price: 35.9
  - sku: R5
    title: 五常稻花香大米 5kg
    category: food
    price: 65.9
  - sku: R10
    title: 五常稻花香大米 10kg
    category: food
    price: 119
    stock: 0
""", "inline")


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.build(SHOP)


def said(answerer, text: str) -> str:
    return "".join(answerer.answer(text, None, NOW).sentences)


def test_a_spec_that_prices_each_variant_is_read_as_variants():
    bed = SHOP.product("BED")
    assert [(v.label, v.price) for v in variant_prices(bed)] == [("S", 59), ("M", 79), ("L", 99)]
    assert named_variant(bed, "宠物窝m号多钱").label == "M"
    assert named_variant(bed, "大号的多少钱").label == "L"
    assert named_variant(SHOP.product("CUR"), "3米宽的多少钱一片").label == "宽3.0m×高2.7m"
    assert named_variant(bed, "宠物窝多少钱") is None
    assert variant_prices(SHOP.product("R5")) == []


@pytest.mark.parametrize("question, price, never", [
    ("宠物窝M号多少钱", "79元", "59元"),
    ("宠物窝大号多少钱 我家金毛30斤", "99元", "59元"),  # a price beside a measure is still a price
    ("窗帘4米的多少钱", "169元", "89元"),
])
def test_a_named_variant_gets_its_own_price_not_the_base_price(answerer, question, price, never):
    reply = said(answerer, question)
    assert price in reply and never not in reply


def test_a_product_priced_per_variant_lists_every_price_when_none_is_named(answerer):
    reply = said(answerer, "宠物窝多少钱")
    assert all(p in reply for p in ("59", "79", "99"))


def test_a_bag_size_typed_in_kg_or_gongjin_names_that_bag(answerer):
    assert "35.9元" in said(answerer, "大米2.5公斤的多少钱") and "65.9" not in said(answerer, "大米2.5公斤的多少钱")
    assert "65.9元" in said(answerer, "5kg的大米多少钱")


def test_a_sold_out_product_asked_alone_keeps_its_price_but_not_beside_its_siblings(answerer):
    alone = said(answerer, "10kg的大米多少钱")
    assert "售罄" in alone and "119元" in alone
    family = said(answerer, "大米多少钱")
    assert "售罄" in family and "119" not in family


def test_a_price_per_jin_is_worked_out_from_the_net_weight(answerer):
    answer = answerer.answer("5kg大米合多少钱一斤", None, NOW)
    assert "10斤" in "".join(answer.sentences) and "6.59元" in "".join(answer.sentences)
    assert any(d.startswith("6.59=") for d in answer.derived)


JACKETS = parse_catalog_text("""
shop: {name: 冰城小店}
products:
  - sku: W1
    title: 女款加厚长款羽绒服
    category: apparel
    price: 599
    specs: {尺码建议: "S：155-160cm，45-52kg；M：160-165cm，52-58kg；L：165-170cm，58-65kg；XL：170-175cm，65-72kg"}
  - sku: M1
    title: 男款加厚短款羽绒服
    category: apparel
    price: 729
    specs: {尺码建议: "M：165-170cm，55-62kg；L：170-175cm，62-70kg；XL：175-180cm，70-78kg"}
  - sku: PET
    title: 加厚保暖宠物窝
    category: other
    price: 59
    specs: {尺码: "S：适合5kg以内；M：适合5-10kg；L：适合10-18kg"}
""", "inline")


@pytest.mark.parametrize("question, sku, size", [
    ("165 110斤 女 羽绒服穿啥码", "W1", "M码"),
    ("主播我170 65kg 男 穿多大的羽绒服", "M1", "L码"),
    ("女 172 63kg 穿哪个码", "W1", "XL码"),  # no product named: the women's chart, not the pet bed's
])
def test_the_wearer_named_as_a_woman_or_a_man_picks_the_womens_or_mens_variant(question, sku, size):
    answer = Answerer.build(JACKETS).answer(question, None, NOW)
    assert answer.sku == sku and size in "".join(answer.sentences)


def test_a_family_not_made_in_womens_and_mens_variants_is_not_chosen_by_gender():
    from script.variant_adjectives import chosen_by_gender
    assert chosen_by_gender("送爸爸啥好", {"PANTS": ("男款",), "CHAIR": ("钓鱼椅",)}) is None
    assert chosen_by_gender("给我老公买", {"W1": ("女款",), "M1": ("男款",)}) == "M1"
    assert chosen_by_gender("男女款哪个暖和", {"W1": ("女款",), "M1": ("男款",)}) is None


def test_variants_told_apart_by_their_age_in_years():
    catalog = parse_catalog_text("""
shop: {name: 岭南小店}
products:
  - {sku: P10, title: 新会十年陈皮 100g罐装, category: food, price: 128}
  - {sku: P05, title: 新会五年陈皮 100g罐装, category: food, price: 68}
""", "inline")
    answerer = Answerer.build(catalog)
    ten = "".join(answerer.answer("十年陈皮多少钱一罐", None, NOW).sentences)
    assert "128元" in ten and "68" not in ten
    assert "差60元" in "".join(answerer.answer("十年比五年贵多少", None, NOW).sentences)
    both = "".join(answerer.answer("陈皮多少钱", None, NOW).sentences)
    assert "128" in both and "68" in both


def test_a_family_answer_naming_a_sibling_with_only_a_shop_wide_promotion_passes_the_guard():
    """The 5000mAh sibling is named (its 5000) beside a promotion written on another product: the
    guard traces its number to its title, so the answer is not replaced by 'I'll check'."""
    from stream.compliance import make_checker
    from stream.persona_bundle import load_persona
    from stream.replay import ReplaySimulator, read_chat_lines
    catalog = parse_catalog_text("""
shop: {name: 数码小店}
products:
  - {sku: P10, title: 磁吸无线充电宝 10000mAh, category: electronics, price: 129, promotions: [{text: 两件立减20元}]}
  - {sku: P05, title: 磁吸无线充电宝 5000mAh, category: electronics, price: 89, stock: 0}
  - {sku: BED, title: 长绒棉四件套, category: home, price: 399, promotions: [{text: 全场满399减40（可跨商品累计）}]}
""", "inline")
    chat = read_chat_lines('{"t": 5, "type": "comment", "user": "u1", "text": "充电宝有活动吗"}\n')
    result = ReplaySimulator(catalog, load_persona("default").style, seed=1, started_at=NOW,
                             checker=make_checker()).run(chat)
    reply = result.events[0].reply
    assert "20元" in reply.text and "399" in reply.text and not reply.guard_hits


def test_a_price_per_can_of_a_case_and_a_count_question_are_told_apart():
    catalog = parse_catalog_text("""
shop: {name: 岭南小店}
products:
  - {sku: TEA, title: 岭南草本凉茶 310ml×24罐 整箱, category: food, price: 60}
  - {sku: TIS, title: 抽纸 3层100抽×6包, category: home, price: 19.9}
  - {sku: P10, title: 磁吸无线充电宝 10000mAh, category: electronics, price: 129, promotions: [{text: 两件立减20元}]}
  - {sku: P05, title: 磁吸无线充电宝 5000mAh, category: electronics, price: 89, stock: 0}
""", "inline")
    answerer = Answerer.build(catalog)
    per_can = answerer.answer("凉茶一罐合多少钱", None, NOW)
    assert "2.5元" in "".join(per_can.sentences) and any(d.startswith("2.5=") for d in per_can.derived)
    assert answerer.understanding.read("一包多少抽").intent != "unit_price"
    two = "".join(answerer.answer("充电宝买两个多少", None, NOW).sentences)  # only the 10000mAh can be bought
    assert "238元" in two and "5000" not in two


WARMERS = parse_catalog_text("""
shop: {name: 冰城小店}
products:
  - sku: W5
    title: USB充电暖手宝 5000mAh
    category: electronics
    price: 59
    specs: {电池容量: 5000mAh, 温度档位: 三档, 充电时间: 约3小时充满, 充电接口: Type-C}
    policies: {shipping: 24小时内发货}
  - sku: W10
    title: USB充电暖手宝 10000mAh
    category: electronics
    price: 89
    specs: {电池容量: 10000mAh, 温度档位: 三档, 充电时间: 约5小时充满, 充电接口: Type-C}
  - sku: BOOT
    title: 东北加厚防滑雪地靴
    category: apparel
    price: 259
    specs: {鞋码: 35-44码}
""", "inline")


@pytest.mark.parametrize("question, said, never", [
    ("10000毫安的多久充满", "5小时", "10000mAh的电池容量"),  # 毫安 names the variant, not the spec asked
    ("5000的暖手宝充电要多久", "3小时", "发货"),  # 充电 is a title word and the spec's word
    ("暖手宝有几档", "三档", "您问的是"),
])
def test_the_spec_asked_is_found_though_its_words_are_also_title_words(question, said, never):
    reply = "".join(Answerer.build(WARMERS).answer(question, None, NOW).sentences)
    assert said in reply and never not in reply


@pytest.mark.parametrize("question, not_sold", [("你们卖貂吗", True), ("有没有冻梨 想买点冻梨冻柿子", True),
                                                ("有没有护手霜 东北的那种", True), ("卖鞋吗", False)])
def test_items_the_shop_does_not_sell_however_they_are_asked(question, not_sold):
    assert Answerer.build(WARMERS).answer(question, None, NOW).not_sold == not_sold


FORMULA = parse_catalog_text("""
shop: {name: 母婴小店}
products:
  - {sku: S1, title: 婴儿配方奶粉 1段 800g, category: baby, price: 268, specs: {适用阶段: 1段（0-6个月）}}
  - {sku: S2, title: 婴儿配方奶粉 2段 800g, category: baby, price: 258, specs: {适用阶段: 2段（6-12个月）}}
""", "inline")


@pytest.mark.parametrize("question, stage", [("宝宝8个月 喝几段", "2段"), ("主播 我家宝宝刚满月 喝哪个", "1段"),
                                             ("宝宝3个月喝哪个奶粉", "1段")])
def test_a_childs_age_picks_the_stage_written_as_an_age_range(question, stage):
    answer = Answerer.build(FORMULA).answer(question, None, NOW)
    assert stage in "".join(answer.sentences) and answer.sku == {"1段": "S1", "2段": "S2"}[stage]


def test_specs_asked_by_year_filling_and_a_tie_in_a_comparison():
    catalog = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: PEEL, title: 新会十年陈皮, category: food, price: 128, specs: {柑皮年份: 2016年采摘, 产地: 广东江门新会}}
  - {sku: DOWN, title: 男款羽绒服, category: apparel, price: 729, specs: {填充物: 白鹅绒, 含绒量: 90%}}
  - {sku: CRM, title: 积雪草修护面霜, category: beauty, price: 139, specs: {保质期: 3年（开封后12个月内用完）}}
  - {sku: SUN, title: 清透防晒乳, category: beauty, price: 89, specs: {保质期: 3年}}
""", "inline")
    answerer = Answerer.build(catalog)
    assert "2016" in "".join(answerer.answer("十年陈皮是哪年的皮", None, NOW).sentences)
    assert "白鹅绒" in "".join(answerer.answer("羽绒服什么绒", None, NOW).sentences)
    assert "一样" in "".join(answerer.answer("面霜和防晒哪个保质期长", None, NOW).sentences)


def test_a_kind_of_spec_asked_prefers_the_one_stating_that_kind_of_figure():
    catalog = parse_catalog_text("""
shop: {name: 数码小店}
products:
  - sku: GAN
    title: 65W氮化镓充电器 2C1A
    category: electronics
    price: 99
    specs: {快充协议: PD3.0/QC3.0/PPS, 总输出功率: 65W, 单口最大输出: "C1口65W，A口22.5W"}
""", "inline")
    reply = "".join(Answerer.build(catalog).answer("充电器多少瓦", None, NOW).sentences)
    assert "65W" in reply and "PD3.0" not in reply


def test_specs_named_with_title_words_or_asked_as_daily_use_or_cold():
    catalog = parse_catalog_text("""
shop: {name: 冰城小店}
products:
  - {sku: CUR, title: 加厚保温遮光窗帘, category: home, price: 89, specs: {遮光率: 约90%, 面料: 三层复合}}
  - {sku: BOOT, title: 东北加厚防滑雪地靴, category: apparel, price: 259, specs: {耐寒: -35℃, 鞋底: 橡胶}}
  - {sku: LUT, title: 叶黄素酯软胶囊 60粒, category: health_food, price: 168,
     specs: {净含量: 30g（0.5g/粒×60粒）, 食用方法: 每日2次，每次1粒}}
""", "inline")
    answerer = Answerer.build(catalog)
    assert "90%" in "".join(answerer.answer("窗帘遮光率多少", None, NOW).sentences)
    assert "-35℃" in "".join(answerer.answer("雪地靴零下多少度能穿", None, NOW).sentences)
    assert "每次1粒" in "".join(answerer.answer("叶黄素一天几粒", None, NOW).sentences)


@pytest.mark.parametrize("question, product", [
    ("有没有适合老人的 给我奶奶 她手冰", "暖手宝"),
    ("有没有啥推荐的 给我爸买 他天天在外面遛弯 冻脚", "雪地靴"),
])
def test_a_recommendation_answers_the_need_the_viewer_describes(question, product):
    answer = Answerer.build(WARMERS).answer(question, None, NOW)
    assert product in "".join(answer.sentences)


def test_a_budget_is_not_a_price_claim():
    query = Answerer.build(WARMERS).understanding.read("想给老婆买个暖和的 她怕冷 预算600")
    assert query.intent == "recommend" and query.claimed_price is None


@pytest.mark.parametrize("question, said", [("暖手宝链接发一下", "8号链接"), ("暖手宝颜色怎么选", "下单时在规格里选颜色")])
def test_how_to_buy_asked_as_a_link_request_or_where_to_choose_a_colour(question, said):
    catalog = parse_catalog_text("""
shop: {name: 冰城小店}
products:
  - {sku: W5, title: USB充电暖手宝 5000mAh, category: electronics, price: 59, link: 8, specs: {颜色: 奶白/雾蓝}}
""", "inline")
    assert said in "".join(Answerer.build(catalog).answer(question, None, NOW).sentences)


def test_a_bigger_dose_for_a_quicker_effect_gets_the_deflection_and_the_labelled_dose():
    answer = Answerer.build(parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: LUT, title: 叶黄素酯软胶囊 60粒, category: health_food, price: 168,
     specs: {主要原料: 叶黄素酯, 食用方法: 每日2次，每次1粒, 注意事项: 不宜超过推荐量食用}}
""", "inline")).answer("叶黄素一天吃4粒行不行 好得快", None, NOW)
    said = "".join(answer.sentences)
    assert "不能代替药物" in said and "每次1粒" in said and "不宜超过推荐量" in said and "4粒" not in said


@pytest.mark.parametrize("question, said", [("头灯充满电要多久", "2.5小时充满"), ("头灯充满电能亮多久", "强光约4小时")])
def test_charging_time_and_run_time_are_told_apart(question, said):
    catalog = parse_catalog_text("""
shop: {name: 钓具小店}
products:
  - {sku: HL, title: 夜钓感应充电头灯, category: electronics, price: 79,
     specs: {续航: 强光约4小时，弱光约12小时, 充电: Type-C接口，约2.5小时充满}}
""", "inline")
    assert said in "".join(Answerer.build(catalog).answer(question, None, NOW).sentences)


def test_a_gift_asked_about_is_answered_with_the_promotion_that_gives_it():
    catalog = parse_catalog_text("""
shop: {name: 冰城小店}
products:
  - {sku: SET, title: 冬季保湿护肤三件套, category: beauty, price: 199, promotions: [{text: 下单赠同系列护手霜30g}]}
  - {sku: RICE, title: 五常大米 10kg, category: food, price: 119, promotions: [{text: 全场满299送遮阳帽一顶}]}
  - {sku: OLD, title: 加厚羽绒服, category: apparel, price: 599,
     promotions: [{text: 下单赠加绒围巾1条, ends_at: "2026-12-01T00:00:00+08:00"}]}
""", "inline")
    answerer = Answerer.build(catalog)
    hand = "".join(answerer.answer("护手霜是送的吗 多大", None, NOW).sentences)
    assert "买冬季保湿护肤三件套送的" in hand and "30g" in hand and "119" not in hand
    assert "买五常大米" not in "".join(answerer.answer("遮阳帽怎么送", None, NOW).sentences)  # shop-wide
    assert "结束" in "".join(answerer.answer("围巾还送吗", None, NOW).sentences)


def test_which_is_dearer_is_answered_as_asked():
    answerer = Answerer.build(FORMULA)
    assert "婴儿配方奶粉1段更贵" in "".join(answerer.answer("1段和2段哪个贵", None, NOW).sentences)
    assert "2段价格更低" in "".join(answerer.answer("1段和2段哪个便宜", None, NOW).sentences)


@pytest.mark.parametrize("question, said", [("炖盅是陶瓷的吗", "白瓷"), ("炖盅是塑料的吗", "白瓷"), ("充电器是塑料的吗", "")])
def test_a_material_asked_reads_the_material_spec_and_nothing_else(question, said):
    catalog = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: POT, title: 隔水电炖盅, category: home, price: 189, specs: {额定功率: 400W, 内胆材质: 白瓷}}
  - {sku: GAN, title: 65W氮化镓充电器, category: electronics, price: 99, specs: {总输出功率: 65W, 输入: 100-240V交流}}
""", "inline")
    assert "".join(Answerer.build(catalog).answer(question, None, NOW).sentences) == "" if not said else \
        said in "".join(Answerer.build(catalog).answer(question, None, NOW).sentences)


def test_specs_that_are_not_variant_prices_and_letters_that_are_not_sizes():
    catalog = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: T, title: 高山乌龙茶, category: food, price: 88, specs: {偏远地区运费: "新疆西藏：加收15元；港澳台：加收30元"}}
  - {sku: B, title: 宠物窝, category: other, price: 59,
     specs: {规格与价格: "S：直径45cm，送价值15元猫抓板，59元；M：比S码贵20元，79元；L：99元"}}
  - {sku: F, title: 空气炸锅, category: home, price: 199, specs: {规格: "S：容量3L，199元；M：容量5L，259元；L：容量7L，329元"}}
  - {sku: C, title: 遮光窗帘, category: home, price: 89, specs: {尺寸与价格: "宽2.0m×高2.5m：89元/片；宽3.0m×高2.7m：129元/片"}}
""", "inline")
    answerer = Answerer.build(catalog)
    said = lambda q: "".join(answerer.answer(q, None, NOW).sentences)  # noqa: E731
    assert "88元" in said("乌龙茶多少钱")  # a surcharge list is not a price list
    assert "S 59元" in said("宠物窝多少钱") and "M 79元" in said("宠物窝多少钱")  # not the gift's 15 or the 20 more
    assert "S 199元" in said("空气炸锅5L的多少钱")  # the L of 5L is litres, not size L: every size is listed
    assert "宽2.0m×高2.5m 89元" in said("我家层高3米 窗帘多少钱")  # the room's height picks no width


def test_a_pets_weight_is_not_a_bag_size_and_a_little_over_is_over():
    catalog = parse_catalog_text("""
shop: {name: 冰城小店}
products:
  - {sku: R5, title: 五常稻花香大米 5kg, category: food, price: 65.9}
  - {sku: R10, title: 五常稻花香大米 10kg, category: food, price: 119}
  - {sku: BED, title: 加厚保暖宠物窝, category: other, price: 59,
     specs: {规格与价格: "S：适合5kg以内，59元；M：适合5-10kg，79元；L：适合10-18kg，99元"}}
""", "inline")
    answer = Answerer.build(catalog).answer("我想给狗子买个窝 它5公斤多点 选哪个", None, NOW)
    assert answer.sku == "BED" and "M" in "".join(answer.sentences)
