"""The advertising-law and fact guard: each rule blocks what it should and lets honest lines pass."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from script.catalog import catalog_from_data
from script.guard import (Guard, GuardContext, GuardRulesError, default_rules, load_rules_text, merge_rules,
                          rules_from_data, rules_summary)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
TEA = {
    "sku": "A1001", "title": "高山乌龙茶 250g", "category": "food", "price": 89.0, "list_price": 129.0,
    "stock": 320, "specs": {"净含量": "250g", "产地": "福建安溪", "保质期": "18个月"},
    "selling_points": ["高山茶园", "可冲泡7次"],
    "promotions": [{"text": "满199减30", "ends_at": "2026-12-01T00:00:00+08:00"}],
    "faq": [{"q": "孕妇能喝吗", "a": "含咖啡因，孕期请遵医嘱"}],
    "policies": {"returns": "七天无理由退货", "shipping": "48小时内发货", "price_protection": "30天保价"},
}


def product(**overrides):
    raw = {**TEA, **overrides}
    return catalog_from_data({"shop": {"name": "山野优选"}, "products": [raw]}).products[0]


@pytest.fixture(scope="module")
def guard():
    return Guard.default()


def check(guard, text, now=NOW, derived=(), **overrides):
    return guard.check(text, GuardContext(products=(product(**overrides),), now=now, derived_numbers=derived))


def test_a_full_catalog_line_passes(guard):
    line = ("家人们，今天给大家带来的是高山乌龙茶 250g。我最喜欢它的一点是，高山茶园，可冲泡7次。"
            "净含量250g，产地福建安溪，保质期18个月。说到价格，日常价129元，今天直播间到手价只要89元！"
            "现在下单还有满199减30的活动。七天无理由退货，48小时内发货，30天保价，家人们可以放心下单。")
    verdict = check(guard, line)
    assert verdict.ok, verdict.hits


# ---------------------------------------------------------------- absolute terms (广告法第九条)

@pytest.mark.parametrize("text, excerpt", [
    ("全网最低价，赶紧拍", "全网最低"), ("销量第一的乌龙茶", "销量第一"), ("顶级工艺", "顶级"), ("极品好茶", "极品"),
    ("国家级非遗手艺", "国家级"), ("世界级品质", "世界级"), ("100%纯天然", "100%"), ("百分之百满意", "百分之百"),
    ("万能好搭配", "万能"), ("绝对好喝", "绝对"), ("唯一的高山茶", "唯一"), ("最好的乌龙茶", "最好"),
    ("全网第一名", "全网第一"), ("这是最香的茶", "最"), ("排名第一", "第一"),
])
def test_absolute_terms_are_blocked(guard, text, excerpt):
    verdict = check(guard, text)
    assert "absolute_terms" in verdict.rule_ids
    hit = next(h for h in verdict.hits if h.rule_id == "absolute_terms")
    assert hit.excerpt == excerpt and "第九条" in hit.message


@pytest.mark.parametrize("text", [
    "最近很多家人在问这款茶", "最后给大家说一下售后", "第一次喝的家人可以先试试", "第一步先温杯", "第一款给大家讲乌龙茶",
    "我最喜欢它的一点是回甘", "孕妇最好先咨询医生", "每人最多两件", "最终以详情页为准", "收到后第一时间检查包裹",
])
def test_time_words_ordinals_and_advice_are_not_absolute(guard, text):
    assert "absolute_terms" not in check(guard, text).rule_ids


def test_100_percent_is_allowed_when_the_specs_state_it(guard):
    shirt = dict(category="apparel", specs={"面料": "100%棉"}, title="纯棉T恤")
    assert check(guard, "面料是100%棉，透气舒服", **shirt).ok
    assert "absolute_terms" in check(guard, "100%不起球", **dict(shirt, specs={"面料": "涤纶"})).rule_ids


# ---------------------------------------------------------------- medical and function claims

@pytest.mark.parametrize("category", ["food", "electronics", "home", "apparel", "baby", "health_food", "other"])
@pytest.mark.parametrize("text", ["喝了能治疗失眠", "长期喝可以降血压", "抗癌效果好", "药到病除"])
def test_medical_claims_are_blocked_for_every_category(guard, category, text):
    assert "medical_claims" in check(guard, text + "。本品不能代替药物", category=category).rule_ids


def test_plain_food_talk_passes_the_medical_rule(guard):
    assert check(guard, "茶汤清亮，回甘明显").ok


def test_weight_loss_claims_depend_on_category(guard):
    assert "food_function_claims" in check(guard, "喝了帮助减肥", category="food").rule_ids
    assert "food_function_claims" in check(guard, "宝宝吃了能长高", category="baby").rule_ids
    # A body-fat scale may talk about weight loss; it makes no food claim.
    assert check(guard, "配合称重记录减肥进度", category="electronics").ok


def test_beauty_special_use_claims_need_the_registered_function_in_specs(guard):
    cream = dict(category="beauty", title="焕亮面霜", specs={"容量": "50ml"})
    verdict = check(guard, "这款面霜可以美白祛斑", **cream)
    assert verdict.rule_ids == ("beauty_special_use_claims",)
    registered = dict(cream, specs={"容量": "50ml", "功效": "美白祛斑（特殊化妆品）"})
    assert check(guard, "这款面霜可以美白祛斑", **registered).ok
    assert "beauty_medical_terms" in check(guard, "医学级药妆", **registered).rule_ids
    # The same words about a non-beauty product are not a cosmetics claim.
    assert "beauty_special_use_claims" not in check(guard, "美白色的外壳", category="electronics").rule_ids


def test_health_food_may_claim_only_its_approved_function(guard):
    pill = dict(category="health_food", title="蛋白粉", specs={"保健功能": "增强免疫力"})
    assert check(guard, "有助于增强免疫力。本品不能代替药物。", **pill).ok
    verdict = check(guard, "吃了还能减肥。本品不能代替药物。", **pill)
    assert verdict.rule_ids == ("health_food_claims",)


# ---------------------------------------------------------------- health food disclaimer

def test_health_food_without_disclaimer_is_blocked_and_the_fix_is_offered(guard):
    pill = dict(category="health_food", title="蛋白粉", specs={"保健功能": "增强免疫力"})
    verdict = check(guard, "蛋白粉到手价89元。", **pill)
    assert verdict.rule_ids == ("health_food_disclaimer",)
    assert verdict.required_suffix == "本品不能代替药物。" and verdict.fixable_by_suffix
    assert check(guard, "蛋白粉到手价89元。" + verdict.required_suffix, **pill).ok


def test_other_categories_need_no_disclaimer(guard):
    verdict = check(guard, "到手价89元。")
    assert verdict.ok and verdict.required_suffix is None


def test_a_line_with_other_problems_is_not_fixable_by_the_suffix(guard):
    verdict = check(guard, "最好的蛋白粉", category="health_food")
    assert verdict.required_suffix and not verdict.fixable_by_suffix


# ---------------------------------------------------------------- urgency

@pytest.mark.parametrize("text", ["仅剩320件，喜欢的抓紧", "库存还有320件"])
def test_stock_talk_with_the_live_stock_figure_passes(guard, text):
    assert check(guard, text).ok


@pytest.mark.parametrize("text, overrides", [
    ("仅剩5件了", {}),                      # not the stock figure
    ("最后3件", {}),
    ("快抢光了", {}),                        # no figure at all
    ("库存告急", {}),
    ("仅剩320件", {"stock": None}),         # the catalog has no stock figure
])
def test_invented_stock_urgency_is_blocked(guard, text, overrides):
    assert "stock_urgency" in check(guard, text, **overrides).rule_ids


def test_sold_out_talk_is_true_only_at_zero_stock(guard):
    assert check(guard, "这款已经售罄了", stock=0).ok
    assert "stock_urgency" in check(guard, "这款已经售罄了").rule_ids


def test_a_variant_sold_out_may_be_quoted_from_the_products_own_spec(guard):
    specs = {"颜色": "曜石黑/云白/湖蓝（湖蓝已售罄）"}
    assert check(guard, "颜色是曜石黑/云白/湖蓝（湖蓝已售罄）。", specs=specs).ok
    assert "stock_urgency" in check(guard, "云白也快售罄了", specs=specs).rule_ids  # not what the spec says


def test_a_spec_field_whose_name_speaks_of_stock_may_be_read_out(guard):
    specs = {"库存说明": "XXL荧光黄已售罄，XXL黑色有货"}
    assert check(guard, "库存说明是XXL荧光黄已售罄，XXL黑色有货。", specs=specs).ok
    assert "stock_urgency" in check(guard, "库存不多了，库存说明里写着呢", specs=specs).rule_ids


def test_big_numbers_trace_however_they_are_written(guard):
    power_bank = dict(category="electronics", title="充电宝", specs={"电池容量": "12000mAh"}, price=129.0,
                      list_price=None, promotions=[], policies={})
    for text in ("电池容量12000mAh", "一万二毫安", "1.2万毫安", "到手一百二十九元"):
        assert check(guard, text, **power_bank).ok, text


def test_countdown_talk_needs_a_live_promotion_with_an_end(guard):
    assert check(guard, "限时优惠，满199减30").ok
    assert "countdown_urgency" in check(guard, "限时优惠", promotions=[{"text": "满199减30"}]).rule_ids
    assert "countdown_urgency" in check(guard, "马上涨价", promotions=[]).rule_ids
    assert "countdown_urgency" in check(guard, "倒计时开始", now=None).rule_ids
    assert "countdown_urgency" in check(guard, "倒计时开始", now=datetime(2026, 12, 2, tzinfo=timezone.utc)).rule_ids


def test_a_computed_countdown_traces_through_derived_numbers(guard):
    assert check(guard, "活动还剩最后10分钟", derived=("10",)).ok
    assert "untraced_number" in check(guard, "活动还剩最后10分钟").rule_ids


# ---------------------------------------------------------------- promotions in time

def test_live_promotion_passes_and_expired_one_is_blocked(guard):
    ends = datetime(2026, 12, 1, tzinfo=timezone(timedelta(hours=8)))
    assert check(guard, "下单还有满199减30的活动", now=ends - timedelta(seconds=1)).ok
    verdict = check(guard, "下单还有满199减30的活动", now=ends + timedelta(seconds=1))
    assert "expired_promotion" in verdict.rule_ids
    assert next(h for h in verdict.hits if h.rule_id == "expired_promotion").excerpt == "满199减30"
    # Its numbers no longer trace either: an ended promotion is not a fact.
    assert "untraced_number" in verdict.rule_ids


def test_promotion_mentions_fail_closed_without_a_clock(guard):
    assert "expired_promotion" in check(guard, "满 199 减 30", now=None).rule_ids


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        GuardContext(now=datetime(2026, 11, 23, 12))


# ---------------------------------------------------------------- off-platform contact

@pytest.mark.parametrize("text", [
    "想要的加我微信", "加V领优惠", "vx私聊", "wx同号", "薇信下单更便宜", "加威信", "V信联系", "打电话138 0013 8000",
    "电话一三八零零一三八零零零", "１３８００１３８０００", "QQ 12345678", "去 www.example.com 买", "私下交易更便宜",
    "有问题私聊", "加我好友",
])
def test_off_platform_contact_is_blocked(guard, text):
    assert "off_platform_contact" in check(guard, text).rule_ids


def test_contact_excerpts_are_redacted(guard):
    hits = check(guard, "打电话13800138000").hits
    assert any(h.excerpt == "[电话]" for h in hits) and not any("13800138000" in h.excerpt for h in hits)


@pytest.mark.parametrize("text", ["加我们的粉丝团", "支持微信支付", "点下方小黄车下单", "有问题找店铺客服"])
def test_platform_talk_is_not_contact(guard, text):
    assert "off_platform_contact" not in check(guard, text).rule_ids


def test_a_product_named_like_a_contact_marker_is_the_product(guard):
    candy = dict(title="QQ糖 水果味", category="food")
    assert check(guard, "QQ糖酸酸甜甜", **candy).ok
    assert "off_platform_contact" in check(guard, "QQ号12345678", **candy).rule_ids


# ---------------------------------------------------------------- AI disclosure

@pytest.mark.parametrize("text", ["我是真人，放心", "我不是AI哦", "我可不是机器人", "真人主播在线答疑", "我就是真的人"])
def test_denying_being_an_ai_is_blocked(guard, text):
    assert "ai_denial" in check(guard, text).rule_ids


@pytest.mark.parametrize("text", ["提醒一下，我是AI数字人主播小满", "我不是真人，我是AI数字人", "我不是真人主播，是AI生成的"])
def test_honest_disclosure_passes(guard, text):
    assert check(guard, text).ok


# ---------------------------------------------------------------- numbers trace to facts

@pytest.mark.parametrize("text", [
    "到手价89元", "到手价八十九元", "只要八十九块", "到手价89.00元", "¥89", "８９元", "日常价一百二十九元", "净含量250g", "可冲泡7次", "七天无理由退货",
    "30天保价", "48小时内发货", "保质期十八个月", "A1001号链接", "两件一起拍", "第一款", "十分好喝",
    "我来一一解答", "三种喝法", "两三种喝法",
])
def test_traced_and_structural_numbers_pass(guard, text):
    verdict = check(guard, text)
    assert "untraced_number" not in verdict.rule_ids, verdict.hits


@pytest.mark.parametrize("text, excerpt", [
    ("到手价99元", "99元"), ("到手价九十九元", "九十九元"),
    ("250元就能带走", "250元"),   # 250 is the weight, not a price
    ("可冲泡10次", "10"), ("买一送一", "一"), ("第2件半价", "2"), ("4个口味", "4"), ("3天发货", "3天"),
    ("五星好评", "五"), ("两三天就到", "三天"),
])
def test_untraced_numbers_are_blocked_with_the_number(guard, text, excerpt):
    hits = [h for h in check(guard, text).hits if h.rule_id == "untraced_number"]
    assert hits and hits[0].excerpt == excerpt and excerpt in hits[0].message


def test_caller_declared_arithmetic_traces(guard):
    assert "untraced_number" in check(guard, "比日常价省40元").rule_ids
    assert check(guard, "比日常价省40元", derived=("40",)).ok
    assert check(guard, "比日常价省四十元", derived=("40",)).ok


def test_promotion_numbers_trace_only_for_the_products_concerned(guard):
    assert check(guard, "买一送一", promotions=[{"text": "买一送一"}]).ok
    assert check(guard, "第2件半价", promotions=[{"text": "第2件半价"}]).ok
    generic = guard.check("到手价89元", GuardContext(products=(), now=NOW))
    assert generic.rule_ids == ("untraced_number",)


# ---------------------------------------------------------------- persona phrases stay clean

def _persona_phrases():
    for path in sorted(Path(__file__).resolve().parent.parent.glob("personas/*/persona.yaml")):
        style = yaml.safe_load(path.read_text(encoding="utf-8")).get("style", {})
        for key, value in style.items():
            items = value.values() if isinstance(value, dict) else [value]
            for item in items:
                for phrase in item if isinstance(item, list) else []:
                    yield pytest.param(phrase, id=f"{path.parent.name}.{key}")


@pytest.mark.parametrize("phrase", list(_persona_phrases()))
def test_every_shipped_persona_phrase_passes(guard, phrase):
    verdict = guard.check(phrase, GuardContext(products=(), now=NOW))
    assert verdict.ok, verdict.hits


# ---------------------------------------------------------------- rules are data

def test_default_rules_cite_the_law_and_have_unique_ids():
    rules = default_rules()
    ids = [r.id for r in rules.rules]
    assert len(ids) == len(set(ids)) >= 12
    assert all(r.message for r in rules.rules)


MERCHANT = """
rules:
  - id: medical_claims
    terms: [祛湿]
  - id: competitor_names
    type: phrase
    message: 店铺规定：不提竞品平台
    terms: [某宝, 拼夕夕]
  - id: untraced_number
    options: {idioms: [五星]}
disable:
  - {id: absolute_terms, reason: 品牌名里含“第一”，法务已确认}
"""


def test_a_merchant_file_extends_adds_and_disables_rules():
    rules = merge_rules(default_rules(), load_rules_text(MERCHANT, "merchant.yaml"))
    guard = Guard.from_rules(rules)
    assert "medical_claims" in check(guard, "喝了能祛湿").rule_ids
    assert "medical_claims" in check(guard, "喝了能治疗失眠").rule_ids  # defaults kept
    assert check(guard, "比某宝便宜").rule_ids == ("competitor_names",)
    assert check(guard, "五星好评").ok
    assert check(guard, "销量第一").ok
    summary = rules_summary(rules)
    assert {"id": "absolute_terms", "disabled": "yes", "reason": "品牌名里含“第一”，法务已确认",
            "source": "merchant.yaml"} in summary


@pytest.mark.parametrize("text, problem", [
    ("disable: [{id: absolute_terms}]", "reason is required"),
    ("rules: [{id: x, type: phrase, message: m, patterns: ['(']}]", "bad regular expression"),
    ("rules: [{id: x, type: shout, message: m}]", "type 'shout'"),
    ("rules: [{id: x, type: phrase, message: m, categories: [toys]}]", "unknown 'toys'"),
    ("rules: [{id: x, type: phrase, message: m, colour: red}]", "unknown field"),
    ("rules: {id: x}", "rules must be a list"),
    ("rules: [{type: phrase}]", "id is required"),
    ("rules: [a: b: c]", "not valid YAML"),
])
def test_bad_rule_files_are_refused_with_the_reason(text, problem):
    with pytest.raises(GuardRulesError, match=problem) as info:
        merge_rules(default_rules(), load_rules_text(text, "merchant.yaml"))
    assert "merchant.yaml" in str(info.value)


def test_disabling_an_unknown_rule_and_incomplete_new_rules_are_refused():
    with pytest.raises(GuardRulesError, match="no rule 'nonexistent'"):
        merge_rules(default_rules(), rules_from_data({"disable": [{"id": "nonexistent", "reason": "x"}]}, "m.yaml"))
    incomplete = merge_rules(default_rules(), rules_from_data({"rules": [{"id": "new_rule", "terms": ["x"]}]}, "m.yaml"))
    with pytest.raises(GuardRulesError, match="new_rule .*needs a type and a message"):
        Guard.from_rules(incomplete)
    empty = rules_from_data({"rules": [{"id": "empty", "type": "phrase", "message": "m"}]}, "m.yaml")
    with pytest.raises(GuardRulesError, match="empty .*needs terms or patterns"):
        Guard.from_rules(merge_rules(default_rules(), empty))
    no_text = rules_from_data({"rules": [{"id": "d", "type": "disclaimer", "message": "m"}]}, "m.yaml")
    with pytest.raises(GuardRulesError, match="needs options.required_text"):
        Guard.from_rules(merge_rules(default_rules(), no_text))
