"""Seeded, bounded property-based fuzz tests of the readers of chat frames and catalogs (data, YAML,
JSON, CSV): each input ends in a result or the documented clear error; any other exception is a bug."""

import csv
import io
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from script.catalog import Catalog, CatalogError, catalog_from_data
from script.catalog_limits import LIST_ITEMS, MAX_PRICE, MAX_STOCK, TEXT_CHARS
from script.chat import (MAX_EVENT_T, ChatFormatError, parse_chat_event)
from stream.catalog_file import parse_catalog_csv, parse_catalog_text

from tests.fuzz_support import (ANY_FRAME, ARRIVED_AT, BIG_NUMBER_TEXT, BOUNDARY_NUMBERS, FINITE_FLOATS, FUZZ, HUGE_INTS, INT64, JSONISH_TEXT, LONG_TEXT, MISSING, NUMERIC_TEXT, SHORT_TEXT, WHITESPACE, YAML_KEYS, YAML_SCALARS, YAML_SNIPPETS, YAML_VALUES, assert_event_in_bounds, chat_frames_with_hostile_fields, fill, json_text, nested_text, outcome, yaml_dump)

# ---- 1. chat frames -----------------------------------------------------------------------------

@settings(FUZZ, max_examples=150)
@given(frame=ANY_FRAME, arrived_at=ARRIVED_AT)
def test_parse_chat_event_accepts_or_refuses_any_frame_with_chat_format_error(frame, arrived_at):
    parsed = outcome(lambda: parse_chat_event(frame, arrived_at), ChatFormatError)
    if parsed is not None:
        assert_event_in_bounds(parsed)


@settings(FUZZ, max_examples=150)
@given(frame=chat_frames_with_hostile_fields())
def test_accepted_chat_event_has_finite_time_known_type_and_bounded_text(frame):
    parsed = outcome(lambda: parse_chat_event(frame), ChatFormatError)
    if parsed is not None:
        assert_event_in_bounds(parsed)
        assert parsed.t <= MAX_EVENT_T


# ---- 2. catalogs --------------------------------------------------------------------------------

VALID_PRODUCT = {
    "sku": "A1001", "title": "高山乌龙茶 250g", "category": "food", "price": 89.0, "list_price": 129.0,
    "stock": 320, "specs": {"净含量": "250g", "产地": "福建安溪"}, "selling_points": ["高山茶园", "可冲泡7次"],
    "promotions": [{"text": "满199减30", "ends_at": "2026-12-01T00:00:00+08:00"}, "第二件半价"],
    "faq": [{"q": "孕妇能喝吗", "a": "含咖啡因，孕期请遵医嘱"}], "policies": {"returns": "七天无理由退货"},
    "image": "tea.png", "scenes": ["下午茶"], "link": 1,
}
PRODUCT_FIELDS = (*VALID_PRODUCT, "unknown_field")


def catalog_values(ints: st.SearchStrategy) -> st.SearchStrategy:
    """A field value a careless or hostile merchant could write, with `ints` for the whole numbers."""
    scalar = st.one_of(YAML_SCALARS, ints)
    nested = st.recursive(scalar, lambda c: st.lists(c, max_size=3) | st.dictionaries(YAML_KEYS, c, max_size=3),
                          max_leaves=6)
    return st.one_of(
        scalar, nested, st.just(MISSING),
        st.dictionaries(YAML_KEYS, nested, max_size=4),  # specs / policies with nested maps as values
        st.lists(st.one_of(scalar, st.fixed_dictionaries({"text": scalar, "ends_at": scalar}),
                           st.fixed_dictionaries({"q": scalar, "a": scalar})), max_size=4),
        st.integers(0, 100).map(lambda n: ["卖点"] * n),  # list-length limits
    )


def field_changes(fields: tuple, values_of, most: int) -> st.SearchStrategy[dict]:
    """Up to `most` fields of a mapping replaced (or removed) with values from `values_of(field)`."""
    return st.lists(st.sampled_from(fields).flatmap(lambda f: st.tuples(st.just(f), values_of(f))),
                    max_size=most).map(dict)


@st.composite
def mutated_catalogs(draw, values_of, most: int = 4) -> dict:
    products = []
    for i in range(draw(st.integers(1, 3))):
        base = dict(VALID_PRODUCT, sku=f"A100{i}", link=i + 1)
        products.append(fill(base, draw(field_changes(PRODUCT_FIELDS, values_of, most))))
    shop = fill({"name": "山野优选", "service_hours": "9:00-22:00"},
                draw(field_changes(("name", "service_hours"), values_of, 2)))
    data = {"shop": shop, "products": products}
    if draw(st.integers(0, 9)) == 0:  # the whole shop or products list replaced
        part = draw(st.sampled_from(["shop", "products"]))
        data[part] = draw(values_of(part).filter(lambda v: v is not MISSING))
    return data


# Whole numbers a float still holds, up to 300 digits, often just past a TEXT_CHARS limit (drawn
# digit counts alone cluster on short numbers).
LONG_INTS = (st.integers(1, 300) | st.sampled_from([64, 65, 80, 81, 120, 121, 200, 201, 300])).map(
    lambda digits: 10**digits - 1)
# Values of the field's own kind, most of them accepted: what the accepted-catalog checks need.
TEXTISH = st.one_of(SHORT_TEXT, LONG_TEXT, WHITESPACE, LONG_INTS, FINITE_FLOATS, NUMERIC_TEXT)
NUMBERISH = st.one_of(NUMERIC_TEXT, BOUNDARY_NUMBERS, FINITE_FLOATS, LONG_INTS, INT64)
TEXT_MAPS = st.dictionaries(TEXTISH, TEXTISH, max_size=3)
TEXT_LISTS = st.one_of(st.lists(TEXTISH, max_size=4), st.integers(0, 50).map(lambda n: ["卖点"] * n), TEXTISH)
PLAUSIBLE_FIELDS = {
    "category": st.sampled_from(["food", "beauty", "other", "Food", "toys"]) | TEXTISH,
    "price": NUMBERISH, "list_price": NUMBERISH, "stock": NUMBERISH, "link": NUMBERISH,
    "specs": TEXT_MAPS, "policies": TEXT_MAPS, "selling_points": TEXT_LISTS, "scenes": TEXT_LISTS,
    "promotions": st.lists(TEXTISH | st.fixed_dictionaries({"text": TEXTISH}, optional={"ends_at": st.sampled_from(
        ["2026-12-01T00:00:00+08:00", "2026-12-01", "tomorrow", ""])}), max_size=3),
    "faq": st.lists(st.fixed_dictionaries({"q": TEXTISH, "a": TEXTISH}), max_size=3),
    "shop": st.fixed_dictionaries({"name": TEXTISH}), "products": st.just([VALID_PRODUCT]),
}


def plausible_value(field: str) -> st.SearchStrategy:
    return PLAUSIBLE_FIELDS.get(field, TEXTISH) | st.just(MISSING)


def hostile_value(ints: st.SearchStrategy):
    values = catalog_values(ints)
    return lambda field: values


BOUNDED_CATALOGS = st.one_of(mutated_catalogs(hostile_value(INT64 | LONG_INTS)),
                             mutated_catalogs(plausible_value, most=2))


def assert_prices_in_bounds(catalog: Catalog) -> None:
    for p in catalog.products:
        assert isinstance(p.price, float) and math.isfinite(p.price) and 0 < p.price <= MAX_PRICE
        if p.list_price is not None:
            assert math.isfinite(p.list_price) and p.price <= p.list_price <= MAX_PRICE
        if p.stock is not None:
            assert isinstance(p.stock, int) and 0 <= p.stock <= MAX_STOCK
        if p.link is not None:
            assert isinstance(p.link, int) and p.link > 0


def assert_texts_in_bounds(catalog: Catalog) -> None:
    def within(text, key):
        assert isinstance(text, str) and len(text) <= TEXT_CHARS[key], (key, len(text))

    within(catalog.shop.name, "name")
    if catalog.shop.service_hours is not None:
        within(catalog.shop.service_hours, "service_hours")
    for p in catalog.products:
        for key in ("sku", "title", "category"):
            within(getattr(p, key), key)
        if p.image is not None:
            within(p.image, "image")
        for mapping, prefix in ((p.specs, "spec"), (p.policies, "policy")):
            for name, value in mapping.items():
                within(name, f"{prefix}_name")
                within(value, f"{prefix}_value")
        for key in ("selling_points", "scenes"):
            assert len(getattr(p, key)) <= LIST_ITEMS[key]
            for text in getattr(p, key):
                within(text, key)
        assert len(p.promotions) <= LIST_ITEMS["promotions"] and len(p.faq) <= LIST_ITEMS["faq"]
        for promotion in p.promotions:
            within(promotion.text, "promotion")
        for entry in p.faq:
            within(entry.q, "q")
            within(entry.a, "a")


@settings(FUZZ, max_examples=100)
@given(data=YAML_VALUES | st.fixed_dictionaries({"shop": YAML_VALUES, "products": YAML_VALUES}))
def test_catalog_from_data_refuses_arbitrary_nested_data_with_catalog_error(data):
    catalog = outcome(lambda: catalog_from_data(data), CatalogError)
    if catalog is not None:
        assert_prices_in_bounds(catalog)


@settings(FUZZ, max_examples=100)
@given(data=mutated_catalogs(hostile_value(HUGE_INTS | INT64)))
def test_catalog_from_data_with_mutated_products_ends_in_catalog_or_catalog_error(data):
    outcome(lambda: catalog_from_data(data), CatalogError)


@settings(FUZZ, max_examples=120)
@given(data=BOUNDED_CATALOGS)
def test_accepted_catalogs_keep_prices_finite_positive_capped_and_text_within_limits(data):
    catalog = outcome(lambda: catalog_from_data(data), CatalogError)
    if catalog is not None:
        assert_prices_in_bounds(catalog)
        assert_texts_in_bounds(catalog)


@st.composite
def catalog_yaml_texts(draw) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return yaml_dump(draw(BOUNDED_CATALOGS))
    if kind == 1:  # a valid file with one value replaced by raw YAML
        field = draw(st.sampled_from(["price", "title", "stock", "specs", "promotions", "faq", "sku", "link"]))
        value = draw(YAML_SNIPPETS | BIG_NUMBER_TEXT.filter(lambda s: len(s) < 300) | SHORT_TEXT)
        return (f"shop: {{name: 山野优选}}\nproducts:\n  - sku: A1\n    title: 乌龙茶\n    category: food\n"
                f"    price: 89\n    {field}: {value}\n")
    if kind == 2:
        return draw(nested_text(200))
    if kind == 3:
        return draw(st.lists(YAML_SNIPPETS | SHORT_TEXT, max_size=6).map("\n".join))
    return draw(st.text(max_size=120))


@settings(FUZZ, max_examples=120)
@given(text=catalog_yaml_texts())
def test_parse_catalog_text_yaml_ends_in_catalog_or_catalog_error(text):
    catalog = outcome(lambda: parse_catalog_text(text, "fuzz.yaml"), CatalogError)
    if catalog is not None:
        assert_prices_in_bounds(catalog)


@settings(FUZZ, max_examples=40)
@given(field=st.sampled_from(["price", "list_price", "stock", "link", "title", "sku"]),
       digits=st.integers(309, 6000) | st.sampled_from([309, 4300, 4301, 6000]), sign=st.sampled_from(["", "-"]))
def test_parse_catalog_text_refuses_yaml_numbers_beyond_float_range(field, digits, sign):
    text = (f"shop: {{name: 山野优选}}\nproducts:\n  - {{sku: A1, title: 乌龙茶, category: food, price: 89, "
            f"{field}: {sign}{'9' * digits}}}\n")
    outcome(lambda: parse_catalog_text(text, "fuzz.yaml"), CatalogError)


@settings(FUZZ, max_examples=100)
@given(text=st.one_of(
    BOUNDED_CATALOGS.map(lambda d: json.dumps(d, default=str, allow_nan=True, ensure_ascii=False)),
    json_text(), nested_text(3000), JSONISH_TEXT, BIG_NUMBER_TEXT, st.text(max_size=80)))
def test_parse_catalog_text_json_ends_in_catalog_or_catalog_error(text):
    catalog = outcome(lambda: parse_catalog_text(text, "fuzz.json", json_format=True), CatalogError)
    if catalog is not None:
        assert_prices_in_bounds(catalog)
        assert_texts_in_bounds(catalog)


CSV_COLUMNS = ("sku", "title", "category", "price", "list_price", "stock", "specs", "selling_points", "promotions",
               "faq", "policies", "image", "scenes", "link", "shop", "service_hours")
CSV_CELLS = st.one_of(
    SHORT_TEXT, NUMERIC_TEXT, WHITESPACE,
    st.sampled_from(["A1001", "food", "beauty", "乌龙茶 250g", "净含量=250g; 产地：福建", "a=b;；c:d", "=", "a=", "=b",
                     "no pair", "高山茶园|可冲泡7次", "|||", "满199减30@2026-12-01T00:00:00+08:00|第二件半价",
                     "减@not-a-date", "@", "满100减10@2026-12-01", "孕妇能喝吗::遵医嘱|坏的", "::", "q::", "::a",
                     "returns=七天; shipping=48小时", "\ufeff", "\"", "a,b", "line\nbreak"]),
    LONG_TEXT)


@st.composite
def csv_tables(draw) -> list[list[str]]:
    header = draw(st.lists(st.sampled_from(CSV_COLUMNS + ("颜色", "", " sku ")), min_size=1, max_size=8))
    valid = {"sku": "A1", "title": "乌龙茶", "category": "food", "price": "89", "shop": "山野优选"}
    rows = []
    for i in range(draw(st.integers(0, 4))):
        cells = draw(st.dictionaries(st.sampled_from(header), CSV_CELLS, max_size=4))
        row = [cells.get(h, valid.get(h.strip(), "")) for h in header]
        row += draw(st.lists(SHORT_TEXT, max_size=2))  # more cells than columns
        rows.append(row[:draw(st.integers(0, len(row)))] if draw(st.integers(0, 5)) == 0 else row)
    return [header, *rows]


def csv_text(table: list[list[str]], bom: bool) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)  # as Excel saves it
    return ("\ufeff" if bom else "") + out.getvalue()


@settings(FUZZ, max_examples=120)
@given(table=csv_tables(), bom=st.booleans())
def test_parse_catalog_csv_of_spreadsheet_rows_ends_in_catalog_or_catalog_error(table, bom):
    catalog = outcome(lambda: parse_catalog_csv(csv_text(table, bom), "fuzz.csv"), CatalogError)
    if catalog is not None:
        assert_prices_in_bounds(catalog)
        assert_texts_in_bounds(catalog)


@settings(FUZZ, max_examples=120)
@given(lines=st.lists(st.lists(CSV_CELLS | st.text(alphabet=',"\r\n;=|:@ a1', max_size=8), max_size=5)
                      .map(",".join), min_size=1, max_size=5),
       line_end=st.sampled_from(["\n", "\r\n", "\r"]))
def test_parse_catalog_csv_of_raw_text_ends_in_catalog_or_catalog_error(lines, line_end):
    text = line_end.join(["sku,title,category,price,specs,faq", *lines])
    catalog = outcome(lambda: parse_catalog_csv(text, "fuzz.csv"), CatalogError)
    if catalog is not None:
        assert_prices_in_bounds(catalog)
