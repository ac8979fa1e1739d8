"""Computed numbers are checked by their arithmetic, not taken on trust (issue 16: 'the guard
checks the derivation, not just the digits')."""
from datetime import datetime, timezone
from decimal import Decimal

from script.catalog import Product, Promotion
from script.derivation import checked_value, derivation, vouched_values
from script.guard import Guard, GuardContext

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
FACTS = {Decimal("89.9"), Decimal("30"), Decimal("199"), Decimal("1.5"), Decimal("50")}


def test_a_derivation_is_written_as_the_host_says_the_value():
    assert derivation(134.85000000000002, "89.9*2-89.9/2") == "134.85=89.9*2-89.9/2"
    assert derivation(1.546875, "99/64") == "1.55=99/64"


def test_arithmetic_on_catalog_figures_vouches_for_its_result():
    assert checked_value("134.85=89.9*2-89.9/2", FACTS) == Decimal("134.85")
    assert checked_value("1500=1.5*1000", FACTS) == Decimal("1500")  # a unit conversion of a fact
    assert checked_value("30=1.5*1000/50", FACTS) == Decimal("30")


def test_wrong_or_unfounded_arithmetic_vouches_for_nothing():
    assert checked_value("140=89.9*2-30", FACTS) is None  # 149.8, not 140
    assert checked_value("59=59", FACTS) is None  # a number that traces to nothing
    assert checked_value("30=30", FACTS | set()) == Decimal("30")  # ... unless it is a fact itself
    assert checked_value("6=3*2", FACTS) is None  # counts alone say nothing the catalog says
    assert checked_value("100=__import__('os')", FACTS) is None
    assert checked_value("1e999=89.9*1e999", FACTS) is None


def test_days_of_use_may_be_said_rounded():
    assert checked_value("33=2*1000/60", {Decimal(2)} | FACTS) == Decimal("33")  # 33.3 days: "大约33天"
    assert checked_value("34=2*1000/60", {Decimal(2)} | FACTS) == Decimal("34")


def test_a_derivation_may_build_on_an_earlier_one():
    entries = ("179.8=89.9*2", "149.8=179.8-30")
    assert vouched_values(entries, FACTS) == {Decimal("179.8"), Decimal("149.8")}
    assert vouched_values(tuple(reversed(entries)), FACTS) == {Decimal("179.8")}


def test_the_guard_blocks_a_total_whose_arithmetic_is_wrong():
    nuts = Product("F1", "每日坚果 750g", "food", 89.9, promotions=(Promotion("第二件半价"),))
    guard = Guard.default()
    line = "每日坚果两件按第二件半价算是134.85元。"
    right = GuardContext(products=(nuts,), now=NOW, derived_numbers=("134.85=89.9*1+89.9/2",))
    wrong = GuardContext(products=(nuts,), now=NOW, derived_numbers=("134.85=89.9*1+89.9/3",))
    assert guard.check(line, right).ok
    assert [h.rule_id for h in guard.check(line, wrong).hits] == ["untraced_number"]
