"""Questions about two products at once ("都加糖了吗", "哪个是真丝的"): each one's fact, and a verdict
only where the facts settle it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from script.answers import Answerer
from stream.catalog_file import parse_catalog_text

NOW = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
SHOP = parse_catalog_text("""
shop: {name: 两地小店}
products:
  - sku: BED
    title: 60支长绒棉四件套
    category: home
    price: 299
    specs: {面料: 新疆长绒棉，60支贡缎}
  - sku: HOOD
    title: 儿童加绒卫衣
    category: apparel
    price: 79
    specs: {面料: 棉75% 聚酯纤维25%（内里加绒）}
  - sku: DRIED
    title: 野生蓝莓果干
    category: food
    price: 29.9
    specs: {配料: 野生蓝莓、白砂糖, 净含量: 200g}
  - sku: JUICE
    title: 野生蓝莓原浆
    category: food
    price: 69
    specs: {配料: 蓝莓（不添加水和白砂糖）, 净含量: 500ml}
  - sku: SPF30
    title: 清透防晒乳 SPF30
    category: beauty
    price: 79
    specs: {防水: 不防水，出汗后需补涂}
  - sku: SPF50
    title: 高倍防晒乳 SPF50+
    category: beauty
    price: 99
    specs: {防水: 防水防汗（约80分钟）}
""", "inline")


def said(question: str) -> str:
    return "".join(Answerer.build(SHOP).answer(question, None, NOW).sentences)


def test_which_of_two_is_a_material_neither_states_is_answered_neither():
    reply = said("四件套和卫衣哪个是真丝的")
    assert "新疆长绒棉" in reply and "聚酯纤维" in reply and "都不是真丝" in reply
    assert "链接" not in reply  # 哪个是 asks which of the two, not where to buy


def test_a_material_one_of_them_may_well_be_gets_no_verdict():
    reply = said("四件套和卫衣都是纯棉的吗")
    assert "新疆长绒棉" in reply and "不是" not in reply and "都是" not in reply


def test_both_asked_about_an_ingredient_gets_each_ones_fact():
    reply = said("果干和原浆都加糖了吗")
    assert "白砂糖" in reply and "不添加水和白砂糖" in reply
    assert "都一样" not in reply and "两款都" not in reply


def test_a_feature_one_states_and_the_other_denies_names_the_one_that_has_it():
    reply = said("两款防晒哪个防水")
    assert "不防水" in reply and "SPF50+是防水的" in reply and "都防水" not in reply
    assert "都防水" not in said("两款防晒都防水吗")


def test_a_comparison_on_one_measure_says_which_and_by_how_much_and_the_guard_can_trace_it():
    from script.derivation import canonical, vouched_values
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: WARM
    title: 充电暖手宝
    category: electronics
    price: 59
    specs: {重量: 约180g, 电池容量: 5000mAh}
  - sku: BANK
    title: 20000mAh快充充电宝
    category: electronics
    price: 129
    specs: {重量: 约380g, 电芯容量: 20000mAh}
  - sku: DM
    title: 纸尿裤 M码
    category: baby
    price: 89
    specs: {片数: 64片/包}
  - sku: DL
    title: 纸尿裤 L码
    category: baby
    price: 89
    specs: {片数: 54片/包}
""", "inline")
    answerer = Answerer.build(shop)
    lighter = answerer.answer("暖手宝和充电宝哪个轻些", None, NOW)
    reply = "".join(lighter.sentences)
    assert "暖手宝更轻" in reply and "差200g" in reply  # the title's 20000mAh is not the charger's weight
    known = {canonical(n) for n in ("180", "380", "5000", "20000")}
    assert canonical("200") in vouched_values(lighter.derived, known)
    bigger = "".join(answerer.answer("暖手宝和充电宝哪个容量大 大多少", None, NOW).sentences)
    assert "充电宝容量更大" in bigger and "15000mAh" in bigger and "更少" not in bigger  # 多少 is no 少
    assert "差10片" in "".join(answerer.answer("纸尿裤M码和L码哪个片数多", None, NOW).sentences)


def test_the_asked_kind_of_figure_is_compared_and_an_adjective_before_the_noun_picks_the_variant():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: CUP5
    title: 316不锈钢保温杯 500ml
    category: home
    price: 89
    specs: {保温效果: 灌入95℃开水，6小时后≥65℃}
  - sku: CUP7
    title: 316不锈钢保温杯 750ml
    category: home
    price: 109
    specs: {保温效果: 灌入95℃开水，8小时后≥65℃}
""", "inline")
    answerer = Answerer.build(shop)
    longer = "".join(answerer.answer("保温杯大杯比小杯保温能多几个小时呀", None, NOW).sentences)
    assert "差2小时" in longer and "一样" not in longer  # hours, not the 95℃ beside them
    small = answerer.answer("小保温杯保温几小时", None, NOW)
    assert small.sku == "CUP5" and "8小时" not in "".join(small.sentences)


def test_how_long_each_lasts_the_price_gap_and_what_differs_beyond_the_title():
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - sku: OIL
    title: 深海鱼油软胶囊 100粒
    category: health_food
    price: 128
    specs: {规格: 1g×100粒, 食用方法: 每日2次，每次1粒}
  - sku: WHEY
    title: 乳清蛋白粉 900g
    category: health_food
    price: 199
    specs: {净含量: 900g, 食用方法: 每天30g}
  - sku: ROD45
    title: 高碳素台钓竿 4.5米
    category: other
    price: 198
    specs: {长度: 4.5米, 重量: 约120g}
  - sku: ROD54
    title: 高碳素台钓竿 5.4米
    category: other
    price: 238
    specs: {长度: 5.4米, 重量: 约155g}
""", "inline")
    answerer = Answerer.build(shop)
    lasting = "".join(answerer.answer("鱼油和蛋白粉哪个吃得久", None, NOW).sentences)
    assert "50天" in lasting and "30天" in lasting and "鱼油软胶囊能用得更久，多20天" in lasting
    dearer = "".join(answerer.answer("鱼油和蛋白粉哪个贵 差多少", None, NOW).sentences)
    assert "蛋白粉更贵，差71元" in dearer
    rods = "".join(answerer.answer("4米5和5米4的竿子差在哪", None, NOW).sentences)
    assert "120g" in rods and "155g" in rods and "198元" in rods and "238元" in rods


def test_both_asked_of_a_figure_checks_each_ones_own_figure():
    from datetime import datetime, timedelta, timezone
    from script.answers import Answerer
    from script.dialect import to_mandarin
    from stream.catalog_file import parse_catalog_text
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: CUP1, title: 保温杯 500ml, category: home, price: 89, specs: {保温效果: "灌入95℃开水，6小时后≥65℃"}}
  - {sku: CUP2, title: 保温杯 750ml, category: home, price: 109, specs: {保温效果: "灌入95℃开水，8小时后≥55℃"}}
  - {sku: SUN, title: 清爽防晒乳 60ml, category: beauty, price: 89, specs: {防晒指数: SPF50+ PA++++}}
  - {sku: TOP, title: 冰丝防晒衣, category: apparel, price: 99, specs: {防晒指数: UPF50+}}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    now = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
    say = lambda q: "".join(answerer.answer(to_mandarin(q), None, now).sentences)  # noqa: E731
    cups = say("两个杯子保温都能到65度吗")
    assert "不能到65度" in cups and "两款都" not in cups  # the 750ml keeps 55℃: 95℃ is what goes in
    assert "两款都是50+" in say("防晒衣同防晒乳系咪都系50+")


def test_which_has_an_offer_names_the_ones_that_run_it_and_which_is_cheaper_says_by_how_much():
    from datetime import datetime, timedelta, timezone
    from script.answers import Answerer
    from script.dialect import to_mandarin
    from stream.catalog_file import parse_catalog_text
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: P10, title: 新会十年陈皮 100g, category: food, price: 128,
     promotions: [{text: 第二件半价, ends_at: "2026-12-31T23:59:59+08:00"}]}
  - {sku: P05, title: 新会五年陈皮 100g, category: food, price: 68}
""", "shop.yaml")
    answerer = Answerer.build(shop)
    now = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
    say = lambda q: "".join(answerer.answer(to_mandarin(q), None, now).sentences)  # noqa: E731
    which = say("十年同五年边个有第二件半价")
    assert "新会十年陈皮有第二件半价" in which and "价格更低" not in which
    assert "只有新会十年陈皮有第二件半价" in say("十年和五年都有第二件半价吗")
    assert "差60元" in say("十年和五年哪个便宜")
