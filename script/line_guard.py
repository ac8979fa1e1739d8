"""The guard as the director sees it: a Line in, a verdict out (with a required disclaimer added)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cached_property

from .catalog import Catalog, Product
from .director_messages import LineVerdict
from .guard import Guard, GuardContext
from .lines import Line
from .viewer_text import ViewerTextScreen


def products_of(line: Line, catalog: Catalog) -> tuple[Product, ...]:
    """The products a line speaks of: its own, and every product whose facts it cites (an answer
    comparing two products, or listing a family's variants, has no single sku)."""
    skus = dict.fromkeys(([line.sku] if line.sku else []) + [s.split(".", 1)[0] for s in line.sources])
    return tuple(p for p in (catalog.product(s) for s in skus) if p is not None)


class GuardedLines:
    """A LineChecker backed by the advertising-law and fact guard."""

    def __init__(self, guard: Guard | None = None) -> None:
        self.guard = guard or Guard.default()

    @cached_property
    def viewer_screen(self) -> ViewerTextScreen:
        """Whether a nick or gift name may be said, read with this guard's rules (the merchant's too)."""
        return ViewerTextScreen(self.guard)

    def __call__(self, line: Line, products: tuple[Product, ...], now: datetime | None) -> LineVerdict:
        ctx = GuardContext(products=products, now=now, derived_numbers=line.derived)
        verdict = self.guard.check(line.text, ctx)
        if verdict.ok:
            return LineVerdict((), line)
        if verdict.fixable_by_suffix and verdict.required_suffix:
            fixed = replace(line, sentences=line.sentences + (verdict.required_suffix,))
            if self.guard.check(fixed.text, ctx).ok:
                return LineVerdict((), fixed)
        return LineVerdict(verdict.rule_ids, line)
