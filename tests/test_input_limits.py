"""Limits at every boundary: what a viewer, a merchant's file or a request sends is parsed with
finite numbers, bounded nesting and capped text, and a breach is a clear error, never a hang."""
import json

import pytest

from script.bounded_input import JsonLimitError, load_yaml, loads
from script.catalog import CatalogError
from script.catalog_limits import TEXT_CHARS
from script.chat import ChatFormatError, parse_chat_event
from stream.catalog_file import load_catalog_file
from stream.cli import main

NESTED = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("frame, message", [
    ('{"t": NaN, "type": "comment", "user": "u", "text": "hi"}', "NaN"),
    ('{"t": 1e999, "type": "comment", "user": "u", "text": "hi"}', "out of range"),
    ('{"t": -Infinity, "type": "comment", "user": "u", "text": "hi"}', "Infinity"),
    ('{"t": 1e300, "type": "comment", "user": "u", "text": "hi"}', "field 't'"),
    ('{"t": 1, "type": "comment", "user": "u", "text": "hi", "x": ' + NESTED[:4000] + "}", "nested"),
])
def test_replay_lines_with_unbounded_values_are_format_errors(frame, message):
    with pytest.raises(ChatFormatError, match=message):
        parse_chat_event(frame)


def test_live_frames_nested_deep_are_malformed_not_tracebacks():
    with pytest.raises(ChatFormatError, match="nested"):
        parse_chat_event('{"type": "comment", "user": "u", "text": "hi", "x": ' + "[" * 2000 + "]" * 2000 + "}",
                         arrived_at=1.0)


def test_an_over_long_nick_is_cut_not_refused():
    event = parse_chat_event(json.dumps({"type": "enter", "user": "u", "nick": "家" * 500}), arrived_at=1.0)
    assert 0 < len(event.nick) <= 64


def test_bounded_parsers_keep_ordinary_documents():
    assert loads('{"a": [1, 2.5, "[[[["], "b": {"c": null}}') == {"a": [1, 2.5, "[[[["], "b": {"c": None}}
    assert load_yaml("a: [1, {b: 2}]") == {"a": [1, {"b": 2}]}
    with pytest.raises(JsonLimitError):
        load_yaml(NESTED)
    with pytest.raises(JsonLimitError):
        load_yaml("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)) + "  " * 60 + "v: 1\n")


def _catalog(tmp_path, product: dict, suffix=".json"):
    path = tmp_path / f"c{suffix}"
    data = {"shop": {"name": "店"}, "products": [{"sku": "A1", "title": "茶", "category": "food", "price": 9,
                                                 **product}]}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_huge_selling_point_is_cut_named_and_the_catalog_still_loads(tmp_path, capsys):
    path = _catalog(tmp_path, {"selling_points": ["好喝" * 850_000, "回甘"], "specs": {"产地": "云" * 5000}})
    catalog = load_catalog_file(path)
    product = catalog.products[0]
    assert len(product.selling_points[0]) == TEXT_CHARS["selling_points"] and product.selling_points[1] == "回甘"
    assert len(product.specs["产地"]) == TEXT_CHARS["spec_value"]
    named = {(w.field, w.where) for w in catalog.warnings}
    assert ("selling_points[0]", "products[0] (sku A1)") in named and ("specs.产地", "products[0] (sku A1)") in named
    assert main(["check-catalog", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning:" in out and "selling_points[0]: 1700000 characters, cut to the first 300" in out
    assert "2 warning(s)" in out


@pytest.mark.parametrize("product, message", [
    ({"price": 1e28}, "price: 1e\\+28 is above"),
    ({"price": 0.001}, "price: must be > 0"),
    ({"price": 9, "list_price": 0.004}, "list_price: must be > 0"),
    ({"stock": 1e12}, "stock: 1e\\+12 is above"),
    ({"sku": "A" * 65}, "sku: 65 characters, limit 64"),
    ({"selling_points": ["好"] * 41}, "selling_points: 41 items, limit 40"),
    ({"specs": {"产地": {"nested": "map"}}}, "specs.产地: must be text"),
])
def test_numbers_and_counts_out_of_range_are_refused_by_name(tmp_path, product, message):
    with pytest.raises(CatalogError, match=message):
        load_catalog_file(_catalog(tmp_path, product))


def test_catalog_files_nested_too_deep_or_with_nan_are_refused_with_a_reason(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"shop": {"name": "店"}, "products": ' + NESTED + "}", encoding="utf-8")
    with pytest.raises(CatalogError, match="nested 5001 levels deep"):
        load_catalog_file(deep)
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("shop: {name: 店}\nproducts: " + NESTED, encoding="utf-8")
    with pytest.raises(CatalogError, match="nested deeper"):
        load_catalog_file(deep_yaml)
    nan = tmp_path / "nan.json"
    nan.write_text('{"shop": {"name": "店"}, "products": [{"sku": "A", "title": "茶", "category": "food", '
                   '"price": NaN}]}', encoding="utf-8")
    with pytest.raises(CatalogError, match="NaN is not a number JSON allows"):
        load_catalog_file(nan)


def test_a_replay_of_hostile_lines_ends_with_error_records(tmp_path):
    lines = ['{"t": NaN, "type": "comment", "user": "u1", "text": "多少钱"}',
             '{"t": 1e999, "type": "comment", "user": "u2", "text": "多少钱"}',
             '{"t": 2, "type": "comment", "user": "u3", "text": "x", "deep": ' + "[" * 3000 + "]" * 3000 + "}",
             '{"t": 3, "type": "comment", "user": "u4", "text": "这个茶多少钱"}']
    chat = tmp_path / "chat.jsonl"
    chat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    assert main(["replay", "--catalog", "tests/data/three_products.yaml", "--chat", str(chat), "--out", str(out),
                 "--seed", "1"]) == 0
    events = json.loads((out / "report.json").read_text(encoding="utf-8"))["events"]
    assert [e["kind"] for e in events[:3]] == ["error"] * 3
    assert events[3]["kind"] == "question" and events[3]["reply"]


def test_a_chat_event_that_never_finishes_becomes_an_error_record_and_the_replay_goes_on():
    from script.answers import Answerer
    from script.chat import ChatEvent
    from stream.persona_bundle import load_persona
    from stream.replay import ReplaySimulator

    catalog = load_catalog_file("tests/data/three_products.yaml")

    class StuckOnOneQuestion(Answerer):
        def answer(self, text, *args, **kwargs):
            while "卡住" in text:  # a future bug: a loop that never ends on one kind of question
                pass
            return super().answer(text, *args, **kwargs)

    base = Answerer.build(catalog)
    answerer = StuckOnOneQuestion(catalog, base.index)
    simulator = ReplaySimulator(catalog, load_persona("default").style, seed=1, answerer=answerer,
                                event_budget_s=0.5)
    chat = [(1, ChatEvent(2.0, "comment", "u1", "卡住了吗 这个茶多少钱"), None),
            (2, ChatEvent(4.0, "comment", "u2", "这个茶多少钱"), None)]
    result = simulator.run(chat)
    stuck, fine = result.events
    assert stuck.kind == "error" and "line 1 took longer than 0.5 s" in stuck.error
    assert fine.kind == "question" and fine.reply is not None


def test_yaml_aliases_that_expand_without_end_are_refused():
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    with pytest.raises(JsonLimitError, match="expands to more than"):
        load_yaml("\n".join(levels) + "\n")
    with pytest.raises(JsonLimitError, match="nested 33"):
        load_yaml("&loop [*loop]")  # a list that contains itself: endlessly deep
