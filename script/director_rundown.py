"""The director's rundown: each product's share of airtime, its selling lines not said in the
repeat window (polished when a polisher passes the guard), safe template lines, fillers. A mixin
of `Director`: it uses the director's state and helpers (`_catalog`, `_style`, `_check`...)."""
from __future__ import annotations

from dataclasses import dataclass

from .catalog import Product
from .director_messages import DirectorAction
from .lines import Line, LineKind, Priority, format_price
from .writer import RUNDOWN_KINDS, write_line

_VARIANT_TRIES = 24


@dataclass
class Visit:
    sku: str
    started: float
    kinds: list[LineKind]


class Rundown:
    def opening(self) -> tuple[str, ...]:
        """The sentences the show opens with (its AI disclosure), known before it starts, so the
        voice can have them ready for frame 0."""
        return (self._disclosure(0),) if self._last_disclosure is None and self._style.ai_disclosures else ()

    def _disclosure(self, turn: int) -> str:
        return self._style.ai_disclosures[turn % len(self._style.ai_disclosures)].format(name=self._style.display_name)

    # --- the rundown ------------------------------------------------------------------------
    def _next_rundown_line(self, actions: list[DirectorAction]) -> Line:
        for _ in range(len(self._catalog.products) + 1):
            visit = self._current_visit()
            if visit is None:
                break
            product = self._catalog.product(visit.sku)
            misses = 0
            while product is not None and misses < len(RUNDOWN_KINDS):
                if not visit.kinds:  # airtime left: go round the product again, without re-introducing it
                    visit.kinds = list(RUNDOWN_KINDS[1:])
                kind = visit.kinds.pop(0)
                line = self._fresh_line(product, kind)
                if line is None:
                    misses += 1
                    continue
                self._said_at[line.text] = self._now
                polished = self._polished(line)
                if polished is not None:
                    return polished
                return self._checked(line, actions, fallback=self._safe_line)
            self._visit = None  # this visit has nothing new left to say: next product
            if self._pinned:
                break
        return self._filler()

    def _polished(self, line: Line) -> Line | None:
        """The rewritten line when a polisher is set and its rewrite passes the guard; else None."""
        if self._polish is None:
            return None
        try:
            rewritten = self._polish(line)
        except Exception:  # a failing rewriter costs the rewrite, never the line
            return None
        if rewritten.text == line.text:
            return None
        verdict = self._check(rewritten, self._products_for(rewritten), self.wall_time(self._now))
        return None if verdict.blocked_by else verdict.line

    def _current_visit(self) -> Visit | None:
        visit = self._visit
        if visit is not None:
            share = self._config.product_seconds * self._config.product_weights.get(visit.sku, 1.0)
            if self._now - visit.started < share or self._pinned == visit.sku:
                return visit
        product = self._next_product()
        if product is None:
            self._visit = None
            return None
        self._visit = Visit(product.sku, self._now, list(RUNDOWN_KINDS))
        return self._visit

    def _next_product(self) -> Product | None:
        products = self._catalog.products
        if self._pinned:
            pinned = self._catalog.product(self._pinned)
            return pinned if pinned is not None and not pinned.sold_out else None
        for step in range(1, len(products) + 1):
            candidate = products[(self._product_index + step) % len(products)]
            if not candidate.sold_out and self._config.product_weights.get(candidate.sku, 1.0) > 0:
                self._product_index = (self._product_index + step) % len(products)
                return candidate
        return None

    def _fresh_line(self, product: Product, kind: LineKind) -> Line | None:
        """A line of `kind` not said in the repeat window, or None when every variant was."""
        window = self._config.repeat_window_s
        for _ in range(_VARIANT_TRIES):
            line = write_line(product, kind, self._style, self._rng.randrange(1 << 30), "pending",
                              self.wall_time(self._now))
            if line is None:
                return None
            said = self._said_at.get(line.text)
            if said is None or self._now - said >= window:
                return Line(self._new_id("rundown-"), line.priority, line.sentences, line.sku, line.sources,
                            kind=line.kind, derived=line.derived)
        return None

    def _safe_line(self, line: Line) -> Line:
        product = self._catalog.product(line.sku or "")
        if product is None:
            return self._filler_line(line.line_id)
        return Line(line.line_id, Priority.RUNDOWN, (f"{product.title}，直播间价格{format_price(product.price)}。",
                                                     self._style.calls_to_action[0]),
                    product.sku, (f"{product.sku}.title", f"{product.sku}.price"), kind=LineKind.SAFE)

    def _filler(self) -> Line:
        return self._filler_line(self._new_id("filler-"))

    def _filler_line(self, line_id: str) -> Line:
        self._filler_turn += 1
        text = self._style.fillers[self._filler_turn % len(self._style.fillers)]
        return Line(line_id, Priority.RUNDOWN, (text,), kind=LineKind.FILLER)
