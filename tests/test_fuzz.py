"""Seeded, bounded property-based fuzz tests of every entry point that reads outside input.

Each entry point must end with a result or its documented clear error; any other exception is a
bug. Runs are derandomized (the same examples every run) and small enough for CI.
"""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import math
import re
import socket
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from script.answer_facts import Answer
from script.answers import Answerer
from script.catalog import Catalog, CatalogError, catalog_from_data
from script.catalog_limits import LIST_ITEMS, MAX_PRICE, MAX_STOCK, TEXT_CHARS
from script.chat import (EVENT_TYPES, MAX_EVENT_T, MAX_NICK_CHARS, MAX_TEXT_CHARS, MAX_USER_CHARS, ChatEvent,
                         ChatFormatError, parse_chat_event)
from stream.catalog_file import load_catalog_file, parse_catalog_csv, parse_catalog_text
from stream.http_server import HttpError, Request
from stream.persona_bundle import PersonaBundle, PersonaError, load_persona
from stream.replay import ReplayResult, ReplaySimulator, read_chat_lines

ROOT = Path(__file__).resolve().parent.parent
THREE_PRODUCTS = ROOT / "tests" / "data" / "three_products.yaml"
DEFAULT_PERSONA = yaml.safe_load((ROOT / "personas" / "default" / "persona.yaml").read_text(encoding="utf-8"))

# No explain phase: it re-runs a failure under a tracer, which is slow.
FUZZ = settings(derandomize=True, deadline=None, database=None, max_examples=60,
                phases=(Phase.explicit, Phase.generate, Phase.shrink),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
MISSING = object()  # a field left out of a generated mapping


# ---- reusable strategies ------------------------------------------------------------------------

FINITE_FLOATS = st.floats(allow_nan=False, allow_infinity=False)
ANY_FLOATS = st.floats(allow_nan=True, allow_infinity=True)
INT64 = st.integers(min_value=-2**63, max_value=2**63)
BOUNDARY_NUMBERS = st.sampled_from([0, -1, 1, -0.0, 0.001, 0.005, 0.01, 1e-300, 2**53 + 1, 1e15, MAX_PRICE,
                                    MAX_PRICE + 0.01, MAX_STOCK, MAX_STOCK + 1, 1e308, -1e308])
SHORT_TEXT = st.text(max_size=20)
WHITESPACE = st.text(alphabet=" \t\n\r\u3000\u00a0", max_size=5)
# Long text without drawing hundreds of random characters (cheap to generate and shrink).
LONG_TEXT = st.builds(lambda chunk, n: (chunk or "长") * n, st.text(min_size=1, max_size=3), st.integers(0, 700))
NUMERIC_TEXT = st.sampled_from(["89", "¥1,299.00", "￥99.9", " 12 ", "-5", "0", "0.001", "1_000", "１２", "1e999",
                                "-1e999", "nan", "inf", "Infinity", "1e308", "10000000.01", "0x10", "", "  ", "abc"])
DATES = st.one_of(st.dates(), st.datetimes(timezones=st.none() | st.just(dt.timezone(dt.timedelta(hours=8)))))
JSON_SCALARS = st.one_of(st.none(), st.booleans(), INT64, ANY_FLOATS, SHORT_TEXT)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
# What a YAML file may also hold: dates, bytes, keys that are not text.
YAML_KEYS = st.one_of(st.text(max_size=8), st.integers(-3, 3), st.none(), st.booleans())
YAML_SCALARS = st.one_of(JSON_SCALARS, BOUNDARY_NUMBERS, LONG_TEXT, NUMERIC_TEXT, WHITESPACE, DATES,
                         st.binary(max_size=8))
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(YAML_KEYS, children, max_size=3),
    max_leaves=8)
# Integers no float can hold: a YAML file (not JSON, which refuses them) yields them as Python ints.
HUGE_INTS = (st.integers(309, 5000) | st.sampled_from([309, 4300, 4301, 5000])).flatmap(
    lambda digits: st.sampled_from([10**digits, -10**digits, 10**digits - 1]))


def nested_text(max_depth: int) -> st.SearchStrategy[str]:
    """Deeply nested JSON/YAML flow text, closed or not, brackets also hidden inside strings."""
    return st.builds(
        lambda n, shape: {"list": "[" * n + "]" * n, "map": '{"a":' * n + "1" + "}" * n, "open": "[" * n,
                          "mixed": '[{"a":' * n + "1" + "}]" * n, "string": '"' + "[" * n + '"'}[shape],
        st.integers(1, max_depth), st.sampled_from(["list", "map", "open", "mixed", "string"]))


def json_text(values: st.SearchStrategy = JSON_VALUES) -> st.SearchStrategy[str]:
    """JSON as a careless producer writes it: NaN and Infinity allowed, ASCII-escaped or not."""
    return st.builds(lambda v, ascii_only: json.dumps(v, allow_nan=True, ensure_ascii=ascii_only),
                     values, st.booleans())


JSONISH_TEXT = st.text(alphabet='[]{}",:0123456789.eE+-truefalsnNI \\', max_size=80)
BIG_NUMBER_TEXT = st.builds(lambda n, sign: sign + "1" + "0" * n, st.integers(1, 400), st.sampled_from(["", "-"]))


def mostly(valid, others: st.SearchStrategy) -> st.SearchStrategy:
    """`valid` three times in four: records with one bad field, not all bad."""
    return st.integers(0, 3).flatmap(lambda n: others if n == 0 else st.just(valid))


def fill(template: dict, overrides: dict) -> dict:
    """`template` with `overrides` applied; MISSING removes the field."""
    out = dict(template)
    for key, value in overrides.items():
        if value is MISSING:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def outcome(call, *clear_errors):
    """The result, or None when `call` raised one of its clear errors; anything else propagates."""
    try:
        result = call()
    except clear_errors as exc:
        event(f"refused: {type(exc).__name__}")  # statistics only: shows both paths are exercised
        return None
    event("accepted")
    return result


# ---- 1. chat frames -----------------------------------------------------------------------------

CHAT_FIELDS = ("t", "type", "user", "text", "nick", "platform", "extra")
CHAT_HOSTILE = st.one_of(JSON_SCALARS, BOUNDARY_NUMBERS, LONG_TEXT, WHITESPACE, BIG_NUMBER_TEXT,
                         st.sampled_from(EVENT_TYPES), st.lists(JSON_SCALARS, max_size=3),
                         st.dictionaries(SHORT_TEXT, JSON_SCALARS, max_size=3), st.just(MISSING))


@st.composite
def chat_frames_with_hostile_fields(draw) -> str | bytes:
    fields = {"t": draw(st.floats(0, 7200)), "type": draw(st.sampled_from(EVENT_TYPES)), "user": "u1",
              "text": "这个多少钱?", "nick": "小鹿", "platform": "douyin"}
    overrides = draw(st.dictionaries(st.sampled_from(CHAT_FIELDS), CHAT_HOSTILE, max_size=4))
    frame = json.dumps(fill(fields, overrides), allow_nan=True, ensure_ascii=draw(st.booleans()))
    return frame.encode("utf-8") if draw(st.booleans()) else frame


ANY_FRAME = st.one_of(json_text(), nested_text(2100), st.text(max_size=200), JSONISH_TEXT, BIG_NUMBER_TEXT,
                      st.binary(max_size=200), json_text().map(lambda s: s.encode("utf-8")),
                      chat_frames_with_hostile_fields())
ARRIVED_AT = st.none() | st.floats(0, 1e6)


def assert_event_in_bounds(event: ChatEvent) -> None:
    assert isinstance(event, ChatEvent)
    assert math.isfinite(event.t) and event.t >= 0
    assert event.type in EVENT_TYPES
    assert len(event.text) <= MAX_TEXT_CHARS
    assert event.user.strip() and len(event.user) <= MAX_USER_CHARS
    assert len(event.nick) <= MAX_NICK_CHARS and len(event.platform) <= MAX_NICK_CHARS
    assert all(isinstance(v, str) for v in (event.type, event.user, event.text, event.nick, event.platform))


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


def yaml_dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


YAML_SNIPPETS = st.sampled_from([
    ".nan", ".inf", "-.inf", "~", "null", "yes", "no", "0o17", "0x1F", "1_000", "12:30:00", "2026-12-01",
    "2026-12-01T00:00:00+08:00", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [{a: 1}]", "!!pairs [{a: 1}]",
    "!!str 5", "!!float nan", "!!int 7", "!!python/object:os.system x", "&a [1, *a]", "*undefined", "{a: 1, a: 2}",
    "[1, 2", "'unterminated", "\"\\x\"", "? [a, b]\n  : c", "|\n  block", ">-\n  folded", "{, }", "- - -", "\t",
    "%YAML 1.1\n---\n", "--- |", "\ufeff", "\x00",
])


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


# ---- 3. persona bundles -------------------------------------------------------------------------

PATHS = st.sampled_from(["persona.yaml", "missing.png", "", " ", ".", "/", "~", "~/x.png", "~nosuchuser_fz/x.png",
                         "~root/x.png", "~ghost", "../x.png", "a\x00b", "/dev/null", "x" * 300])
PATH_VALUES = PATHS | st.text(alphabet="~/.ax\x00 ", max_size=12) | LONG_TEXT
PHRASES = st.lists(st.one_of(
    SHORT_TEXT, WHITESPACE,
    st.sampled_from(["{title}", "{nick}", "{gift}", "{scene}", "{name}", "来看{title}", "{", "}", "{{title}}", "{}",
                     "{0}", "{title:d}", "{title!r}", "{title!z}", "{title.upper}", "{title[0]}", "{title:>{0}}",
                     "{title:%}", "{nick}{gift}", "欢迎{nick}", "{ title }", "{title}{title}"])),
    max_size=4)
PERSONA_VALUES = st.one_of(YAML_VALUES, PHRASES, PATHS)
PERSONA_OVERRIDES = PERSONA_VALUES | st.just(MISSING)
STYLE_KEYS = tuple(DEFAULT_PERSONA["style"]) + ("unknown_list",)
COLOUR_VALUES = st.one_of(st.lists(st.integers(-5, 300) | ANY_FLOATS | st.booleans(), max_size=4),
                          st.text(alphabet="#0123456789abcdefgxyz ", max_size=8), PERSONA_VALUES)
APPEARANCE_FIELDS = {
    **{name: COLOUR_VALUES for name in ("skin", "hair", "outfit", "accent", "background", "eyes")},
    "hair_style": st.sampled_from(["bob", "long", "bun", "mohawk"]) | PERSONA_VALUES,
    "outfit_style": st.sampled_from(["blazer", "apron", "cape"]) | PERSONA_VALUES,
    "accessories": st.lists(st.sampled_from(["bow", "glasses", "hat", ""]), max_size=3) | PERSONA_VALUES,
    "mode": st.sampled_from(["drawn", "photo", "video", "3d"]) | PERSONA_VALUES,
    "portrait": YAML_VALUES, "background_image": YAML_VALUES,  # path strings: their own test below
    "background_blur": BOUNDARY_NUMBERS | ANY_FLOATS | PERSONA_VALUES,
}
APPEARANCES = st.lists(st.sampled_from(sorted(APPEARANCE_FIELDS)).flatmap(
    lambda name: st.tuples(st.just(name), APPEARANCE_FIELDS[name] | st.just(MISSING))), max_size=3).map(dict)
# Unknown fields, sometimes of mixed key types (YAML allows any scalar as a key).
UNKNOWN_FIELDS = st.just({}) | st.dictionaries(st.sampled_from(["unknown", "Skin", 3, None, True]), YAML_SCALARS,
                                               min_size=1, max_size=2)


CONSENT_FIELDS = {key: mostly(valid, PERSONA_VALUES) for key, valid in
                  {"subject": "王女士", "granted_by": "王女士", "date": "2026-01-05", "purpose": "直播带货"}.items()}
CONSENT = st.fixed_dictionaries(CONSENT_FIELDS)
CONSENT_WITH_DOCUMENT = st.fixed_dictionaries(CONSENT_FIELDS, optional={"document": PATH_VALUES})


@pytest.fixture(scope="module")
def persona_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("persona")


def load_persona_text(folder: Path, text: str) -> PersonaBundle | None:
    (folder / "persona.yaml").write_text(text, encoding="utf-8")
    bundle = outcome(lambda: load_persona(folder), PersonaError)
    if bundle is not None:
        assert isinstance(bundle, PersonaBundle)
        assert all(bundle.style.openers) and 0.5 <= bundle.style.pace <= 2.0 and 0.5 <= bundle.voice.speed <= 2.0
    return bundle


def persona_with(**sections) -> dict:
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_PERSONA.items()}
    for section, overrides in sections.items():
        data[section] = fill(data.get(section) or {}, overrides) if isinstance(overrides, dict) else overrides
    return data


TOP_LEVEL_FIELDS = {
    "id": PERSONA_VALUES, "display_name": PERSONA_VALUES, "industry": PERSONA_VALUES,
    "categories": st.lists(st.sampled_from(["food", "beauty", "toys"]) | YAML_SCALARS, max_size=3) | YAML_SCALARS,
    # text keys only in whole sections: mixed-type keys have their own tests below
    "consent": JSON_VALUES, "style": JSON_VALUES, "appearance": JSON_VALUES, "unknown": PERSONA_VALUES,
}


@settings(FUZZ, max_examples=80)
@given(overrides=st.lists(st.sampled_from(sorted(TOP_LEVEL_FIELDS)).flatmap(
    lambda name: st.tuples(st.just(name), TOP_LEVEL_FIELDS[name] | st.just(MISSING))), max_size=3).map(dict))
def test_load_persona_with_fuzzed_top_level_fields_ends_in_bundle_or_persona_error(persona_folder, overrides):
    load_persona_text(persona_folder, yaml_dump(fill(DEFAULT_PERSONA, overrides)))


@settings(FUZZ, max_examples=80)
@given(style=st.dictionaries(st.sampled_from(STYLE_KEYS), PERSONA_OVERRIDES, max_size=3),
       objections=st.dictionaries(st.sampled_from(["price", "quality", "after_sales", "other"]) | YAML_KEYS,
                                  PHRASES | PERSONA_VALUES, max_size=3) | st.just(MISSING))
def test_load_persona_with_fuzzed_style_ends_in_bundle_or_persona_error(persona_folder, style, objections):
    data = persona_with(style=dict(style, objections=objections))
    load_persona_text(persona_folder, yaml_dump(data))


@settings(FUZZ, max_examples=100)
@given(appearance=APPEARANCES, consent=CONSENT | st.none())
def test_load_persona_with_fuzzed_appearance_ends_in_bundle_or_persona_error(persona_folder, appearance, consent):
    load_persona_text(persona_folder, yaml_dump(persona_with(appearance=appearance, consent=consent)))


@settings(FUZZ, max_examples=60)
@given(paths=st.fixed_dictionaries({}, optional={"portrait": PATH_VALUES, "background_image": PATH_VALUES}),
       mode=st.sampled_from(["drawn", "photo", "video"]))
def test_load_persona_with_fuzzed_appearance_paths_ends_in_bundle_or_persona_error(persona_folder, paths, mode):
    consent = {"subject": "王女士", "granted_by": "王女士", "date": "2026-01-05", "purpose": "直播带货"}
    load_persona_text(persona_folder, yaml_dump(persona_with(appearance=dict(paths, mode=mode), consent=consent)))


@settings(FUZZ, max_examples=40)
@given(unknown=UNKNOWN_FIELDS)
def test_load_persona_refuses_unknown_appearance_fields_with_persona_error(persona_folder, unknown):
    load_persona_text(persona_folder, yaml_dump(persona_with(appearance=unknown)))


@settings(FUZZ, max_examples=60)
@given(voice=st.dictionaries(st.sampled_from(["engine", "voice", "speed", "unknown"]),
                             PERSONA_OVERRIDES | st.sampled_from(["kokoro", "espeak", "coqui", "jf_gongitsune"]),
                             max_size=3) | PERSONA_VALUES)
def test_load_persona_with_fuzzed_voice_ends_in_bundle_or_persona_error(persona_folder, voice):
    data = fill(DEFAULT_PERSONA, {"voice": voice}) if not isinstance(voice, dict) else persona_with(voice=voice)
    load_persona_text(persona_folder, yaml_dump(data))


@settings(FUZZ, max_examples=60)
@given(consent=CONSENT_WITH_DOCUMENT, mode=st.sampled_from(["photo", "video"]))
def test_load_persona_with_fuzzed_consent_ends_in_bundle_or_persona_error(persona_folder, consent, mode):
    # portrait: the persona file itself exists but is no image, so a likeness check must refuse it cleanly
    data = persona_with(consent=consent, appearance={"mode": mode, "portrait": "persona.yaml"})
    load_persona_text(persona_folder, yaml_dump(data))


@settings(FUZZ, max_examples=60)
@given(text=st.one_of(
    st.lists(YAML_SNIPPETS | SHORT_TEXT, max_size=6).map("\n".join), nested_text(200), st.text(max_size=100),
    st.builds(lambda key, n: f"{key}: {'9' * n}\n", st.sampled_from(["id", "display_name", "categories"]),
              st.integers(1, 6000)),
    st.builds(lambda doc, cut: doc[:cut], st.just(yaml_dump(DEFAULT_PERSONA)), st.integers(0, 3000))))
def test_load_persona_with_random_yaml_text_ends_in_bundle_or_persona_error(persona_folder, text):
    load_persona_text(persona_folder, text)


PLACEHOLDERS = {"openers": ("title",), "welcomes": ("nick",), "gift_thanks": ("nick", "gift"),
                "scene_intros": ("scene",), "ai_disclosures": ("name",), "fillers": ()}
PLACEHOLDER_VALUES = {"title": "乌龙茶", "scene": "下午茶", "nick": "小鹿", "gift": "玫瑰", "name": "小悠"}
PHRASE_TEXT = st.text(alphabet="来看欢迎谢谢家人ab {}", max_size=4)


@st.composite
def phrase_lists(draw, key: str) -> list[str]:
    """Phrases using exactly the list's placeholders, each with a random conversion and format spec."""
    phrases = []
    for _ in range(draw(st.integers(1, 3))):
        phrase = draw(PHRASE_TEXT)
        for name in PLACEHOLDERS[key]:
            conversion = draw(st.sampled_from(["", "", "!r", "!s", "!a", "!z", "!"]))
            spec = draw(st.sampled_from(["", "", ":d", ":>8", ":%", ":>{0}", ":.2", ":x", ":^10", ":,", ":=5", ":s"]))
            phrase += "{" + name + conversion + spec + "}" + draw(PHRASE_TEXT)
        phrases.append(phrase)
    return phrases


@settings(FUZZ, max_examples=80)
@given(key_and_phrases=st.sampled_from(sorted(PLACEHOLDERS)).flatmap(
    lambda key: st.tuples(st.just(key), phrase_lists(key))))
def test_accepted_persona_phrases_render_with_their_placeholders(persona_folder, key_and_phrases):
    key, phrases = key_and_phrases
    bundle = load_persona_text(persona_folder, yaml_dump(persona_with(style={key: phrases})))
    if bundle is not None:
        for phrase in getattr(bundle.style, key):
            assert isinstance(phrase.format(**PLACEHOLDER_VALUES), str)


# ---- 4. console requests ------------------------------------------------------------------------

@settings(FUZZ, max_examples=150)
@given(body=st.one_of(st.binary(max_size=200), json_text().map(str.encode), nested_text(20000).map(str.encode),
                      JSONISH_TEXT.map(str.encode), BIG_NUMBER_TEXT.map(str.encode), st.just(b"")))
def test_request_json_returns_a_dict_or_raises_http_400(body):
    request = Request("POST", "/api/action", {}, {"content-type": "application/json"}, body)
    try:
        data = request.json()
    except HttpError as exc:
        assert exc.status == 400
    else:
        assert isinstance(data, dict)


class _FakeInbox:
    pending_controls = 0


class _FakeProducer:
    """What ShowControl touches of a running show: a catalog to edit and a control lane."""

    frame_size = (320, 180)

    def __init__(self) -> None:
        self.inbox = _FakeInbox()
        self.catalog = load_catalog_file(THREE_PRODUCTS)

    def submit_control(self, control) -> None:
        pass

    def edit_catalog(self, edit) -> Catalog:
        self.catalog = edit(self.catalog)
        return self.catalog


class _NoVoice:
    def load(self) -> None:
        pass


class ConsoleUnderTest:
    """A real ConsoleServer on 127.0.0.1:0, run on its own event loop thread."""

    TOKEN = "fuzz-token-0123456789abcdef"

    def __init__(self) -> None:
        from stream.console import ConsoleServer, ConsoleToken, EventHub
        from stream.control import ShowControl
        from stream.metrics import ShowMetrics
        from stream.webrtc import RawBroadcast, WebRtcHub

        self.loop = asyncio.new_event_loop()
        self.unhandled: list[dict] = []
        self.loop.set_exception_handler(lambda loop, context: self.unhandled.append(context))
        self.producer = _FakeProducer()
        metrics, hub = ShowMetrics(), EventHub()
        control = ShowControl(lambda: self.producer, lambda on: None, lambda settings: _NoVoice(), hub.publish)
        self.server = ConsoleServer(ConsoleToken(self.TOKEN, "test"), control, hub,
                                    WebRtcHub(RawBroadcast(metrics), metrics), metrics, lambda: {"mode": "auto"},
                                    host="127.0.0.1", port=0)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._call(self.server.start())
        self.port = self.server.http.port

    def _call(self, coroutine, timeout: float = 20):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def settle(self) -> None:
        """Let callbacks already scheduled on the server's loop (task exception reports) run."""
        self._call(asyncio.sleep(0))

    def close(self) -> None:
        self._call(self.server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def exchange(self, raw: bytes, timeout: float = 20) -> tuple[bytes, bool]:
        """Send `raw`, half-close, read to EOF. (reply, reset); a hang fails the test."""
        data, reset = b"", False
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            try:
                sock.sendall(raw)
                sock.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                reset = True
            try:
                while chunk := sock.recv(65536):
                    data += chunk
            except ConnectionResetError:
                reset = True
            except socket.timeout:
                raise AssertionError(f"server neither answered nor closed within {timeout} s") from None
        return data, reset

    def request(self, method: str, path: str, body: bytes = b"", token: str | None = TOKEN,
                content_type: str = "application/json") -> tuple[int, bytes]:
        headers = f"Host: 127.0.0.1:{self.port}\r\nContent-Length: {len(body)}\r\n"
        headers += f"Content-Type: {content_type}\r\n" if method == "POST" else ""
        headers += f"Authorization: Bearer {token}\r\n" if token else ""
        data, _ = self.exchange(f"{method} {path} HTTP/1.1\r\n{headers}\r\n".encode() + body)
        status = check_http_reply(data)
        assert status is not None, f"no reply to {method} {path}"
        return status, data.partition(b"\r\n\r\n")[2]


STATUS_LINE = re.compile(rb"HTTP/1\.1 ([1-5]\d\d) [^\r\n]*\r\n")


def check_http_reply(data: bytes, reset: bool = False) -> int | None:
    """The status of a well-formed reply, None for a closed connection; fails on anything else."""
    if not data or (reset and b"\r\n" not in data):
        return None
    match = STATUS_LINE.match(data)
    assert match, f"not an HTTP status line: {data[:80]!r}"
    head, sep, body = data.partition(b"\r\n\r\n")
    if reset and not sep:
        return int(match.group(1))
    assert sep, f"reply head not terminated: {data[:200]!r}"
    headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
    if not reset and b"Content-Length" in headers:
        assert int(headers[b"Content-Length"]) == len(body)
    return int(match.group(1))


@pytest.fixture(scope="module")
def console():
    server = ConsoleUnderTest()
    try:
        yield server
    finally:
        server.close()


def assert_still_serving(console: ConsoleUnderTest) -> None:
    status, body = console.request("GET", "/api/state")
    assert status == 200 and json.loads(body) == {"mode": "auto"}
    console.settle()
    assert not console.unhandled, console.unhandled


HEADER_VALUES = {
    "Host": ["<HOST>", "localhost", "127.0.0.1", "[::1]:80", "evil.example", "", ":", "[", "a:b:c", "LOCALHOST:1"],
    "Content-Length": ["<LEN>", "<LEN>", "0", "-1", "abc", "", " 5 ", "1_0", "9" * 30, "65537", "100000", "0x10"],
    "Content-Type": ["application/json", "application/json; charset=utf-8", "text/plain", "", "APPLICATION/JSON"],
    "Authorization": ["Bearer <TOKEN>", "Bearer <TOKEN>", "Bearer wrong-token", "bearer <TOKEN>", "Basic x", ""],
    "Origin": ["http://<HOST>", "http://evil.example", "null", ""],
    "Transfer-Encoding": ["chunked"], "Connection": ["keep-alive", "close"],
}
TARGETS = ["/", "/api/state", "/api/action", "/api/events", "/offer", "/metrics", "/console.js", "/viewer",
           "/webrtc.js", "/nope", "*", "http://[::1", "/api/state?x=1&x=2", "//", "/%ff%00", "/api/action?%zz"]
JSON_BODIES = st.one_of(
    json_text(), nested_text(20000), BIG_NUMBER_TEXT, JSONISH_TEXT,
    st.builds(lambda sdp: json.dumps({"type": "offer", "sdp": sdp}), st.sampled_from(["v=0", "v=0\r\nxx", "x"])))


ACTION_VALUES = {
    "mode": ["auto", "approve", "manual"], "text": ["大家好"], "line_id": ["line-1"],
    "sku": ["A1001", "B2002", "NOPE", ""], "price": [79.0, 0.004, -3, 1e300], "stock": [5, 2.5, -1, 1e12],
    "paused": [True, False], "reason": ["test"], "persona": ["no-such-persona", "../personas/default", "/"],
}
ACTIONS = st.fixed_dictionaries(
    {"operator": mostly("Li Na", CHAT_HOSTILE | st.sampled_from([" ", "x" * 41])),
     "action": mostly("pause", CHAT_HOSTILE) | st.sampled_from(
         ["mode", "say", "approve", "reject", "pin", "product", "pause", "stop", "resume", "persona", "nope"])},
    optional={key: st.sampled_from(values) | CHAT_HOSTILE for key, values in ACTION_VALUES.items()},
).map(lambda action: {k: v for k, v in action.items() if v is not MISSING})


@st.composite
def raw_requests(draw) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    method = draw(mostly("GET", st.sampled_from(["POST", "POST", "PUT", "OPTIONS", "HEAD", "get", ""]) | SHORT_TEXT))
    target = draw(st.sampled_from(TARGETS) | SHORT_TEXT)
    version = draw(mostly("HTTP/1.1", st.sampled_from(["HTTP/1.0", "HTTP/9", ""])))
    line = draw(mostly(f"{method} {target} {version}", st.text(max_size=40)))
    # The usual headers, each usually present and usually right, then random ones.
    headers = []
    for name in ("Host", "Content-Length", "Content-Type", "Authorization", "Origin"):
        if draw(st.integers(0, 3)) and (name != "Origin" or draw(st.booleans())):
            values = HEADER_VALUES[name]
            headers.append((name, draw(mostly(values[0], st.sampled_from(values) | SHORT_TEXT))))
    headers += draw(st.lists(st.one_of(
        st.sampled_from(sorted(HEADER_VALUES)).flatmap(
            lambda name: st.tuples(st.just(name), st.sampled_from(HEADER_VALUES[name]) | SHORT_TEXT)),
        st.tuples(SHORT_TEXT, SHORT_TEXT)), max_size=3))
    headers = draw(st.permutations(headers))
    body = draw(st.one_of(JSON_BODIES.map(str.encode), ACTIONS.map(lambda a: json.dumps(a).encode()),
                          st.binary(max_size=200)))
    # The token is read-only here: a GET /api/events with it would stream (and so stay open) by design.
    if target.startswith("/api/events"):
        headers = [(n, v) for n, v in headers if "<TOKEN>" not in v]
    eol = draw(mostly("\r\n", st.sampled_from(["\n", "\r", "\n\r"])))
    head = line + eol + "".join(f"{n}: {v}{eol}" for n, v in headers) + eol
    head = head.replace("<LEN>", str(len(body)))
    return head.encode("utf-8", "surrogatepass") + body


@settings(FUZZ, max_examples=120)
@given(raw=raw_requests())
def test_console_answers_any_raw_request_with_a_status_line_or_closes_and_keeps_serving(console, raw):
    raw = raw.replace(b"<HOST>", f"127.0.0.1:{console.port}".encode()).replace(b"<TOKEN>", console.TOKEN.encode())
    data, reset = console.exchange(raw)
    event(f"status {check_http_reply(data, reset)}")
    assert_still_serving(console)


@settings(FUZZ, max_examples=100)
@given(action=ACTIONS)
def test_console_actions_with_fuzzed_fields_answer_200_or_400(console, action):
    body = json.dumps(action, allow_nan=True).encode()
    status, reply = console.request("POST", "/api/action", body)
    event(f"status {status}")
    assert status in (200, 400), (status, reply)
    assert json.loads(reply)["ok"] is (status == 200)
    console.settle()
    assert not console.unhandled, console.unhandled


@settings(FUZZ, max_examples=60)
@given(price=st.none() | FINITE_FLOATS | BOUNDARY_NUMBERS, stock=st.none() | FINITE_FLOATS | BOUNDARY_NUMBERS)
def test_console_product_edit_keeps_prices_and_stock_within_catalog_limits(console, price, stock):
    console.producer.catalog = load_catalog_file(THREE_PRODUCTS)
    body = json.dumps({"operator": "Li Na", "action": "product", "sku": "A1001", "price": price, "stock": stock})
    status, reply = console.request("POST", "/api/action", body.encode())
    assert status in (200, 400)
    if status == 200:
        edited = json.loads(reply)
        assert 0 < edited["price"] <= MAX_PRICE and (edited["stock"] is None or 0 <= edited["stock"] <= MAX_STOCK)


# ---- 5. replay ----------------------------------------------------------------------------------

LINE_BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"])
CHAT_TEXT_ALPHABET = "这个茶多少钱充电宝面霜能带上飞机吗几块元件重量保质期孕妇喝买送减满第二半一两三十百千万abcXYZ0123456789 ,.?!，。？！~"
CHAT_TEXTS = st.text(alphabet=CHAT_TEXT_ALPHABET, min_size=1, max_size=20).filter(str.strip)


@st.composite
def chat_files(draw) -> str:
    lines = draw(st.lists(ANY_FRAME.map(lambda f: f.decode("utf-8", "replace") if isinstance(f, bytes) else f)
                          | WHITESPACE, max_size=6))
    text = ""
    for line in lines:
        text += line + draw(LINE_BREAKS)
    return text


@settings(FUZZ, max_examples=100)
@given(text=chat_files())
def test_read_chat_lines_never_raises_and_returns_an_event_or_error_per_nonblank_line(text):
    lines = read_chat_lines(text)
    numbers = [number for number, _, _ in lines]
    assert numbers == sorted(set(numbers)) and all(1 <= n <= len(text.splitlines()) for n in numbers)
    for _, parsed, error in lines:
        assert (parsed is None) != (error is None)
        if parsed is not None:
            assert_event_in_bounds(parsed)


@pytest.fixture(scope="module")
def three_products() -> Catalog:
    return load_catalog_file(THREE_PRODUCTS)


@pytest.fixture(scope="module")
def default_style():
    return load_persona("default").style


@st.composite
def replay_chats(draw) -> list[tuple[int, ChatEvent | None, str | None]]:
    chat = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        if draw(st.integers(0, 7)) == 0:
            chat.append((number, None, "not JSON"))
            continue
        kind = draw(st.sampled_from(EVENT_TYPES))
        frame = {"t": draw(st.floats(0, 120)), "type": kind, "user": draw(st.sampled_from(["u1", "u2", "u3"])),
                 "text": draw(CHAT_TEXTS), "nick": draw(st.text(alphabet="小鹿阿明ab", max_size=4))}
        chat.append((number, parse_chat_event(json.dumps(frame, ensure_ascii=False)), None))
    return chat


@settings(FUZZ, max_examples=20)
@given(chat=replay_chats(), seed=st.integers(0, 3))
def test_replay_of_fuzzed_valid_chat_finishes_with_a_record_per_line(three_products, default_style, chat, seed):
    result = ReplaySimulator(three_products, default_style, seed=seed).run(chat)
    assert isinstance(result, ReplayResult)
    assert len(result.events) == len(chat)
    assert math.isfinite(result.duration_s)
    assert result.duration_s >= max((e.t for _, e, _ in chat if e is not None), default=0.0)
    assert all(line.start <= line.end for line in result.aired)


# ---- 6. answers ---------------------------------------------------------------------------------

ANSWER_TOKENS = st.sampled_from([
    *"这个茶多少钱价格几块元件段充电宝面霜乌龙能带上飞机吗重量容量保质期孕妇喝买送减满第二半折包邮退货",
    *"一二两三四五六七八九十百千万亿零",
    *"0123456789", "元", "块", "ml", "g", "件", "段", "kg", "mAh", "W", "%", "折", "斤", "毫升", "个",
    *"，。？！,.?!~～、 ", "😀", "🔥", "👍", "❤️", "🎁", "\u200b",
])
ANSWER_TEXTS = st.one_of(
    st.lists(ANSWER_TOKENS, max_size=15).map("".join),
    st.tuples(st.lists(ANSWER_TOKENS, max_size=5).map("".join), st.integers(1, 60).map(lambda n: "9" * n),
              st.sampled_from(["件", "元", "ml", "g", "段", "块", "个"]), st.sampled_from(["多少钱", "？", ""])).map("".join),
    st.text(max_size=20))


@pytest.fixture(scope="module")
def answerer(three_products) -> Answerer:
    return Answerer.build(three_products)


@settings(FUZZ, max_examples=150)
@given(text=ANSWER_TEXTS, current_sku=st.sampled_from([None, "A1001", "B2002", "C3003", "NOPE"]),
       now=st.sampled_from([None, dt.datetime(2026, 11, 23, 20, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                            dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)]))
def test_answerer_answers_any_short_mixed_text_without_raising(answerer, text, current_sku, now):
    answer = answerer.answer(text, current_sku, now)
    assert isinstance(answer, Answer)
    assert all(isinstance(sentence, str) for sentence in answer.sentences)
    assert answer.sku is None or answerer.catalog.product(answer.sku) is not None
