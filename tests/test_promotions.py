"""The promotion engine, specified: a promotion's text read as a rule, which rules a basket gets at
a given moment, and what a basket costs, with the sentence that says how.

Products come from tests/data/variants_shop.yaml; forms the shop does not carry are written on
small products made here. Every total is checked to the cent.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from script.catalog import Product, Promotion
from script.promotions import ended_rules, quote, read_rule, rules_for, running_rules
from stream.catalog_file import load_catalog_file

CATALOG = load_catalog_file(Path(__file__).parent / "data" / "variants_shop.yaml")
CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 15, 20, 0, tzinfo=CST)  # the towel's 第二件半价 ended on 2026-03-01


def product(sku: str) -> Product:
    found = CATALOG.product(sku)
    assert found is not None, sku
    return found


def priced(items: list[tuple[str, int]], now: datetime = NOW, want_gap: bool = False):
    """Quote a basket of (sku, count) under the rules the shop runs at `now`."""
    basket = [(product(sku), count) for sku, count in items]
    rules = {p.sku: rules_for(p, CATALOG.products, now) for p, _ in basket}
    return quote(basket, rules, want_gap=want_gap)


def made(price: float, *texts: str, sku: str = "X1") -> Product:
    return Product(sku, f"测试商品{sku}", "home", price, promotions=tuple(Promotion(t) for t in texts))


def priced_alone(item: Product, count: int):
    return quote([(item, count)], {item.sku: running_rules(item, NOW)})


# ---- reading a promotion's text ------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("满199减30", dict(kind="threshold", threshold=199, amount=30, repeat=False)),
    ("每满100减15", dict(kind="threshold", threshold=100, amount=15, repeat=True)),
    ("第二件半价", dict(kind="nth_item", nth=2, rate=0.5)),
    ("第2件7折", dict(kind="nth_item", nth=2, rate=0.7)),
    ("第二件9.9元", dict(kind="nth_item", nth=2, amount=9.9)),
    ("3件8折", dict(kind="n_pieces_rate", threshold=3, rate=0.8)),
    ("两件9折", dict(kind="n_pieces_rate", threshold=2, rate=0.9)),
    ("买3件减20", dict(kind="n_pieces_off", threshold=3, amount=20)),
    ("2罐立减30元", dict(kind="n_pieces_off", threshold=2, amount=30)),
    ("买2支减15", dict(kind="n_pieces_off", threshold=2, amount=15)),
    ("买二送一（拍2瓶发3瓶）", dict(kind="buy_get", nth=2, free=1)),
    ("充电宝+充电器组合价239元", dict(kind="bundle", amount=239)),
    ("加19.9元换购保护套", dict(kind="addon", amount=19.9)),
    ("下单送试用装", dict(kind="quoted")),
])
def test_a_promotion_text_is_read_as_a_rule_of_its_kind(text, expected):
    rule = read_rule(0, Promotion(text))
    assert rule.text == text
    for name, value in expected.items():
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        assert getattr(rule, name) == (pytest.approx(value) if number else value), name


def test_a_rule_remembers_its_position_as_its_source():
    assert read_rule(3, Promotion("满199减30")).index == 3


@pytest.mark.parametrize("text, store_wide, mixed", [
    ("全场满299减50", True, False),
    ("跨店每满300减40", True, False),
    ("满199减20", False, False),
    ("口红任选2支8折（#316/#520可混搭）", False, True),
    ("任选3件立减20", False, True),
])
def test_store_wide_is_said_by_全场_or_跨店_and_任选_mixes_pieces_without_being_store_wide(text, store_wide, mixed):
    rule = read_rule(0, Promotion(text))
    assert (rule.store_wide, rule.mixed) == (store_wide, mixed)


def test_a_basket_borrows_only_the_store_wide_rules_of_other_products():
    tee = product("T201")  # carries no promotion of its own
    borrowed = rules_for(tee, CATALOG.products, NOW)
    assert [(r.text, r.owner) for r in borrowed] == [("全场满299减50", "N801")]
    # 任选 pieces and another product's own threshold stay with the products that carry them.
    assert all("任选" not in r.text and r.text != "满199减20" for r in borrowed)


# ---- which promotions run at `now` ---------------------------------------------------------------
def test_an_ended_promotion_is_not_running_and_never_priced():
    towel = product("N801")
    assert [r.text for r in running_rules(towel, NOW)] == ["全场满299减50"]
    assert [r.text for r in ended_rules(towel, NOW)] == ["第二件半价"]
    two = priced([("N801", 2)])
    assert two.total == pytest.approx(98.0) and "半价" not in two.sentence


def test_the_same_promotion_is_priced_while_it_runs():
    before_it_ended = datetime(2026, 2, 20, 12, 0, tzinfo=CST)
    assert "第二件半价" in [r.text for r in running_rules(product("N801"), before_it_ended)]
    assert priced([("N801", 2)], now=before_it_ended).total == pytest.approx(73.5)


def test_a_promotion_ends_at_its_ends_at():
    towel = product("N801")
    assert "第二件半价" not in [r.text for r in running_rules(towel, towel.promotions[0].ends_at)]
    just_before = towel.promotions[0].ends_at - timedelta(seconds=1)
    assert "第二件半价" in [r.text for r in running_rules(towel, just_before)]


# ---- pricing baskets -----------------------------------------------------------------------------
def test_nth_item_half_price_halves_every_second_item():
    two, three, four = priced([("Q901", 2)]), priced([("Q901", 3)]), priced([("Q901", 4)])
    assert two.total == pytest.approx(88.5)  # 59 + 29.5
    assert three.total == pytest.approx(147.5)  # 59 + 29.5 + 59
    assert four.total == pytest.approx(177.0)  # two pairs
    assert "按第二件半价算是88.5元" in two.sentence
    assert "Q901.promotions[0]" in two.sources


def test_nth_item_at_a_rate_or_a_fixed_price():
    assert priced_alone(made(60, "第2件7折"), 2).total == pytest.approx(102.0)  # 60 + 42
    assert priced_alone(made(60, "第二件9.9元"), 2).total == pytest.approx(69.9)
    assert priced_alone(made(60, "第二件半价"), 1).total == pytest.approx(60.0)


def test_n_pieces_at_a_rate_apply_from_the_nth_piece_on():
    three = priced_alone(made(50, "3件8折"), 3)
    assert three.total == pytest.approx(120.0) and "三件按3件8折算是120元" in three.sentence
    two = priced_alone(made(50, "3件8折"), 2)
    assert two.total == pytest.approx(100.0) and "8折" not in two.sentence


def test_n_pieces_off_counts_cans():
    two_cans = priced([("M103", 2)])
    # 218 x 2 - 30 = 406, then the store-wide 满299减50 over the basket: 356.
    assert "按2罐立减30元算是406元" in two_cans.sentence
    assert two_cans.total == pytest.approx(356.0) and "到手356元" in two_cans.sentence


def test_buy_two_get_one_says_how_many_are_sent():
    two = priced([("H601", 2)])
    assert two.total == pytest.approx(270.0)
    assert "两件是270元" in two.sentence and "实发三件" in two.sentence
    three = priced([("H601", 3)])  # three bottles wanted: two paid
    assert three.total == pytest.approx(270.0)
    one = priced([("H601", 1)])
    assert one.total == pytest.approx(135.0) and "实发" not in one.sentence
    four = priced([("H601", 4)])  # "买4瓶": bought in whole twos, so four paid and six sent
    assert "4件是540元" in four.sentence and "实发6件" in four.sentence


def test_a_threshold_reached_takes_its_amount_off():
    three_cups = priced([("C501", 3)])
    assert three_cups.total == pytest.approx(217.0)  # 237 - 20
    assert "三件是237元，满199减20，到手217元" in three_cups.sentence
    assert three_cups.short_of is None


def test_a_threshold_missed_says_the_gap_when_one_more_item_away_or_asked():
    two_cups = priced([("C502", 2)])
    assert two_cups.total == pytest.approx(198.0) and two_cups.short_of == pytest.approx(1.0)
    assert "还差1元就能用满199减20" in two_cups.sentence
    one_cup = priced([("C502", 1)])  # 100 short: more than another cup, and nobody asked
    assert one_cup.short_of == pytest.approx(100.0) and "还差" not in one_cup.sentence
    asked = priced([("C502", 1)], want_gap=True)
    assert asked.total == pytest.approx(99.0) and "还差100元" in asked.sentence


def test_a_store_wide_threshold_counts_the_whole_basket():
    # Neither alone reaches 299 (228, 79); together 307, and the cup's own 满199减20 is not reached.
    both = priced([("M101", 1), ("C501", 1)])
    assert both.total == pytest.approx(257.0)
    assert "一共307元，满299减50，到手257元" in both.sentence
    assert "N801.promotions[1]" in both.sources  # cited where it is written


def test_a_store_wide_threshold_over_two_products():
    shoes_and_tee = priced([("S301", 1), ("T201", 1)])
    assert shoes_and_tee.total == pytest.approx(318.0)  # 299 + 69 - 50
    assert "一共368元，满299减50，到手318元" in shoes_and_tee.sentence


def test_a_products_own_threshold_counts_only_that_products_part_of_a_basket():
    cup_and_tee = priced([("C502", 1), ("T201", 1)], want_gap=True)
    assert cup_and_tee.total == pytest.approx(168.0)  # 99 + 69: nothing taken off
    assert cup_and_tee.short_of == pytest.approx(100.0)  # 199 - the cup's 99, not 199 - 168
    assert "满199减20要真空保温杯自己满199，还差100元" in cup_and_tee.sentence


def test_a_bundle_price_needs_every_product_it_names():
    both = priced([("P401", 1), ("P402", 1)])
    assert both.total == pytest.approx(239.0)
    assert "组合价239元，省39元" in both.sentence  # 159 + 119 - 239
    assert "一共239元" in both.sentence
    alone = priced([("P401", 1)])
    assert alone.total == pytest.approx(159.0) and "组合价" not in alone.sentence


def test_任选_counts_pieces_across_the_shades_that_carry_it():
    mixed = priced([("L701", 1), ("L702", 1)])
    assert mixed.total == pytest.approx(150.4)  # (89 + 99) x 0.8
    assert "合起来按口红任选2支8折（#316/#520可混搭）算是150.4元" in mixed.sentence
    one_shade_twice = priced([("L701", 2)])
    assert one_shade_twice.total == pytest.approx(142.4)


def test_任选_is_never_applied_to_a_product_that_does_not_carry_it():
    lipstick_and_towel = priced([("L701", 1), ("N801", 1)])
    assert lipstick_and_towel.total == pytest.approx(138.0)  # 89 + 49: two pieces, but one is a towel
    assert "8折" not in lipstick_and_towel.sentence


def test_每满_takes_the_amount_off_for_every_full_step():
    four = priced_alone(made(60, "每满100减15"), 4)
    assert four.total == pytest.approx(210.0)  # 240 - 2 x 15


def test_每满_is_said_as_the_rule_the_shop_runs():
    four = priced_alone(made(60, "每满100减15"), 4)
    assert "满100减30" not in four.sentence
    assert "每满100减15" in four.sentence and "到手210元" in four.sentence


def test_buy_get_counts_in_the_promotions_own_piece_word():
    from script.answers import Answerer
    from stream.catalog_file import parse_catalog_text
    shop = parse_catalog_text("""
shop: {name: 小店}
products:
  - {sku: PRO, title: 益生菌固体饮料 30条, category: health_food, price: 128,
     promotions: [{text: 买2盒送1盒, ends_at: "2026-12-31T23:59:59+08:00"}]}
""", "shop.yaml")
    from datetime import datetime, timedelta, timezone
    now = datetime(2026, 12, 7, 20, 30, tzinfo=timezone(timedelta(hours=8)))
    said = "".join(Answerer.build(shop).answer("益生菌买两盒多少钱 得多少盒", None, now).sentences)
    assert "两盒是256元" in said and "实发三盒" in said
