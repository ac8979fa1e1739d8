"""The shipped examples (catalog, recorded chat, its ground truth) are valid and agree with each other."""
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from script.catalog import Product
from script.chat import ChatFormatError, parse_chat_event
from stream.catalog_file import load_catalog_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CATALOG = load_catalog_file(EXAMPLES / "catalog.yaml")
CHAT_LINES = (EXAMPLES / "chat.jsonl").read_text(encoding="utf-8").splitlines()
EXPECTED = [json.loads(line) for line in (EXAMPLES / "chat.expected.jsonl").read_text(encoding="utf-8").splitlines()]

KINDS = {"question", "greeting", "gift", "spam", "abuse", "other"}
EXPECTS = {"answer", "not_sold", "unknown", "human", "refuse", "silent", None}
_FACT_ID = re.compile(r"^(?P<sku>[^.]+)\.(?P<field>[a-z_]+)(?:\[(?P<index>\d+)\]|\.(?P<name>.+))?$")


def _parsed_lines():
    """(line number, event or the ChatFormatError it raised) for every line of the recorded chat."""
    out = []
    for number, line in enumerate(CHAT_LINES, start=1):
        try:
            out.append((number, parse_chat_event(line)))
        except ChatFormatError as exc:
            out.append((number, exc))
    return out


PARSED = _parsed_lines()


def resolve_fact(fact_id: str):
    """The catalog value a fact id names ("A1001.specs.产地", "B2003.faq[1]"); KeyError when it names nothing."""
    match = _FACT_ID.match(fact_id)
    if not match:
        raise KeyError(f"malformed fact id {fact_id!r}")
    product: Product | None = CATALOG.product(match["sku"])
    if product is None:
        raise KeyError(f"{fact_id}: no product {match['sku']}")
    field, index, name = match["field"], match["index"], match["name"]
    if field in ("price", "list_price", "stock", "selling_points") and index is None and name is None:
        value = getattr(product, field)
        if value in (None, ()):
            raise KeyError(f"{fact_id}: the product has no {field}")
        return value
    if field in ("specs", "policies") and name is not None:
        return getattr(product, field)[name]
    if field in ("faq", "promotions") and index is not None:
        items = getattr(product, field)
        if int(index) >= len(items):
            raise KeyError(f"{fact_id}: only {len(items)} {field}")
        return items[int(index)]
    raise KeyError(f"{fact_id}: unknown field form")


def test_example_catalog_is_a_full_shop_over_every_industry():
    assert len(CATALOG.products) >= 12
    categories = Counter(p.category for p in CATALOG.products)
    for industry in ("beauty", "electronics", "food", "apparel", "baby", "home"):
        assert categories[industry] >= 2, industry
    assert categories["health_food"] >= 1
    with_promotions = [p for p in CATALOG.products if p.promotions]
    assert any(pr.ends_at is not None for p in with_promotions for pr in p.promotions)


def test_recorded_chat_parses_except_the_deliberately_malformed_lines():
    events = [e for _, e in PARSED if not isinstance(e, ChatFormatError)]
    errors = [str(e) for _, e in PARSED if isinstance(e, ChatFormatError)]
    assert len(events) >= 240
    times = [e.t for e in events]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert times[-1] - times[0] >= 35 * 60
    assert set(Counter(e.type for e in events)) == {"comment", "gift", "like", "enter", "follow"}
    assert sum(e.type == "comment" for e in events) >= 120
    # One of each kind of bad line a replay must survive, and nothing else broken by accident.
    reasons = ["not JSON", "'user' is required", "'type' must be one of", "'text' too long"]
    assert all(any(r in err for err in errors) for r in reasons), errors
    assert all(any(r in err for r in reasons) for err in errors), errors
    assert len(errors) <= 6


def test_every_comment_has_exactly_one_ground_truth_record():
    comment_lines = {n for n, e in PARSED if not isinstance(e, ChatFormatError) and e.type == "comment"}
    lines = [r["line"] for r in EXPECTED]
    assert len(lines) == len(set(lines))
    assert set(lines) == comment_lines


@pytest.mark.parametrize("record", EXPECTED, ids=lambda r: f"line{r['line']}")
def test_ground_truth_record_is_well_formed_and_its_facts_exist(record):
    assert record["kind"] in KINDS and record["expect"] in EXPECTS
    for fact in record["facts"]:
        resolve_fact(fact)
    if record["sku"] is not None:
        assert CATALOG.product(record["sku"]) is not None
    if record.get("needs_context"):
        assert record["sku"] is not None
    if record["expect"] in ("not_sold", "human", "silent"):
        assert record["sku"] is None and record["facts"] == []
    if record["expect"] in ("unknown",):
        assert record["facts"] == []
    if record["expect"] == "answer":
        assert record["sku"] is not None and record["facts"]
    if record["kind"] in ("spam", "abuse"):
        assert record["expect"] == "silent"


def test_ground_truth_covers_the_cases_the_benchmark_scores():
    expects = Counter(r["expect"] for r in EXPECTED)
    assert sum(r["kind"] == "question" and r["sku"] is not None for r in EXPECTED) >= 80
    for needed in ("answer", "not_sold", "unknown", "human", "refuse", "silent"):
        assert expects[needed] >= 3, needed
    # A burst: ten viewers ask the same price within a few seconds.
    events = dict(PARSED)
    price_asks = sorted((events[r["line"]].t, events[r["line"]].user, f)
                        for r in EXPECTED for f in r["facts"] if f.endswith(".price") and len(r["facts"]) == 1)
    assert any(len({u for t, u, f in price_asks if start <= t <= start + 5 and f == fact}) >= 10
               for start, _, fact in price_asks)


def test_resolver_refuses_ids_that_name_nothing():
    assert resolve_fact("A1001.specs.产地") == "福建安溪"
    for bad in ("A1001.specs.颜色", "A1001.faq[5]", "Z9999.price", "C3003.stock", "A1001.colour"):
        with pytest.raises(KeyError):
            resolve_fact(bad)
