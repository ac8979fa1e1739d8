"""LLM polish of selling lines without stalling the show: a worker thread rewrites lines as the
director writes them, and later visits of the same line use the rewrite. The director still puts
every rewrite through the guard, and keeps the original whenever a rewrite is missing or refused.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from dataclasses import replace

from script.guard import Guard, GuardContext
from script.lines import Line

from .llm_rewriter import LlmRewriter

log = logging.getLogger("livehost.polish")


class BackgroundPolisher:
    """A director LinePolisher: returns a cached rewrite at once, or the line itself while the
    worker prepares one. Bounded queue and cache; a full queue skips the line."""

    def __init__(self, rewriter: LlmRewriter, style_hint: str, guard: Guard | None = None,
                 max_queued: int = 64, max_cached: int = 2000) -> None:
        self._rewriter = rewriter
        self._style_hint = style_hint
        self._guard = guard or Guard.default()
        self._todo: queue.Queue[tuple[str, ...] | None] = queue.Queue(maxsize=max_queued)
        self._queued: set[tuple[str, ...]] = set()
        self._cache: OrderedDict[tuple[str, ...], tuple[str, ...]] = OrderedDict()
        self._max_cached = max_cached
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self.rewritten = 0
        self._worker = threading.Thread(target=self._work, name="llm-polish", daemon=True)
        self._worker.start()

    def __call__(self, line: Line) -> Line:
        key = line.sentences
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return replace(line, sentences=cached)
            if key in self._queued:
                return line
            try:
                self._todo.put_nowait(key)
            except queue.Full:
                return line
            self._queued.add(key)
        return line

    def _accept(self, text: str) -> bool:
        # A first filter without the product's facts (numbers are checked against the original
        # by the rewriter); the director checks the whole line with its products again.
        hits = self._guard.check(text, GuardContext()).hits
        return all(h.rule_id == "untraced_number" for h in hits)

    def _work(self) -> None:
        while True:
            key = self._todo.get()
            if key is None:
                return
            try:
                rewrites = self._rewriter.rewrite_line(key, self._style_hint, self._accept)
                result = tuple(r.text for r in rewrites)
            except Exception:  # the rewriter promises not to raise; a bug here must not kill the worker
                log.exception("LLM polish failed; the line stays as written")
                result = key
            with self._lock:
                self._queued.discard(key)
                self._cache[key] = result
                if result != key:
                    self.rewritten += 1
                while len(self._cache) > self._max_cached:
                    self._cache.popitem(last=False)
                if not self._queued:
                    self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued line is rewritten (tests and benches); False on timeout."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._queued, timeout)

    def close(self) -> None:
        try:
            self._todo.put_nowait(None)
        except queue.Full:
            pass
