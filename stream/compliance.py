"""Wiring the guard and the chat reader for a show or a replay, with a merchant's own rules."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from script.catalog import Catalog
from script.chat_understanding import classify
from script.guard import Guard, GuardRulesError, default_rules, load_rules_text, merge_rules
from script.line_guard import GuardedLines, products_of
from script.lines import Line, LineKind, Priority

from .replay import AiredLine, ReplayResult


def load_guard(rules_path: str | Path | None = None) -> Guard:
    """The default rules, extended by a merchant's rule file when one is given."""
    rules = default_rules()
    if rules_path is not None:
        path = Path(rules_path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise GuardRulesError(f"{path}: cannot be read: {exc}") from None
        rules = merge_rules(rules, load_rules_text(text, str(path)))
    return Guard.from_rules(rules)


def make_checker(rules_path: str | Path | None = None) -> GuardedLines:
    return GuardedLines(load_guard(rules_path))


def make_reader():
    return classify


def audit_aired(result: ReplayResult, catalog: Catalog, checker: GuardedLines) -> list[tuple[AiredLine, tuple[str, ...]]]:
    """Every line that went on air, checked again after the fact: what slipped through the guard."""
    violations = []
    for aired in result.aired:
        if not aired.text:
            continue
        now = result.started_at + timedelta(seconds=aired.start) if result.started_at else None
        line = Line(aired.line_id, Priority(aired.priority), (aired.text,), aired.sku, aired.sources,
                    kind=LineKind(aired.kind), derived=aired.derived)
        verdict = checker(line, products_of(line, catalog), now)
        if verdict.blocked_by:
            violations.append((aired, verdict.blocked_by))
    return violations
