"""Strategies and helpers shared by the fuzz tests (test_fuzz_*.py): bounded, derandomized
hypothesis settings, hostile scalars and texts, and the outcome check."""
from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st

from script.catalog_limits import MAX_PRICE, MAX_STOCK
from script.chat import (EVENT_TYPES, MAX_NICK_CHARS, MAX_TEXT_CHARS, MAX_USER_CHARS, ChatEvent)


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


def yaml_dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


YAML_SNIPPETS = st.sampled_from([
    ".nan", ".inf", "-.inf", "~", "null", "yes", "no", "0o17", "0x1F", "1_000", "12:30:00", "2026-12-01",
    "2026-12-01T00:00:00+08:00", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [{a: 1}]", "!!pairs [{a: 1}]",
    "!!str 5", "!!float nan", "!!int 7", "!!python/object:os.system x", "&a [1, *a]", "*undefined", "{a: 1, a: 2}",
    "[1, 2", "'unterminated", "\"\\x\"", "? [a, b]\n  : c", "|\n  block", ">-\n  folded", "{, }", "- - -", "\t",
    "%YAML 1.1\n---\n", "--- |", "\ufeff", "\x00",
])
