"""Helpers for answer tests: whether an answer, said as an answer line, passes the real guard."""
from __future__ import annotations

from datetime import datetime

from script.answer_facts import Answer
from script.catalog import Product
from script.line_guard import GuardedLines
from script.lines import Line, LineKind, Priority

_GUARD = GuardedLines()


def guard_blocks(answer: Answer, products: tuple[Product, ...], now: datetime | None) -> tuple[str, ...]:
    """The guard rules that would block this answer on air (empty: it airs as written)."""
    line = Line("answer-1", Priority.ANSWER, answer.sentences, answer.sku, answer.sources, kind=LineKind.ANSWER,
                derived=answer.derived)
    return tuple(_GUARD(line, products, now).blocked_by)
