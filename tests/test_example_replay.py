"""The shipped example show replayed end to end: grounded numbers, no guard violation on air."""
import json
import re
from datetime import datetime

import pytest

from script.answers import Answerer
from script.derivation import vouched_values
from script.spoken_numbers import canonical
from script.writer import promotion_arithmetic
from stream.catalog_file import load_catalog_file
from stream.compliance import audit_aired, make_checker
from stream.persona_bundle import load_persona
from stream.replay import ReplaySimulator, read_chat_lines
from stream.replay_report import report_json

CATALOG = load_catalog_file("examples/catalog.yaml")
CHAT = read_chat_lines(open("examples/chat.jsonl", encoding="utf-8").read())
START = datetime.fromisoformat("2026-11-23T20:00:00+08:00")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def replay(persona="default", seed=0):
    checker = make_checker()
    result = ReplaySimulator(CATALOG, load_persona(persona).style, seed=seed, started_at=START, checker=checker,
                             answerer=Answerer.build(CATALOG)).run(CHAT)
    return result, checker


def catalog_numbers(sku):
    product = CATALOG.product(sku)
    text = json.dumps([product.title, product.price, product.list_price, product.stock, dict(product.specs),
                       list(product.selling_points), [p.text for p in product.promotions],
                       [(f.q, f.a) for f in product.faq], dict(product.policies)], ensure_ascii=False, default=str)
    numbers = {float(n) for n in _NUMBER.findall(text)}
    for promotion in product.promotions:
        worked = promotion_arithmetic(product, promotion)
        if worked:  # the arithmetic is checked, not taken on trust
            known = {canonical(n) for n in numbers}
            numbers |= {float(v) for v in vouched_values(tuple(e for e in worked[1] if "=" in e), known)}
    for promotion in product.promotions:
        if promotion.ends_at:  # "活动到12月31日23点59分结束"
            numbers |= {float(promotion.ends_at.month), float(promotion.ends_at.day), float(promotion.ends_at.hour),
                        float(promotion.ends_at.minute)}
    return numbers


@pytest.fixture(scope="module")
def example():
    return replay()


def test_every_number_in_every_reply_appears_in_the_catalog(example):
    result, _ = example
    replies = [e.reply for e in result.events if e.reply is not None]
    assert len(replies) > 150
    for reply in replies:
        numbers = {float(n) for n in _NUMBER.findall(reply.text)}
        if not numbers:
            continue
        cited = {source.split(".")[0] for source in reply.sources} & {p.sku for p in CATALOG.products}
        assert cited, reply.text
        facts = set().union(*(catalog_numbers(sku) for sku in cited))
        checked = vouched_values(tuple(reply.derived), {canonical(n) for n in facts})
        plain = {float(n) for n in reply.derived if "=" not in n}  # facts the guard cannot see (link numbers)
        traced = facts | {float(v) for v in checked} | plain
        assert numbers <= traced, (reply.text, numbers - traced)


def test_nothing_that_went_on_air_breaks_a_guard_rule(example):
    result, checker = example
    assert audit_aired(result, CATALOG, checker) == []
    assert not any("买一送一" in line.text for line in result.aired)  # the expired promotion is never advertised


def test_the_example_replay_is_deterministic_for_a_seed(example):
    result, _ = example
    again, _ = replay()
    assert report_json(again) == report_json(result)


def test_spam_abuse_and_injections_get_no_reply_and_logs_redact_contacts(example):
    result, _ = example
    for record in result.events:
        if record.kind in ("spam", "abuse"):
            assert record.reply is None, record.text
        assert not re.search(r"1[3-9]\d{9}", record.text), record.text  # phone numbers redacted in the report
